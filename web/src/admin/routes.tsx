// The back office's pages, under /admin. Each page is its own chunk (route `lazy`), so the first
// load is the frame and sign-in only, and shoppers never download any of it.
import { createBrowserRouter, Navigate, type RouteObject } from "react-router";
import { setSignedOutHandler } from "../shared/api";
import { useSession } from "../shared/hooks";
import { homeFor, type Section } from "./access";
import { AdminLayout } from "./AdminLayout";
import { NotFoundPage } from "./NotFoundPage";
import { Loading } from "../shared/ui/Status";

function HomeRedirect() {
  const session = useSession();
  return <Navigate to={homeFor(session?.user.role)} replace />;
}

function page(path: string, section: Section, load: () => Promise<{ Component: React.ComponentType }>): RouteObject {
  return { path, handle: { section }, lazy: load };
}

const routes: RouteObject[] = [
  {
    element: <AdminLayout />,
    hydrateFallbackElement: <Loading />,
    children: [
      { index: true, element: <HomeRedirect /> },
      page("dashboard", "dashboard", () =>
        import("./dashboard/DashboardPage").then((m) => ({ Component: m.DashboardPage })),
      ),
      page("products", "products", () =>
        import("./products/ProductsPage").then((m) => ({ Component: m.ProductsPage })),
      ),
      page("products/new", "products", () =>
        import("./products/ProductEditPage").then((m) => ({ Component: m.NewProductPage })),
      ),
      page("products/:productId", "products", () =>
        import("./products/ProductEditPage").then((m) => ({ Component: m.ProductEditPage })),
      ),
      page("categories", "categories", () =>
        import("./categories/CategoriesPage").then((m) => ({ Component: m.CategoriesPage })),
      ),
      page("inventory", "inventory", () =>
        import("./inventory/InventoryPage").then((m) => ({ Component: m.InventoryPage })),
      ),
      page("orders", "orders", () =>
        import("./orders/OrdersPage").then((m) => ({ Component: m.OrdersPage })),
      ),
      page("orders/:orderId", "orders", () =>
        import("./orders/OrderDetailPage").then((m) => ({ Component: m.OrderDetailPage })),
      ),
      page("reviews", "reviews", () =>
        import("./reviews/ReviewsPage").then((m) => ({ Component: m.ReviewsPage })),
      ),
      page("coupons", "coupons", () =>
        import("./coupons/CouponsPage").then((m) => ({ Component: m.CouponsPage })),
      ),
      page("users", "users", () =>
        import("./users/UsersPage").then((m) => ({ Component: m.UsersPage })),
      ),
      page("dead-letters", "deadLetters", () =>
        import("./deadletters/DeadLettersPage").then((m) => ({ Component: m.DeadLettersPage })),
      ),
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

export const router = createBrowserRouter(routes, { basename: "/admin" });

// A session that can no longer be refreshed is cleared; the layout then shows the sign-in form
// at the same address, so the person returns to where they were.
setSignedOutHandler(() => {});
