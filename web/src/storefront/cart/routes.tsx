// The cart pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";

export const cartRoutes: RouteObject[] = [
  {
    path: "cart",
    lazy: async () => ({ Component: (await import("./CartPage")).CartPage }),
  },
];
