import { RecommendationsSection } from "./RecommendationsSection";
import { useTrending } from "./recommendations";

/** What sells fastest lately: in the whole shop, or in one category (its id or slug; a top
 * category includes its subcategories). */
export function TrendingProducts({
  category,
  title = "Trending now",
  limit = 8,
}: {
  category?: string;
  title?: string;
  limit?: number;
}) {
  const { data } = useTrending(category, limit);
  const id = category ? `trending-${category}` : "trending";
  return <RecommendationsSection id={id} title={title} cards={data?.data} />;
}
