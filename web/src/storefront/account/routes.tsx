// The account pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";

export const accountRoutes: RouteObject[] = [
  { path: "signin", lazy: async () => ({ Component: (await import("./SignInPage")).SignInPage }) },
  { path: "register", lazy: async () => ({ Component: (await import("./RegisterPage")).RegisterPage }) },
  {
    path: "forgot-password",
    lazy: async () => ({ Component: (await import("./ForgotPasswordPage")).ForgotPasswordPage }),
  },
  {
    // the password-reset email links here: {STOREFRONT_URL}/reset-password?token=...
    path: "reset-password",
    lazy: async () => ({ Component: (await import("./ResetPasswordPage")).ResetPasswordPage }),
  },
  {
    // order confirmation and detail; the order emails link here: {STOREFRONT_URL}/orders/{id}
    path: "orders/:orderId",
    lazy: async () => ({ Component: (await import("./OrderPage")).OrderPage }),
  },
  {
    path: "account",
    lazy: async () => ({ Component: (await import("./AccountLayout")).AccountLayout }),
    children: [
      { index: true, lazy: async () => ({ Component: (await import("./ProfilePage")).ProfilePage }) },
      { path: "orders", lazy: async () => ({ Component: (await import("./OrdersPage")).OrdersPage }) },
      {
        path: "addresses",
        lazy: async () => ({ Component: (await import("./AddressesPage")).AddressesPage }),
      },
      {
        path: "notifications",
        lazy: async () => ({ Component: (await import("./NotificationsPage")).NotificationsPage }),
      },
    ],
  },
];
