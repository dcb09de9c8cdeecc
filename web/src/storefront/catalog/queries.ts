// The catalog's server state: one hook per API read or write the catalog pages make.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, unwrap, type components } from "../../shared/api";
import { useSession } from "../../shared/hooks";
import { useKeyedMutation } from "../../shared/idempotency";
import { apiQuery, type ListingQuery } from "./listing";

export type Product = components["schemas"]["Product"];
export type ProductPage = components["schemas"]["ProductPage"];
export type Category = components["schemas"]["Category"];
export type Review = components["schemas"]["Review"];
export type ReviewsPage = components["schemas"]["ProductReviewsPage"];
export type ReviewSort = "newest" | "helpful" | "highest" | "lowest";

/** The category tree changes rarely: one load serves the header, the home page and the filters. */
export function useCategoryTree() {
  return useQuery({
    queryKey: ["categories"],
    queryFn: async () => (await unwrap(api.GET("/api/categories"))).data ?? [],
    staleTime: 5 * 60_000,
  });
}

export function useFeaturedProducts(limit = 8) {
  return useQuery({
    queryKey: ["products", "featured", limit],
    queryFn: async () =>
      (await unwrap(api.GET("/api/products/featured", { params: { query: { limit } } }))).data ?? [],
  });
}

/** A page of the listing; the previous page stays on screen while the next one loads. */
export function useProductList(query: ListingQuery) {
  const params = apiQuery(query);
  return useQuery({
    queryKey: ["products", "list", params],
    queryFn: ({ signal }) => unwrap(api.GET("/api/products", { params: { query: params }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useProductBySlug(slug: string) {
  return useQuery({
    queryKey: ["products", "slug", slug],
    queryFn: () => unwrap(api.GET("/api/products/slug/{slug}", { params: { path: { slug } } })),
  });
}

export function useProductReviews(productId: string | undefined, sort: ReviewSort, page: number) {
  return useQuery({
    queryKey: ["reviews", productId, sort, page],
    queryFn: () =>
      unwrap(
        api.GET("/api/reviews/product/{productId}", {
          params: { path: { productId: productId as string }, query: { sort, page, limit: 10 } },
        }),
      ),
    enabled: Boolean(productId),
    placeholderData: keepPreviousData,
  });
}

/** Whether the signed-in shopper may review the product (null for guests: nothing to ask). */
export function useReviewEligibility(productId: string | undefined) {
  const session = useSession();
  const userId = session?.user?.id;
  return useQuery({
    queryKey: ["reviews", "eligibility", productId, userId],
    queryFn: () =>
      unwrap(
        api.GET("/api/reviews/product/{productId}/eligibility", {
          params: { path: { productId: productId as string } },
        }),
      ),
    enabled: Boolean(productId && userId),
  });
}

/** Submit a review; a retry of the same review carries its Idempotency-Key, so it is answered
 * with the first answer instead of "you have already reviewed this product". */
export function useSubmitReview(productId: string | undefined) {
  const queryClient = useQueryClient();
  return useKeyedMutation({
    send: (body: { rating: number; title: string; content: string }, key) =>
      unwrap(
        api.POST("/api/reviews", {
          headers: { "Idempotency-Key": key },
          body: { productId: productId as string, ...body },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["reviews", "eligibility", productId] }),
  });
}

export function useHelpfulVote() {
  return useKeyedMutation({
    send: (reviewId: string, key) =>
      unwrap(
        api.POST("/api/reviews/{reviewId}/helpful", {
          params: { path: { reviewId } },
          headers: { "Idempotency-Key": key },
        }),
      ),
  });
}

/** The tab's title, "<page> | Bazaar"; shared links get theirs from the gateway's HTML shell. */
export function useDocumentTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} | Bazaar`;
  }, [title]);
}
