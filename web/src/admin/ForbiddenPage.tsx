import { Link } from "react-router";
import type { Section } from "./access";
import { PageHeader } from "./ui/PageHeader";

/** A staff member opened a page their role may not use (a typed or shared link). */
export function ForbiddenPage({ home }: { home: string; section?: Section }) {
  return (
    <div className="stack">
      <PageHeader title="Not available to your role" />
      <p>This page is for administrators. Your account may not open it.</p>
      <Link className="button" to={home}>
        Go to your start page
      </Link>
    </div>
  );
}
