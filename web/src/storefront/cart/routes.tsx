// The cart pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";
import { lazyPage } from "../../shared/ui/lazyPage";

const CartPage = lazyPage(() => import("./CartPage").then((m) => m.CartPage));

export const cartRoutes: RouteObject[] = [{ path: "cart", element: <CartPage /> }];
