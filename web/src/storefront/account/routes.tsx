// The account pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";

export const accountRoutes: RouteObject[] = [];
