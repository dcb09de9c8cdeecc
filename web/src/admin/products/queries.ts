import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type components } from "../../shared/api";
import { useSession } from "../../shared/hooks";

export type Product = components["schemas"]["Product"];
export const PRODUCT_STATUSES = ["active", "draft", "archived"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export interface ProductFilters {
  q: string;
  status: ProductStatus | "";
  page: number;
}

export function useAdminProducts(filters: ProductFilters, limit = 20) {
  return useQuery({
    queryKey: ["admin", "products", filters, limit],
    queryFn: () =>
      unwrap(
        api.GET("/api/admin/products", {
          params: {
            query: {
              q: filters.q || undefined,
              status: filters.status || "any",
              page: filters.page,
              limit,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Products by id (for lists that only carry ids, such as low stock). */
export function useProductsByIds(ids: string[]) {
  return useQuery({
    queryKey: ["admin", "products", "ids", ids],
    queryFn: () =>
      unwrap(
        api.GET("/api/admin/products", {
          params: { query: { ids: ids.join(","), status: "any", limit: 100 } },
        }),
      ),
    enabled: ids.length > 0,
  });
}

export function useProduct(productId: string) {
  return useQuery({
    queryKey: ["product", productId],
    queryFn: () => unwrap(api.GET("/api/products/{productId}", { params: { path: { productId } } })),
  });
}

/** Whether the signed-in staff member may change a product: admins any, a seller their own only
 * (the API answers 404 to a seller's write on another seller's product). */
export function useMayChangeProduct(product: { sellerId?: string | null } | undefined): boolean {
  const session = useSession();
  const user = session?.user;
  if (!user || !product) return false;
  return user.role === "admin" || (user.role === "seller" && product.sellerId === user.id);
}
