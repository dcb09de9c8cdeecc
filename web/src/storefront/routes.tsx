// The storefront's pages: each area (catalog, cart, checkout, account) declares its own routes in
// its folder; this file puts them under the one layout.
import { createBrowserRouter } from "react-router";
import { setSignedOutHandler } from "../shared/api";
import { accountRoutes } from "./account/routes";
import { cartRoutes } from "./cart/routes";
import { catalogRoutes } from "./catalog/routes";
import { checkoutRoutes } from "./checkout/routes";
import { Layout } from "./Layout";
import { NotFoundPage } from "./NotFoundPage";

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      ...catalogRoutes,
      ...cartRoutes,
      ...checkoutRoutes,
      ...accountRoutes,
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);

// a session that can no longer be refreshed sends the person to sign in, and back afterwards
setSignedOutHandler(() => {
  const here = location.pathname + location.search;
  if (!location.pathname.startsWith("/signin")) {
    void router.navigate(`/signin?next=${encodeURIComponent(here)}`);
  }
});
