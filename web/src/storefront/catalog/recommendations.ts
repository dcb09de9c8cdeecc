// Recommendations, trending and recently viewed: the hooks the catalog pages call and the few
// choices they make about what to show. Every list comes from the API as it is (ranking, stock
// and fallbacks are the recommendations service's); this only names the list that answered and
// keeps one list from showing twice on a page.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { api, unwrap, type components } from "../../shared/api";
import { useSession } from "../../shared/hooks";
import { getSession } from "../../shared/session";
import { ensureGuestCartId } from "../cart/cart";
import { getGuestCartId } from "../cart/cartId";
import type { Product } from "./queries";

export type RecommendationCard = components["schemas"]["RecommendationCard"];
export type Recommendations = components["schemas"]["Recommendations"];
export type RecommendationKind = "also_bought" | "similar";
export type RecommendationSource = "also_bought" | "similar" | "trending";

const KEY = "recommendations";
export const RECENTLY_VIEWED_KEY = [KEY, "recently-viewed"] as const;

// -- what the pages show --------------------------------------------------------------------------

/** A card in the shape ProductCard draws, so every product grid of the shop looks the same. */
export function asProduct(card: RecommendationCard): Product {
  return {
    id: card.productId,
    slug: card.slug,
    name: card.name,
    price: card.price,
    currency: card.currency,
    image: card.image,
    ratingAverage: card.ratingAverage ?? undefined,
    ratingCount: card.ratingCount ?? undefined,
    available: card.available,
    inStock: (card.available ?? 0) > 0,
  };
}

/** The heading of a product's recommendations, named for the list that answered: also-bought
 * falls back to similar products and then to trending ones, and says so. */
export function headingFor(source: string | undefined): string {
  if (source === "similar") return "Similar products";
  if (source === "trending") return "Trending now";
  return "Customers also bought";
}

/** Whether the "Similar products" section adds anything: not when also-bought already fell back
 * to the similar list (the same cards twice), and not when similar itself fell back to trending
 * (that is not what its heading says). */
export function showSimilarSection(alsoBoughtSource: string | undefined, similarSource: string | undefined) {
  return similarSource === "similar" && alsoBoughtSource !== "similar";
}

/** The cards of `list` not already shown in `shown` (a similar product customers also bought is
 * shown once, in the section above). */
export function notAlreadyShown(
  list: RecommendationCard[] | undefined,
  shown: RecommendationCard[] | undefined,
): RecommendationCard[] {
  const seen = new Set((shown ?? []).map((card) => card.productId));
  return (list ?? []).filter((card) => !seen.has(card.productId));
}

// -- reads ----------------------------------------------------------------------------------------

/** A product's recommendations of one kind; `meta.source` says which list answered. */
export function useRecommendations(productId: string | undefined, kind: RecommendationKind, limit = 8) {
  return useQuery({
    queryKey: [KEY, "product", productId, kind, limit],
    queryFn: () =>
      unwrap(
        api.GET("/api/products/{productId}/recommendations", {
          params: { path: { productId: productId as string }, query: { kind, limit } },
        }),
      ),
    enabled: Boolean(productId),
    staleTime: 60_000,
  });
}

/** What sells fastest lately, in the whole shop or in one category (its id or slug). */
export function useTrending(category?: string, limit = 8) {
  return useQuery({
    queryKey: [KEY, "trending", category ?? null, limit],
    queryFn: () =>
      unwrap(
        api.GET("/api/recommendations/trending", {
          params: { query: category ? { category, limit } : { limit } },
        }),
      ),
    staleTime: 60_000,
  });
}

/** The products this shopper viewed lately, most recent first: a signed-in person's own list,
 * a guest's by the cart id this browser keeps (none yet: nothing viewed, nothing asked). */
export function useRecentlyViewed(limit = 12) {
  const userId = useSession()?.user?.id ?? null;
  const cartId = userId ? null : getGuestCartId();
  return useQuery({
    queryKey: [...RECENTLY_VIEWED_KEY, userId ?? cartId, limit],
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/recently-viewed", {
            params: { query: cartId ? { cartId, limit } : { limit } },
          }),
        )
      ).data ?? [],
    enabled: Boolean(userId || cartId),
  });
}

// -- the view -------------------------------------------------------------------------------------

export interface ViewSender {
  /** The signed-in person's id, or null for a guest. */
  userId(): string | null;
  /** The guest cart's id, creating the cart when this browser has none. */
  guestCartId(): Promise<string>;
  send(body: { productId: string; cartId?: string }): Promise<unknown>;
}

/**
 * `report(productId)` notes a view once per product shown: a re-render, a refetch or React's
 * development double mount of the same product report nothing more, while opening another
 * product and coming back reports again (that view is the most recent one now). A guest's view
 * is kept with their cart, so the cart is created first when there is none.
 */
export function viewReporter(sender: ViewSender): (productId: string) => Promise<boolean> {
  let last: string | null = null;
  return async (productId) => {
    if (!productId || productId === last) return false;
    last = productId;
    const userId = sender.userId();
    const body = userId ? { productId } : { productId, cartId: await sender.guestCartId() };
    await sender.send(body);
    return true;
  };
}

const sender: ViewSender = {
  userId: () => getSession()?.user?.id ?? null,
  guestCartId: ensureGuestCartId,
  send: (body) => unwrap(api.POST("/api/recently-viewed", { body })),
};

/** Note, once the product page shows a product, that this shopper viewed it: once per product
 * while the page is open (a reporter per page instance: leaving and coming back is a new view).
 * A failure is not the shopper's concern (the page works without it), so it is not shown. */
export function useReportView(productId: string | undefined) {
  const queryClient = useQueryClient();
  const reporter = useRef<ReturnType<typeof viewReporter> | null>(null);
  reporter.current ??= viewReporter(sender);
  useEffect(() => {
    if (!productId || !reporter.current) return;
    reporter.current(productId)
      .then((sent) => {
        if (sent) return queryClient.invalidateQueries({ queryKey: RECENTLY_VIEWED_KEY });
      })
      .catch(() => undefined);
  }, [productId, queryClient]);
}
