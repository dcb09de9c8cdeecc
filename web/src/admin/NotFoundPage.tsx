import { Link } from "react-router";
import { PageHeader } from "./ui/PageHeader";

export function NotFoundPage() {
  return (
    <div className="stack">
      <PageHeader title="Page not found" />
      <p>There is no back-office page at this address.</p>
      <Link to="/">Go to the start page</Link>
    </div>
  );
}
