import { signOut } from "../shared/session";
import { PageHeader } from "./ui/PageHeader";

/** Signed in, but as a customer: the back office is for sellers and admins. */
export function NoAccessPage({ email }: { email?: string }) {
  return (
    <main className="admin-signin" id="main">
      <div className="card stack">
        <PageHeader title="No access to the back office" />
        <p>
          You are signed in{email ? ` as ${email}` : ""}, and this account has no access to the
          back office. Ask an administrator for a seller or admin role.
        </p>
        <div className="row">
          <a className="button" href="/">
            Go to the shop
          </a>
          <button type="button" className="button button-secondary" onClick={() => signOut()}>
            Sign in with another account
          </button>
        </div>
      </div>
    </main>
  );
}
