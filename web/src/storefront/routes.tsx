// The storefront's pages. Each area's pages live in its folder; this file only maps URLs to them.
import { createBrowserRouter } from "react-router";
import { setSignedOutHandler } from "../shared/api";
import { Layout } from "./Layout";
import { NotFoundPage } from "./NotFoundPage";

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
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
