import { RecommendationsSection } from "./RecommendationsSection";
import { useRecentlyViewed } from "./recommendations";

/** The products this shopper looked at lately, most recent first (out-of-stock ones included:
 * they were viewed; their cards say they are out of stock). */
export function RecentlyViewedStrip({ limit = 8 }: { limit?: number }) {
  const { data } = useRecentlyViewed(limit);
  return <RecommendationsSection id="recently-viewed" title="Recently viewed" cards={data} />;
}
