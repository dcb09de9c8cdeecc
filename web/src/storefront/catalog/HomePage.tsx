import { Link } from "react-router";
import { Empty, QueryState } from "../../shared/ui/Status";
import { ProductGrid } from "./ProductCard";
import { useCategoryTree, useDocumentTitle, useFeaturedProducts } from "./queries";
import { RecentlyViewedStrip } from "./RecentlyViewedStrip";
import { freeShippingNote, useStorefrontConfig } from "./storefrontConfig";
import { TrendingProducts } from "./TrendingProducts";

/** The shop's front page: where to start browsing, what the shop features, what sells now, and
 * what this shopper looked at lately. */
export default function HomePage() {
  useDocumentTitle("Shop electronics, home, fashion and more");
  const featured = useFeaturedProducts(8);
  return (
    <div className="container page home">
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">Find what you need at Bazaar</h1>
        <FreeShippingNote />
        <Link to="/search" className="button">
          Browse all products
        </Link>
      </section>
      <CategoryEntryPoints />
      <section aria-labelledby="featured-title" className="home-section">
        <h2 id="featured-title">Featured products</h2>
        <QueryState query={featured} loading="Loading featured products…">
          {(products) =>
            products.length ? (
              <ProductGrid products={products} />
            ) : (
              <Empty title="Nothing is featured right now">
                <Link to="/search">See every product</Link>
              </Empty>
            )
          }
        </QueryState>
      </section>
      <TrendingProducts />
      <RecentlyViewedStrip />
    </div>
  );
}

/** One card per top category with a few of its subcategories. */
function CategoryEntryPoints() {
  const tree = useCategoryTree();
  return (
    <section aria-labelledby="categories-title" className="home-section">
      <h2 id="categories-title">Shop by category</h2>
      <QueryState query={tree} loading="Loading categories…">
        {(categories) => (
          <ul className="category-cards" role="list">
            {categories.map((category) => (
              <li key={category.id} className="card category-card">
                <h3>
                  <Link to={`/categories/${category.slug}`}>{category.name}</Link>
                </h3>
                {category.productCount ? (
                  <p className="small muted">{category.productCount} products</p>
                ) : null}
                {category.children?.length ? (
                  <ul className="category-card-children">
                    {category.children.slice(0, 4).map((child) => (
                      <li key={child.id}>
                        <Link to={`/categories/${child.slug}`}>{child.name}</Link>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

/** The configured free-shipping threshold; nothing is promised until the API has said it. */
function FreeShippingNote() {
  const { data: config } = useStorefrontConfig();
  const note = config ? freeShippingNote(config) : "";
  return <p>{note || "\u00a0"}</p>;
}
