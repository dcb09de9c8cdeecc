import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../shared/api";

/** The category tree (public, cached by the gateway). */
export function useCategoryTree() {
  return useQuery({
    queryKey: ["categories"],
    queryFn: () => unwrap(api.GET("/api/categories")),
  });
}
