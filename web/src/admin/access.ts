// What each staff role may open in the back office. This mirrors the `roles` of the gateway's
// routes (gateway/routes/*.py) so nobody is offered a page the API would refuse; the API still
// checks every call.
export type Role = "customer" | "seller" | "admin";

export type Section =
  | "dashboard"
  | "products"
  | "categories"
  | "inventory"
  | "orders"
  | "order"
  | "reviews"
  | "coupons"
  | "users"
  | "deadLetters";

const STAFF: readonly Role[] = ["seller", "admin"];
const ADMIN: readonly Role[] = ["admin"];

/** The roles that may open each section (GET routes behind it). A section without a NAVIGATION
 * entry (`order`) is reached by a link only. */
export const SECTION_ROLES: Record<Section, readonly Role[]> = {
  dashboard: ADMIN, // GET /api/admin/stats
  products: STAFF, // GET /api/admin/products, POST/PUT/PATCH/DELETE /api/products
  categories: STAFF, // the tree is public; changing it is admin-only (see may)
  inventory: STAFF, // /api/inventory/*
  orders: STAFF, // GET /api/admin/orders (a seller's list: the orders holding their products)
  order: STAFF, // GET /api/admin/orders/{id}
  reviews: ADMIN, // /api/admin/reviews
  coupons: ADMIN, // /api/admin/coupons
  users: ADMIN, // /api/admin/users
  deadLetters: ADMIN, // /api/admin/{orders,payments}/dead-letters
};

/** Actions within a page whose route allows fewer roles than the page itself. */
export type Action = "editCategories" | "refund" | "reviewMedia" | "changeOrderStatus";

const ACTION_ROLES: Record<Action, readonly Role[]> = {
  editCategories: ADMIN, // POST/PUT/DELETE /api/categories
  refund: ADMIN, // POST /api/payments/refund
  reviewMedia: ADMIN, // PATCH /api/admin/media/{id}
  changeOrderStatus: STAFF, // PATCH /api/orders/{id}/status, PUT .../tracking
};

export const NAVIGATION: { section: Section; path: string; label: string }[] = [
  { section: "dashboard", path: "/dashboard", label: "Dashboard" },
  { section: "orders", path: "/orders", label: "Orders" },
  { section: "products", path: "/products", label: "Products" },
  { section: "categories", path: "/categories", label: "Categories" },
  { section: "inventory", path: "/inventory", label: "Inventory" },
  { section: "reviews", path: "/reviews", label: "Reviews" },
  { section: "coupons", path: "/coupons", label: "Coupons" },
  { section: "users", path: "/users", label: "Users" },
  { section: "deadLetters", path: "/dead-letters", label: "Dead letters" },
];

export function isStaff(role: string | undefined | null): boolean {
  return role === "seller" || role === "admin";
}

export function mayOpen(role: string | undefined | null, section: Section): boolean {
  return (SECTION_ROLES[section] as readonly string[]).includes(role ?? "");
}

export function may(role: string | undefined | null, action: Action): boolean {
  return (ACTION_ROLES[action] as readonly string[]).includes(role ?? "");
}

/** The navigation a role sees, in order. */
export function navigationFor(role: string | undefined | null) {
  return NAVIGATION.filter((item) => mayOpen(role, item.section));
}

/** Where a role lands at /admin: its first section (the dashboard for admins). */
export function homeFor(role: string | undefined | null): string {
  return navigationFor(role)[0]?.path ?? "/";
}
