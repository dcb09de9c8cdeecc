import { Outlet } from "react-router";

export function AdminLayout() {
  return (
    <div className="admin-shell">
      <nav className="admin-nav" aria-label="Back office">
        <strong>Bazaar back office</strong>
      </nav>
      <main className="admin-main" id="main">
        <Outlet />
      </main>
    </div>
  );
}
