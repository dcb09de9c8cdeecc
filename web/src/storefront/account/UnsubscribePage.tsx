import { Link, useSearchParams } from "react-router";
import { useSession } from "../../shared/hooks";
import { ErrorMessage } from "../../shared/ui/Status";
import { unsubscribeView, useUnsubscribe } from "./unsubscribe";

/** Where a reminder email's unsubscribe link lands: /unsubscribe?token=... It works signed out;
 * nothing changes until the person presses the button. */
export function UnsubscribePage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const unsubscribe = useUnsubscribe();
  const session = useSession();
  const view = unsubscribeView(token, unsubscribe);
  const send = () => unsubscribe.mutate(token);
  return (
    <div className="container page auth-page">
      <div className="card auth-card">
        <h1>Cart reminder emails</h1>
        {view === "invalid" ? (
          <div className="notice notice-error" role="alert">
            <p>This unsubscribe link is not valid. Copy the whole link from the email, or sign in and turn reminders off in your profile.</p>
            <p>
              <Link to="/account">Go to your profile</Link>
            </p>
          </div>
        ) : null}
        {view === "done" ? (
          <div className="notice notice-ok" role="status">
            <p>You are unsubscribed: we will not email you about items left in your cart any more.</p>
            <p>
              Changed your mind? Turn them back on in <Link to="/account">your profile</Link>
              {session ? "." : " once you sign in."}
            </p>
          </div>
        ) : null}
        {view === "ready" || view === "sending" || view === "failed" ? (
          <>
            <p>Stop the emails we send when you leave items in your cart? Your cart and account stay as they are.</p>
            {view === "failed" ? <ErrorMessage error={unsubscribe.error} onRetry={send} /> : null}
            <button type="button" className="button button-block" disabled={view === "sending"} onClick={send}>
              {view === "sending" ? "Unsubscribing…" : "Unsubscribe"}
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
}
