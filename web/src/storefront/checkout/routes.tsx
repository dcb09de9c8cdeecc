// The checkout pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";

export const checkoutRoutes: RouteObject[] = [
  {
    path: "checkout",
    lazy: async () => ({ Component: (await import("./CheckoutPage")).CheckoutPage }),
  },
];
