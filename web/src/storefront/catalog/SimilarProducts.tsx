import { RecommendationsSection } from "./RecommendationsSection";
import { notAlreadyShown, showSimilarSection, useRecommendations } from "./recommendations";

/** "Similar products" on a product page: same category, brand or price band, less those the
 * also-bought section above shows. Hidden when that section already shows this very list, or
 * when nothing similar is left. */
export function SimilarProducts({ productId }: { productId: string }) {
  const alsoBought = useRecommendations(productId, "also_bought");
  const similar = useRecommendations(productId, "similar");
  const shown =
    alsoBought.isSuccess && showSimilarSection(alsoBought.data.meta?.source, similar.data?.meta?.source);
  const cards = shown ? notAlreadyShown(similar.data?.data, alsoBought.data.data) : undefined;
  return <RecommendationsSection id="similar" title="Similar products" cards={cards} />;
}
