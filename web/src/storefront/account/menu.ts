// What the header's account menu needs, kept apart from the account pages' hooks so that the
// storefront's first load carries only this.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../shared/api";
import { useSession } from "../../shared/hooks";
import { getSession, signOut } from "../../shared/session";
import { clearCartCache } from "../cart/cart";

export const INBOX = ["account", "notifications"] as const;

export function endSession(queryClient: QueryClient) {
  signOut();
  clearCartCache(queryClient);
  queryClient.removeQueries({ queryKey: ["account"] });
}

/** Sign out here: the refresh token is revoked on the server, then forgotten. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const refreshToken = getSession()?.refreshToken;
      try {
        if (refreshToken) await unwrap(api.POST("/api/auth/logout", { body: { refreshToken } }));
      } finally {
        // signed out here even when the server could not be told: the token expires anyway
        endSession(queryClient);
      }
    },
  });
}

/** The unread count for the header badge (one small page of unread notifications). */
export function useUnreadCount(): number {
  const session = useSession();
  const { data } = useQuery({
    queryKey: [...INBOX, session?.user?.id, "unread"],
    queryFn: () =>
      unwrap(api.GET("/api/notifications", { params: { query: { unread: true, limit: 1 } } })),
    enabled: Boolean(session),
    staleTime: 60_000,
  });
  return data?.meta?.unread ?? 0;
}

export function refreshInbox(queryClient: QueryClient) {
  return queryClient.invalidateQueries({ queryKey: INBOX });
}
