// The unsubscribe link of the reminder emails: {STOREFRONT_URL}/unsubscribe?token=... The page asks
// for a click before it POSTs, so a mail scanner opening the link unsubscribes nobody (RFC 8058's
// reasoning). The token is the credential: no session is needed.
import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "../../shared/api";
import { ApiError } from "../../shared/errors";

/** Turn off what the link names (cart reminders); a second click answers the same. */
export function sendUnsubscribe(token: string) {
  return unwrap(api.POST("/api/unsubscribe", { body: { token } }));
}

export function useUnsubscribe() {
  return useMutation({ mutationFn: sendUnsubscribe });
}

export type UnsubscribeView = "invalid" | "ready" | "sending" | "done" | "failed";

/** What the page shows: a link without a token, or one the server refused, is "invalid" (no
 * button, since another click cannot help); other failures keep the button for a retry. */
export function unsubscribeView(
  token: string,
  mutation: { isPending: boolean; isSuccess: boolean; error: unknown },
): UnsubscribeView {
  if (!token.trim()) return "invalid";
  if (mutation.isSuccess) return "done";
  if (mutation.isPending) return "sending";
  if (mutation.error instanceof ApiError && mutation.error.code === "INVALID_UNSUBSCRIBE_TOKEN") return "invalid";
  if (mutation.error) return "failed";
  return "ready";
}
