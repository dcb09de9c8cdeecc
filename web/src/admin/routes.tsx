// The back office's pages, under /admin.
import { createBrowserRouter } from "react-router";
import { setSignedOutHandler } from "../shared/api";
import { AdminLayout } from "./AdminLayout";

export const router = createBrowserRouter(
  [
    {
      element: <AdminLayout />,
      children: [],
    },
  ],
  { basename: "/admin" },
);

setSignedOutHandler(() => void router.navigate("/"));
