// Signing out, the same in both apps: the refresh token is revoked on the server, then the
// session and everything read with it are forgotten in this browser.
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./api";
import { getSession, signOut } from "./session";

/** Forget the session and every cached answer: what was read signed in (orders, the inbox,
 * another user's admin data) must not show to whoever uses this browser next. */
export function endSession(queryClient: QueryClient) {
  signOut();
  void queryClient.cancelQueries();
  queryClient.removeQueries();
}

/** Revoke this session's refresh token on the server (POST /api/auth/logout), then end it here. */
export async function revokeSession(queryClient: QueryClient): Promise<void> {
  const refreshToken = getSession()?.refreshToken;
  try {
    if (refreshToken) await unwrap(api.POST("/api/auth/logout", { body: { refreshToken } }));
  } finally {
    // signed out here even when the server could not be told: the token expires anyway
    endSession(queryClient);
  }
}

/** Sign out here: the refresh token is revoked on the server, then forgotten. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: () => revokeSession(queryClient) });
}
