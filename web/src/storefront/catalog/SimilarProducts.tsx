import { RecommendationsSection } from "./RecommendationsSection";
import { showSimilarSection, useRecommendations } from "./recommendations";

/** "Similar products" on a product page: same category, brand or price band. Hidden when the
 * also-bought section above already shows this list, or when there is nothing similar. */
export function SimilarProducts({ productId }: { productId: string }) {
  const alsoBought = useRecommendations(productId, "also_bought");
  const similar = useRecommendations(productId, "similar");
  const shown =
    alsoBought.isSuccess && showSimilarSection(alsoBought.data.meta?.source, similar.data?.meta?.source);
  return <RecommendationsSection id="similar" title="Similar products" cards={shown ? similar.data?.data : undefined} />;
}
