import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, ErrorMessage, Loading } from "../../shared/ui/Status";
import { findBySlug, trail } from "./categories";
import { ListingFilters } from "./ListingFilters";
import {
  clearFilters,
  effectiveSort,
  hasFilters,
  listingHref,
  queryFromParams,
  SORT_LABELS,
  SORTS,
  withFilters,
  type ListingQuery,
  type Sort,
} from "./listing";
import { ProductGrid } from "./ProductCard";
import { Breadcrumbs } from "./Breadcrumbs";
import { useCategoryTree, useDocumentTitle, useProductList } from "./queries";
import { TrendingProducts } from "./TrendingProducts";

/** /search?q=... and /categories/:slug: the same listing, its whole query in the URL; a category
 * page also shows what sells fastest in it. */
export default function ListingPage() {
  const { slug } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const query = queryFromParams(params, slug);
  const tree = useCategoryTree();
  const list = useProductList(query);
  const category = query.category ? findBySlug(tree.data, query.category) : undefined;
  const [filtersOpen, setFiltersOpen] = useState(false);

  const heading = query.q
    ? `Results for “${query.q}”`
    : category
      ? category.name
      : query.category
        ? "Category"
        : "All products";
  const unknownCategory = Boolean(slug) && tree.isSuccess && !category;
  useDocumentTitle(
    query.q
      ? `“${query.q}”: search`
      : unknownCategory
        ? "Category not found"
        : query.category
          ? category?.name
          : "All products",
  );

  // The router applies a navigation as a transition; until it lands, the filters show the choice
  // just made, so a ticked box or a chosen radio does not flick back for a moment.
  const urlKey = `${slug ?? ""}?${params.toString()}`;
  const [chosen, setChosen] = useState<{ at: string; query: ListingQuery } | null>(null);
  const shown = chosen && chosen.at === urlKey ? chosen.query : query;

  function show(next: ListingQuery) {
    setChosen({ at: urlKey, query: next });
    void navigate(listingHref(next));
  }

  function onPage(page: number) {
    show({ ...query, page });
    window.scrollTo({ top: 0 });
  }

  if (unknownCategory) {
    return (
      <div className="container page">
        <h1>Category not found</h1>
        <p>There is no category “{slug}”. It may have been renamed or removed.</p>
        <Link to="/search" className="button">
          Browse all products
        </Link>
      </div>
    );
  }

  const data = list.data;
  const meta = data?.meta;
  const total = meta?.total ?? 0;
  const interpreted = meta?.query?.interpreted;
  const corrected =
    query.q && interpreted && interpreted.toLowerCase() !== query.q.toLowerCase() ? interpreted : null;

  return (
    <div className="container page">
      {category ? <Breadcrumbs trail={trail(tree.data, category)} /> : null}
      <div className="listing-head">
        <h1>{heading}</h1>
        {category?.description && !query.q ? <p className="muted">{category.description}</p> : null}
      </div>
      <div className="sidebar-layout listing">
        <aside aria-label="Filters" className={filtersOpen ? "listing-filters is-open" : "listing-filters"}>
          <button
            type="button"
            className="button button-secondary filters-toggle"
            aria-expanded={filtersOpen}
            aria-controls="listing-filters"
            onClick={() => setFiltersOpen((open) => !open)}
          >
            {filtersOpen ? "Hide filters" : "Show filters"}
            {activeFilters(query) ? ` (${activeFilters(query)})` : ""}
          </button>
          <div id="listing-filters" className="listing-filters-body">
            <ListingFilters query={shown} facets={meta?.facets} tree={tree.data} onChange={(next) => show(next)} />
            {hasFilters(query) ? (
              <button type="button" className="button-link" onClick={() => show(clearFilters(query))}>
                Clear filters
              </button>
            ) : null}
          </div>
        </aside>
        <section aria-labelledby="results-heading" className="listing-results">
          <div className="results-bar">
            <h2 id="results-heading" className="results-count" aria-live="polite">
              {list.isPending || list.isPlaceholderData
                ? "Searching…"
                : data
                  ? `${meta?.totalRelation === "gte" ? "More than " : ""}${total.toLocaleString("en-US")} ${total === 1 ? "product" : "products"}`
                  : "Products"}
            </h2>
            <SortSelect
              value={effectiveSort(query)}
              hasText={Boolean(query.q)}
              onChange={(sort) => show(withFilters(query, { sort }))}
            />
          </div>
          {corrected ? (
            <p className="notice notice-info search-correction">
              Showing results for <strong>{corrected}</strong>.
            </p>
          ) : null}
          <ListingResults
            list={list}
            query={query}
            onClear={() => show(clearFilters(query))}
            onPage={onPage}
          />
        </section>
      </div>
      {category?.id && !query.q ? (
        <TrendingProducts key={category.id} category={category.id} title={`Trending in ${category.name}`} />
      ) : null}
    </div>
  );
}

function ListingResults({
  list,
  query,
  onClear,
  onPage,
}: {
  list: ReturnType<typeof useProductList>;
  query: ListingQuery;
  onClear: () => void;
  onPage: (page: number) => void;
}) {
  if (list.isPending) return <Loading label="Finding products…" />;
  if (list.error && !list.data) return <ErrorMessage error={list.error} onRetry={() => list.refetch()} />;
  const products = list.data?.data ?? [];
  const meta = list.data?.meta;
  if (!products.length && query.page > 1) {
    return (
      <Empty title="There are no more results">
        <button type="button" className="button" onClick={() => onPage(1)}>
          Back to the first page
        </button>
      </Empty>
    );
  }
  if (!products.length) {
    return (
      <Empty title={query.q ? `No products match “${query.q}”` : "No products match these filters"}>
        {hasFilters(query) ? (
          <>
            <p>Try removing a filter: fewer filters find more products.</p>
            <button type="button" className="button" onClick={onClear}>
              Clear filters
            </button>
          </>
        ) : (
          <p>
            Check the spelling, try a more general word, or <Link to="/search">browse all products</Link>.
          </p>
        )}
      </Empty>
    );
  }
  return (
    <div className={list.isPlaceholderData ? "results is-updating" : "results"} aria-busy={list.isFetching}>
      {list.error ? <ErrorMessage error={list.error} onRetry={() => list.refetch()} /> : null}
      <ProductGrid products={products} />
      <Pagination page={meta?.page ?? query.page} totalPages={meta?.totalPages ?? 1} onPage={onPage} />
    </div>
  );
}

function SortSelect({
  value,
  hasText,
  onChange,
}: {
  value: Sort;
  hasText: boolean;
  onChange: (sort: Sort) => void;
}) {
  return (
    <div className="sort-select">
      <label htmlFor="listing-sort">Sort by</label>
      <select id="listing-sort" className="input" value={value} onChange={(event) => onChange(event.target.value as Sort)}>
        {SORTS.filter((sort) => hasText || sort !== "relevance").map((sort) => (
          <option key={sort} value={sort}>
            {SORT_LABELS[sort]}
          </option>
        ))}
      </select>
    </div>
  );
}

/** How many filters are on, for the "Show filters" button on narrow screens. */
function activeFilters(query: ListingQuery): number {
  return (
    query.brands.length +
    (query.minPrice || query.maxPrice ? 1 : 0) +
    (query.inStock ? 1 : 0) +
    (query.category && query.q ? 1 : 0)
  );
}
