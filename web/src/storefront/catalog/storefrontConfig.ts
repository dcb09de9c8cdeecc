// What the storefront states about shipping and quantities (GET /api/storefront/config): the
// free-shipping threshold, the most of one product a cart takes, when "only N left" is said.
// All configuration on the server; it changes only on a redeploy, so one load serves the session.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type components } from "../../shared/api";
import { formatMoney } from "../../shared/format";

export type StorefrontConfig = components["schemas"]["StorefrontConfig"];

export function useStorefrontConfig() {
  return useQuery({
    queryKey: ["storefront-config"],
    queryFn: () => unwrap(api.GET("/api/storefront/config")),
    staleTime: 30 * 60_000,
  });
}

/** The home page's shipping promise, in the configured threshold and currency. */
export function freeShippingNote(config: Pick<StorefrontConfig, "freeShippingThreshold" | "currency">): string {
  const threshold = config.freeShippingThreshold;
  if (threshold === undefined || threshold === null) return "";
  if (Number(threshold) === 0) return "Free shipping on every order.";
  return `Free shipping on orders of ${formatMoney(threshold, config.currency)} or more.`;
}
