// The catalog pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";
import { Loading } from "../../shared/ui/Status";

// shown in the layout while a page's code arrives on the first load
function PageLoading() {
  return (
    <div className="container page">
      <Loading />
    </div>
  );
}

export const catalogRoutes: RouteObject[] = [
  {
    index: true,
    lazy: async () => ({ Component: (await import("./HomePage")).default }),
    HydrateFallback: PageLoading,
  },
  {
    path: "search",
    lazy: async () => ({ Component: (await import("./ListingPage")).default }),
    HydrateFallback: PageLoading,
  },
  {
    path: "categories/:slug",
    lazy: async () => ({ Component: (await import("./ListingPage")).default }),
    HydrateFallback: PageLoading,
  },
  {
    path: "products/:slug",
    lazy: async () => ({ Component: (await import("./ProductPage")).default }),
    HydrateFallback: PageLoading,
  },
];
