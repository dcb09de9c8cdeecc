// What the header's account menu needs, kept apart from the account pages' hooks so that the
// storefront's first load carries only this.
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../shared/api";
import { useSession } from "../../shared/hooks";

// signing out is the same in both apps (shared/signOut.ts); kept importable from here
export { endSession, useSignOut } from "../../shared/signOut";

export const INBOX = ["account", "notifications"] as const;

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
