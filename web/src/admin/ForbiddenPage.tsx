import { Link } from "react-router";
import type { Section } from "./access";
import { PageHeader } from "./ui/PageHeader";

/** A staff member opened a page their role may not use (a typed or shared link). */
export function ForbiddenPage({ home, section }: { home: string; section?: Section }) {
  return (
    <div className="stack">
      <PageHeader title="Not available to your role" />
      <p>This page is for administrators. Your account may not open it.</p>
      {section === "orders" ? (
        <p>
          The order list is for administrators. You can still work on an order: open its link
          (/admin/orders/ followed by the order&apos;s ID), for example one an administrator sent you.
        </p>
      ) : null}
      <Link className="button" to={home}>
        Go to your start page
      </Link>
    </div>
  );
}
