import { NavLink, Outlet } from "react-router";
import { RequireSignIn } from "./RequireSignIn";

/** The account pages' side navigation; every page under it needs a signed-in shopper. */
export function AccountLayout() {
  return (
    <RequireSignIn>
      <div className="container page sidebar-layout">
        <nav aria-label="Your account" className="account-nav card">
          <ul>
            <li>
              <NavLink to="/account" end>
                Profile
              </NavLink>
            </li>
            <li>
              <NavLink to="/account/orders">Orders</NavLink>
            </li>
            <li>
              <NavLink to="/account/addresses">Addresses</NavLink>
            </li>
            <li>
              <NavLink to="/account/notifications">Notifications</NavLink>
            </li>
          </ul>
        </nav>
        <div>
          <Outlet />
        </div>
      </div>
    </RequireSignIn>
  );
}
