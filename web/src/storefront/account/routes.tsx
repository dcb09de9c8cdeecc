// The account pages of the storefront, lazily loaded: shoppers download a page's code when they open it.
import type { RouteObject } from "react-router";
import { lazyPage } from "../../shared/ui/lazyPage";

const SignInPage = lazyPage(() => import("./SignInPage").then((m) => m.SignInPage));
const RegisterPage = lazyPage(() => import("./RegisterPage").then((m) => m.RegisterPage));
const ForgotPasswordPage = lazyPage(() =>
  import("./ForgotPasswordPage").then((m) => m.ForgotPasswordPage),
);
const ResetPasswordPage = lazyPage(() =>
  import("./ResetPasswordPage").then((m) => m.ResetPasswordPage),
);
const UnsubscribePage = lazyPage(() => import("./UnsubscribePage").then((m) => m.UnsubscribePage));
const OrderPage = lazyPage(() => import("./OrderPage").then((m) => m.OrderPage));
const AccountLayout = lazyPage(() => import("./AccountLayout").then((m) => m.AccountLayout));
const ProfilePage = lazyPage(() => import("./ProfilePage").then((m) => m.ProfilePage));
const OrdersPage = lazyPage(() => import("./OrdersPage").then((m) => m.OrdersPage));
const AddressesPage = lazyPage(() => import("./AddressesPage").then((m) => m.AddressesPage));
const NotificationsPage = lazyPage(() =>
  import("./NotificationsPage").then((m) => m.NotificationsPage),
);

export const accountRoutes: RouteObject[] = [
  { path: "signin", element: <SignInPage /> },
  { path: "register", element: <RegisterPage /> },
  { path: "forgot-password", element: <ForgotPasswordPage /> },
  // the password-reset email links here: {STOREFRONT_URL}/reset-password?token=...
  { path: "reset-password", element: <ResetPasswordPage /> },
  // the cart reminder emails' unsubscribe link: {STOREFRONT_URL}/unsubscribe?token=... (no session)
  { path: "unsubscribe", element: <UnsubscribePage /> },
  // order confirmation and detail; the order emails link here: {STOREFRONT_URL}/orders/{id}
  { path: "orders/:orderId", element: <OrderPage /> },
  {
    path: "account",
    element: <AccountLayout />,
    children: [
      { index: true, element: <ProfilePage /> },
      { path: "orders", element: <OrdersPage /> },
      { path: "addresses", element: <AddressesPage /> },
      { path: "notifications", element: <NotificationsPage /> },
    ],
  },
];
