import { NavLink } from "react-router";
import { useCategoryTree } from "./queries";

/** The top categories under the header; nothing while they load (the page stays usable). */
export function CategoryNav() {
  const { data } = useCategoryTree();
  if (!data?.length) return null;
  return (
    <nav className="category-nav" aria-label="Categories">
      <ul className="container">
        {data.map((category) => (
          <li key={category.id}>
            <NavLink to={`/categories/${category.slug}`}>{category.name}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
