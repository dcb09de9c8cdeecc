import { Link } from "react-router";

/** Home › parent categories › this page, the last one marked as where the shopper is. */
export function Breadcrumbs({
  trail,
  current,
}: {
  trail: { slug?: string | null; name?: string | null; id?: string }[];
  current?: string;
}) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        <li>
          <Link to="/">Home</Link>
        </li>
        {trail.map((node, index) => {
          const last = index === trail.length - 1 && !current;
          return (
            <li key={node.id ?? node.slug}>
              {last ? (
                <span aria-current="page">{node.name}</span>
              ) : (
                <Link to={`/categories/${node.slug}`}>{node.name}</Link>
              )}
            </li>
          );
        })}
        {current ? (
          <li>
            <span aria-current="page">{current}</span>
          </li>
        ) : null}
      </ol>
    </nav>
  );
}
