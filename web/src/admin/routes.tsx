// The back office's pages, under /admin. Each page is its own chunk (`lazyPage`), so the first
// load is the frame and sign-in only, and shoppers never download any of it.
import type { ComponentType } from "react";
import { BrowserRouter, Navigate, useRoutes, type RouteObject } from "react-router";
import { setSignedOutHandler } from "../shared/api";
import { useSession } from "../shared/hooks";
import { lazyPage } from "../shared/ui/lazyPage";
import { homeFor, mayOpen, type Section } from "./access";
import { AdminLayout } from "./AdminLayout";
import { ForbiddenPage } from "./ForbiddenPage";
import { NotFoundPage } from "./NotFoundPage";

function HomeRedirect() {
  const session = useSession();
  return <Navigate to={homeFor(session?.user.role)} replace />;
}

/** A page of one section: a role that may not open the section sees why instead of the page
 * (the API refuses it anyway), and the page's code is not even fetched. */
function page(path: string, section: Section, load: () => Promise<ComponentType>): RouteObject {
  const Page = lazyPage(load);
  function SectionPage() {
    const role = useSession()?.user.role;
    return mayOpen(role, section) ? <Page /> : <ForbiddenPage home={homeFor(role)} section={section} />;
  }
  // the first render waits for the page's code (preloadPages), never for a spinner's reveal
  SectionPage.preload = Page.preload;
  return { path, element: <SectionPage /> };
}

export const routes: RouteObject[] = [
  {
    element: <AdminLayout />,
    children: [
      { index: true, element: <HomeRedirect /> },
      page("dashboard", "dashboard", () =>
        import("./dashboard/DashboardPage").then((m) => m.DashboardPage),
      ),
      page("products", "products", () =>
        import("./products/ProductsPage").then((m) => m.ProductsPage),
      ),
      page("products/new", "products", () =>
        import("./products/ProductEditPage").then((m) => m.NewProductPage),
      ),
      page("products/:productId", "products", () =>
        import("./products/ProductEditPage").then((m) => m.ProductEditPage),
      ),
      page("categories", "categories", () =>
        import("./categories/CategoriesPage").then((m) => m.CategoriesPage),
      ),
      page("inventory", "inventory", () =>
        import("./inventory/InventoryPage").then((m) => m.InventoryPage),
      ),
      page("orders", "orders", () => import("./orders/OrdersPage").then((m) => m.OrdersPage)),
      // its own section: an order is also opened by its link (a seller: one holding their products)
      page("orders/:orderId", "order", () =>
        import("./orders/OrderDetailPage").then((m) => m.OrderDetailPage),
      ),
      page("reviews", "reviews", () => import("./reviews/ReviewsPage").then((m) => m.ReviewsPage)),
      page("coupons", "coupons", () => import("./coupons/CouponsPage").then((m) => m.CouponsPage)),
      page("users", "users", () => import("./users/UsersPage").then((m) => m.UsersPage)),
      page("dead-letters", "deadLetters", () =>
        import("./deadletters/DeadLettersPage").then((m) => m.DeadLettersPage),
      ),
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

// A session that can no longer be refreshed is cleared; the layout then shows the sign-in form
// at the same address, so the person returns to where they were.
setSignedOutHandler(() => {});

function Pages() {
  return useRoutes(routes);
}

export function AdminApp() {
  return (
    <BrowserRouter basename="/admin">
      <Pages />
    </BrowserRouter>
  );
}
