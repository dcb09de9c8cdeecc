// Server state of the signed-in shopper: sign-in and out, profile, address book, orders and the
// notifications inbox, as query and mutation hooks over the typed client.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap, type components } from "../../shared/api";
import { useSession } from "../../shared/hooks";
import { useKeyedMutation } from "../../shared/idempotency";
import { signIn, updateUser, type AuthResult } from "../../shared/session";
import { mergeGuestCartAfterSignIn } from "../cart/cart";
import { endSession, INBOX, refreshInbox } from "./menu";

export { refreshInbox, useSignOut, useUnreadCount } from "./menu";

export type Address = components["schemas"]["Address"];
export type AddressBody = components["schemas"]["AddressBody"];
export type Order = components["schemas"]["Order"];
export type Notification = components["schemas"]["Notification"];
export type HistoryEntry = components["schemas"]["HistoryEntry"];
export type Payment = components["schemas"]["Payment"];

// -- signing in and out -------------------------------------------------------------------------

async function startSession(result: AuthResult, queryClient: QueryClient) {
  signIn(result);
  queryClient.removeQueries({ queryKey: ["account"] });
  await mergeGuestCartAfterSignIn(queryClient);
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { email: string; password: string }) => {
      const result = await unwrap(api.POST("/api/auth/login", { body }));
      await startSession(result, queryClient);
    },
  });
}

export function useRegister() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: components["schemas"]["RegisterBody"]) => {
      const result = await unwrap(api.POST("/api/auth/register", { body }));
      await startSession(result, queryClient);
    },
  });
}

/** Sign out on every device: refused unless the server confirms, so the person knows. */
export function useSignOutEverywhere() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await unwrap(api.POST("/api/auth/logout-all", {}));
      endSession(queryClient);
    },
  });
}

export function useForgotPassword() {
  return useMutation({
    mutationFn: (email: string) =>
      unwrap(api.POST("/api/auth/forgot-password", { body: { email } })),
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      unwrap(api.POST("/api/auth/reset-password", { body })),
  });
}

// -- profile and addresses ----------------------------------------------------------------------

export function useProfile() {
  const session = useSession();
  return useQuery({
    queryKey: ["account", "profile", session?.user?.id],
    queryFn: () => unwrap(api.GET("/api/users/profile")),
    enabled: Boolean(session),
  });
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["ProfileUpdateBody"]) =>
      unwrap(api.PUT("/api/users/profile", { body })),
    onSuccess: (user) => {
      updateUser(user);
      queryClient.setQueryData(["account", "profile", user.id], user);
    },
  });
}

const ADDRESSES = ["account", "addresses"] as const;

export function useAddresses() {
  const session = useSession();
  return useQuery({
    queryKey: [...ADDRESSES, session?.user?.id],
    queryFn: async () => (await unwrap(api.GET("/api/users/addresses"))).data ?? [],
    enabled: Boolean(session),
  });
}

/** Add or change an address; a retry of the same form carries its Idempotency-Key, so a new
 * address saved twice is stored once. */
export function useSaveAddress() {
  const queryClient = useQueryClient();
  return useKeyedMutation({
    send: ({ id, body }: { id?: string; body: AddressBody }, key) => {
      const headers = { "Idempotency-Key": key };
      return id
        ? unwrap(api.PUT("/api/users/addresses/{addressId}", { params: { path: { addressId: id } }, headers, body }))
        : unwrap(api.POST("/api/users/addresses", { headers, body }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ADDRESSES }),
  });
}

export function useDeleteAddress() {
  const queryClient = useQueryClient();
  return useKeyedMutation({
    send: (id: string, key) =>
      unwrap(
        api.DELETE("/api/users/addresses/{addressId}", {
          params: { path: { addressId: id } },
          headers: { "Idempotency-Key": key },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ADDRESSES }),
  });
}

// -- orders -------------------------------------------------------------------------------------

export const orderKey = (orderId: string) => ["account", "order", orderId] as const;

export function useOrders(page: number) {
  const session = useSession();
  return useQuery({
    queryKey: ["account", "orders", session?.user?.id, page],
    queryFn: () => unwrap(api.GET("/api/orders", { params: { query: { page, limit: 10 } } })),
    enabled: Boolean(session),
    placeholderData: (previous) => previous,
  });
}

/** One order; with `poll`, re-read every few seconds while it is still being paid for. */
export function useOrder(orderId: string, poll = false) {
  return useQuery({
    queryKey: orderKey(orderId),
    queryFn: () => unwrap(api.GET("/api/orders/{orderId}", { params: { path: { orderId } } })),
    staleTime: 5_000,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return poll && (status === "pending" || status === "awaiting_payment") ? 5_000 : false;
    },
  });
}

export function useOrderHistory(orderId: string) {
  return useQuery({
    queryKey: [...orderKey(orderId), "history"],
    queryFn: async () =>
      (await unwrap(api.GET("/api/orders/{orderId}/history", { params: { path: { orderId } } })))
        .data ?? [],
    staleTime: 5_000,
  });
}

export function useOrderPayment(orderId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...orderKey(orderId), "payment"],
    queryFn: () => unwrap(api.GET("/api/payments/order/{orderId}", { params: { path: { orderId } } })),
    enabled,
    staleTime: 5_000,
  });
}

export function useCancelOrder(orderId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/orders/{orderId}/cancel", { params: { path: { orderId } } })),
    onSuccess: (order) => {
      queryClient.setQueryData(orderKey(orderId), order);
      return queryClient.invalidateQueries({ queryKey: orderKey(orderId) });
    },
  });
}

// -- notifications ------------------------------------------------------------------------------

export function useInbox(page: number) {
  const session = useSession();
  return useQuery({
    queryKey: [...INBOX, session?.user?.id, page],
    queryFn: () =>
      unwrap(api.GET("/api/notifications", { params: { query: { page, limit: 20 } } })),
    enabled: Boolean(session),
    placeholderData: (previous) => previous,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/api/notifications/{notificationId}/read", { params: { path: { notificationId: id } } })),
    onSuccess: () => refreshInbox(queryClient),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/notifications/read-all", {})),
    onSuccess: () => refreshInbox(queryClient),
  });
}
