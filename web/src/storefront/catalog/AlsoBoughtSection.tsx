import { RecommendationsSection } from "./RecommendationsSection";
import { headingFor, useRecommendations } from "./recommendations";

/** "Customers also bought" on a product page; when nobody has bought it with anything yet, the
 * API answers with similar or trending products and the heading says which. */
export function AlsoBoughtSection({ productId }: { productId: string }) {
  const { data } = useRecommendations(productId, "also_bought");
  return <RecommendationsSection id="also-bought" title={headingFor(data?.meta?.source)} cards={data?.data} />;
}
