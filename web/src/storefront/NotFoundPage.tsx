import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <div className="container page">
      <h1>Page not found</h1>
      <p>The page you asked for is not here. It may have moved, or the link may be mistyped.</p>
      <Link to="/" className="button">
        Back to the shop
      </Link>
    </div>
  );
}
