import { useEffect, useId, useState, type FormEvent } from "react";
import { formatMoney } from "../../shared/format";
import { TextField } from "../../shared/ui/Field";
import { categoryChoices, countsByCategory, type CategoryNode } from "./categories";
import { parsePriceRange, withFilters, type ListingQuery } from "./listing";
import type { ProductPage } from "./queries";

type Facets = NonNullable<NonNullable<ProductPage["meta"]>["facets"]>;

/**
 * The listing's filters, each a labelled form control; every change becomes a new URL (see
 * listing.ts), so the filters always show what the URL says.
 */
export function ListingFilters({
  query,
  facets,
  tree,
  onChange,
}: {
  query: ListingQuery;
  facets: Facets | undefined;
  tree: CategoryNode[] | undefined;
  onChange: (next: ListingQuery) => void;
}) {
  return (
    <div className="filters">
      <CategoryFilter query={query} facets={facets} tree={tree} onChange={onChange} />
      <BrandFilter query={query} facets={facets} onChange={onChange} />
      <PriceFilter query={query} facets={facets} onChange={onChange} />
      <fieldset>
        <legend>Availability</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={query.inStock}
            onChange={(event) => onChange(withFilters(query, { inStock: event.target.checked }))}
          />
          In stock only
        </label>
      </fieldset>
    </div>
  );
}

function CategoryFilter({
  query,
  facets,
  tree,
  onChange,
}: {
  query: ListingQuery;
  facets: Facets | undefined;
  tree: CategoryNode[] | undefined;
  onChange: (next: ListingQuery) => void;
}) {
  const name = useId();
  if (!tree?.length) return null;
  const counts = facets ? countsByCategory(tree, facets.categories) : null;
  const choices = categoryChoices(tree, query.category, counts);
  return (
    <fieldset>
      <legend>Category</legend>
      <label className="radio">
        <input
          type="radio"
          name={name}
          checked={!query.category}
          onChange={() => onChange(withFilters(query, { category: "" }))}
        />
        All categories
      </label>
      {choices.map(({ node, level, count }) => (
        <FacetOption
          key={node.id}
          type="radio"
          name={name}
          label={node.name ?? ""}
          count={count}
          indent={level + 1}
          checked={query.category === node.slug}
          onChange={() => onChange(withFilters(query, { category: node.slug ?? "" }))}
        />
      ))}
    </fieldset>
  );
}

function BrandFilter({
  query,
  facets,
  onChange,
}: {
  query: ListingQuery;
  facets: Facets | undefined;
  onChange: (next: ListingQuery) => void;
}) {
  const listed = facets?.brands ?? [];
  // a chosen brand stays listed (and can be unticked) even when the facets no longer name it
  const brands = [
    ...listed.map((b) => ({ brand: b.brand ?? "", count: b.count })),
    ...query.brands
      .filter((chosen) => !listed.some((b) => b.brand?.toLowerCase() === chosen.toLowerCase()))
      .map((brand) => ({ brand, count: undefined })),
  ].filter((b) => b.brand);
  if (!brands.length) return null;
  const chosen = new Set(query.brands.map((b) => b.toLowerCase()));
  function toggle(brand: string, on: boolean) {
    const rest = query.brands.filter((b) => b.toLowerCase() !== brand.toLowerCase());
    onChange(withFilters(query, { brands: on ? [...rest, brand] : rest }));
  }
  return (
    <fieldset>
      <legend>Brand</legend>
      <div className="facet-list">
        {brands.map(({ brand, count }) => (
          <FacetOption
            key={brand}
            type="checkbox"
            label={brand}
            count={count}
            checked={chosen.has(brand.toLowerCase())}
            onChange={(on) => toggle(brand, on)}
          />
        ))}
      </div>
    </fieldset>
  );
}

function PriceFilter({
  query,
  facets,
  onChange,
}: {
  query: ListingQuery;
  facets: Facets | undefined;
  onChange: (next: ListingQuery) => void;
}) {
  const [min, setMin] = useState(query.minPrice);
  const [max, setMax] = useState(query.maxPrice);
  const [errors, setErrors] = useState<{ minPrice?: string; maxPrice?: string }>({});
  // Back/Forward or "Clear filters" change the URL: the fields follow it
  useEffect(() => {
    setMin(query.minPrice);
    setMax(query.maxPrice);
    setErrors({});
  }, [query.minPrice, query.maxPrice]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const { range, errors } = parsePriceRange(min, max);
    setErrors(errors);
    if (errors.minPrice || errors.maxPrice) return;
    onChange(withFilters(query, range));
  }

  const low = facets?.price?.min;
  const high = facets?.price?.max;
  return (
    <form onSubmit={apply} noValidate>
      <fieldset>
        <legend>Price</legend>
        {low && high ? (
          <p className="field-hint">
            Matches cost {formatMoney(low)} to {formatMoney(high)}
          </p>
        ) : null}
        <div className="price-fields">
          <TextField
            label="Min price"
            inputMode="decimal"
            autoComplete="off"
            value={min}
            onChange={(event) => setMin(event.target.value)}
            error={errors.minPrice}
          />
          <TextField
            label="Max price"
            inputMode="decimal"
            autoComplete="off"
            value={max}
            onChange={(event) => setMax(event.target.value)}
            error={errors.maxPrice}
          />
        </div>
        <button type="submit" className="button button-secondary">
          Apply price
        </button>
      </fieldset>
    </form>
  );
}

/**
 * One facet value: the control is named by the value alone ("Sony"); its count of matches is
 * its description, read after the name ("Sony, checkbox, 6 products").
 */
function FacetOption({
  type,
  name,
  label,
  count,
  indent = 0,
  checked,
  onChange,
}: {
  type: "checkbox" | "radio";
  name?: string;
  label: string;
  count?: number;
  indent?: number;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="facet-option" style={indent ? { paddingInlineStart: `${indent * 0.9}rem` } : undefined}>
      <input
        id={id}
        type={type}
        name={name}
        checked={checked}
        aria-describedby={count !== undefined ? `${id}-count` : undefined}
        onChange={(event) => onChange(event.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {count !== undefined ? (
        <span id={`${id}-count`} className="facet-count">
          {count}
          <span className="visually-hidden"> {count === 1 ? "product" : "products"}</span>
        </span>
      ) : null}
    </div>
  );
}
