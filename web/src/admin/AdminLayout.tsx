import { useEffect, useState } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { useSession } from "../shared/hooks";
import { useSignOut } from "../shared/signOut";
import { isStaff, navigationFor } from "./access";
import { LiveAlerts } from "./LiveAlerts";
import { NoAccessPage } from "./NoAccessPage";
import { SignInPage } from "./SignInPage";

/** The back office's frame. Signed out: the sign-in form at whatever URL was asked for (so a
 * shared link opens after sign-in). Customers are told they have no access; staff see the
 * navigation their role may use, and a page outside it says so instead of loading. */
export function AdminLayout() {
  const session = useSession();
  const location = useLocation();
  // on a phone the navigation folds behind a Menu button, and folds again after each choice
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const signOut = useSignOut();
  if (!session) return <SignInPage />;
  const { role, email, firstName } = session.user;
  if (!isStaff(role)) return <NoAccessPage email={email} />;

  return (
    <div className="admin-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="admin-nav">
        <div className="admin-brand">
          <strong>Bazaar back office</strong>
          <span className="small">
            {firstName || email} · {role}
          </span>
          <button
            type="button"
            className="button button-secondary admin-menu-button"
            aria-expanded={menuOpen}
            aria-controls="admin-menu"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
        </div>
        <nav aria-label="Back office" id="admin-menu" className={menuOpen ? "admin-menu-open" : undefined}>
          <ul>
            {navigationFor(role).map((item) => (
              <li key={item.path}>
                <NavLink to={item.path}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="admin-nav-foot">
          {role === "admin" ? <LiveAlerts /> : null}
          <a href="/">View the shop</a>
          <button
            type="button"
            className="button-link"
            disabled={signOut.isPending}
            onClick={() => signOut.mutate()}
          >
            Sign out
          </button>
        </div>
      </header>
      <main className="admin-main" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
