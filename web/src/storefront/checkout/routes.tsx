// The checkout pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";
import { lazyPage } from "../../shared/ui/lazyPage";

const CheckoutPage = lazyPage(() => import("./CheckoutPage").then((m) => m.CheckoutPage));

export const checkoutRoutes: RouteObject[] = [{ path: "checkout", element: <CheckoutPage /> }];
