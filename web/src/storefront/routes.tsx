// The storefront's pages: each area (catalog, cart, checkout, account) declares its own routes in
// its folder; this file puts them under the one layout.
import { useEffect } from "react";
import { BrowserRouter, useNavigate, useRoutes, type RouteObject } from "react-router";
import { setSignedOutHandler } from "../shared/api";
import { accountRoutes } from "./account/routes";
import { cartRoutes } from "./cart/routes";
import { catalogRoutes } from "./catalog/routes";
import { checkoutRoutes } from "./checkout/routes";
import { Layout } from "./Layout";
import { NotFoundPage } from "./NotFoundPage";

export const routes: RouteObject[] = [
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
];

function Pages() {
  const navigate = useNavigate();
  // a session that can no longer be refreshed sends the person to sign in, and back afterwards
  useEffect(() => {
    setSignedOutHandler(() => {
      if (!location.pathname.startsWith("/signin")) {
        const here = location.pathname + location.search;
        navigate(`/signin?next=${encodeURIComponent(here)}`);
      }
    });
  }, [navigate]);
  return useRoutes(routes);
}

export function StorefrontApp() {
  return (
    <BrowserRouter>
      <Pages />
    </BrowserRouter>
  );
}
