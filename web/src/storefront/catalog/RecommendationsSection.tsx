import { ProductGrid } from "./ProductCard";
import { asProduct, type RecommendationCard } from "./recommendations";

/**
 * A titled grid of recommended products. These lists only add to a page, so one that is still
 * loading, failed or came back empty takes no room and says nothing (the page is whole without it).
 */
export function RecommendationsSection({
  id,
  title,
  cards,
}: {
  id: string;
  title: string;
  cards: RecommendationCard[] | undefined;
}) {
  if (!cards?.length) return null;
  return (
    <section aria-labelledby={`${id}-title`} className="home-section recommendations">
      <h2 id={`${id}-title`}>{title}</h2>
      <ProductGrid products={cards.map(asProduct)} eagerCount={0} />
    </section>
  );
}
