import { Link, Outlet } from "react-router";
import { ScrollToTop } from "../shared/ui/ScrollToTop";
import { AccountMenu } from "./account/AccountMenu";
import { CartLink } from "./cart/CartLink";
import { CategoryNav } from "./catalog/CategoryNav";
import { SearchBox } from "./catalog/SearchBox";

/** Header (logo, search, account, cart), category navigation, the page, footer. */
export function Layout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container">
          <Link to="/" className="logo">
            Bazaar
          </Link>
          <SearchBox />
          <div className="header-actions">
            <AccountMenu />
            <CartLink />
          </div>
        </div>
        <CategoryNav />
      </header>
      <main id="main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="container">Bazaar, open-source commerce.</div>
      </footer>
      <ScrollToTop />
    </>
  );
}
