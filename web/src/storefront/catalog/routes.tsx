// The catalog pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";
import { lazyPage } from "../../shared/ui/lazyPage";

const HomePage = lazyPage(() => import("./HomePage").then((m) => m.default));
const ListingPage = lazyPage(() => import("./ListingPage").then((m) => m.default));
const ProductPage = lazyPage(() => import("./ProductPage").then((m) => m.default));

export const catalogRoutes: RouteObject[] = [
  { index: true, element: <HomePage /> },
  { path: "search", element: <ListingPage /> },
  { path: "categories/:slug", element: <ListingPage /> },
  { path: "products/:slug", element: <ProductPage /> },
];
