// The product listing's whole state lives in the URL (so a search can be shared and back/forward
// work): these functions turn search params into a listing query, the query into the API's query
// and back into a URL. Pure, so they are unit-tested without a browser.

export const SORTS = ["relevance", "price_asc", "price_desc", "newest", "rating"] as const;
export type Sort = (typeof SORTS)[number];

export const SORT_LABELS: Record<Sort, string> = {
  relevance: "Best match",
  price_asc: "Price: low to high",
  price_desc: "Price: high to low",
  newest: "Newest",
  rating: "Top rated",
};

export const PAGE_SIZE = 24;

export interface ListingQuery {
  q: string;
  /** category slug (on /categories/:slug it comes from the path) */
  category: string;
  brands: string[];
  /** decimal strings as the API takes them, "" when unset */
  minPrice: string;
  maxPrice: string;
  inStock: boolean;
  /** "" means the API's default: relevance with a text query, newest without */
  sort: Sort | "";
  page: number;
}

export const EMPTY_QUERY: ListingQuery = {
  q: "",
  category: "",
  brands: [],
  minPrice: "",
  maxPrice: "",
  inStock: false,
  sort: "",
  page: 1,
};

const PRICE = /^\d{1,9}(\.\d{1,2})?$/;

/**
 * A price typed by the shopper as the API's decimal string: "25" -> "25", "$19.9" -> "19.9",
 * "1,299.00" -> "1299.00"; "" for an empty field; null when it is not a price.
 */
export function parsePrice(input: string | null | undefined): string | null {
  const text = (input ?? "").trim().replace(/^\$/, "").replace(/,/g, "").trim();
  if (text === "") return "";
  if (text.startsWith(".")) return parsePrice(`0${text}`);
  return PRICE.test(text) ? text : null;
}

export interface PriceRange {
  minPrice: string;
  maxPrice: string;
}

/** Both fields of the price filter checked together; the messages sit next to their fields. */
export function parsePriceRange(
  min: string,
  max: string,
): { range: PriceRange; errors: Partial<Record<keyof PriceRange, string>> } {
  const minPrice = parsePrice(min);
  const maxPrice = parsePrice(max);
  const errors: Partial<Record<keyof PriceRange, string>> = {};
  if (minPrice === null) errors.minPrice = "Enter an amount such as 25 or 19.99.";
  if (maxPrice === null) errors.maxPrice = "Enter an amount such as 25 or 19.99.";
  if (minPrice && maxPrice && Number(minPrice) > Number(maxPrice)) {
    errors.maxPrice = "The maximum must be at least the minimum.";
  }
  return { range: { minPrice: minPrice ?? "", maxPrice: maxPrice ?? "" }, errors };
}

function splitBrands(value: string | null): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  for (const part of value.split(",")) {
    const brand = part.trim();
    if (brand) seen.add(brand);
  }
  return [...seen];
}

function positiveInt(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** The listing query in a URL's search params; anything malformed falls back to its default. */
export function queryFromParams(params: URLSearchParams, categoryFromPath?: string): ListingQuery {
  const sort = params.get("sort") ?? "";
  return {
    q: (params.get("q") ?? params.get("search") ?? "").trim(),
    category: categoryFromPath ?? (params.get("category") ?? "").trim(),
    brands: splitBrands(params.get("brand")),
    minPrice: parsePrice(params.get("minPrice")) ?? "",
    maxPrice: parsePrice(params.get("maxPrice")) ?? "",
    inStock: params.get("inStock") === "true",
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : "",
    page: positiveInt(params.get("page")),
  };
}

/**
 * The search params of a query, only the ones that differ from the defaults, in a stable order
 * so that equal queries give equal URLs. The category is left out on a category page (it is the
 * path there).
 */
export function paramsFromQuery(query: ListingQuery, includeCategory = true): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (includeCategory && query.category) params.set("category", query.category);
  if (query.brands.length) params.set("brand", query.brands.join(","));
  if (query.minPrice) params.set("minPrice", query.minPrice);
  if (query.maxPrice) params.set("maxPrice", query.maxPrice);
  if (query.inStock) params.set("inStock", "true");
  if (query.sort) params.set("sort", query.sort);
  if (query.page > 1) params.set("page", String(query.page));
  return params;
}

/**
 * Where a query is shown: a category page when it is a browse of one category (no text), else the
 * search page. `/categories/:slug` is what crawlers and shared links know for a category.
 */
export function listingHref(query: ListingQuery): string {
  if (query.category && !query.q) {
    const rest = paramsFromQuery(query, false).toString();
    return `/categories/${encodeURIComponent(query.category)}${rest ? `?${rest}` : ""}`;
  }
  const params = paramsFromQuery(query).toString();
  return `/search${params ? `?${params}` : ""}`;
}

/** A change of filters starts again at page 1. */
export function withFilters(query: ListingQuery, change: Partial<ListingQuery>): ListingQuery {
  return { ...query, page: 1, ...change };
}

export function hasFilters(query: ListingQuery): boolean {
  return (
    query.brands.length > 0 || query.minPrice !== "" || query.maxPrice !== "" || query.inStock
  );
}

/** The same search with no filter left (category and text kept: they are what was asked). */
export function clearFilters(query: ListingQuery): ListingQuery {
  return { ...query, brands: [], minPrice: "", maxPrice: "", inStock: false, page: 1 };
}

export interface ApiProductQuery {
  q?: string;
  category?: string;
  brand?: string;
  minPrice?: string;
  maxPrice?: string;
  inStock?: boolean;
  sort?: Sort;
  page: number;
  limit: number;
}

/** The query string of GET /api/products for a listing query (unset filters left out). */
export function apiQuery(query: ListingQuery, limit = PAGE_SIZE): ApiProductQuery {
  const out: ApiProductQuery = { page: query.page, limit };
  if (query.q) out.q = query.q;
  if (query.category) out.category = query.category;
  if (query.brands.length) out.brand = query.brands.join(",");
  if (query.minPrice) out.minPrice = query.minPrice;
  if (query.maxPrice) out.maxPrice = query.maxPrice;
  if (query.inStock) out.inStock = true;
  if (query.sort) out.sort = query.sort;
  return out;
}

/** The sort shown in the select: the API's default when none was chosen. */
export function effectiveSort(query: ListingQuery): Sort {
  if (!query.q && (!query.sort || query.sort === "relevance")) return "newest";
  return query.sort || "relevance";
}

/** What the search box sends: the typed text replaces the old one, filters stay, page 1. */
export function searchHref(current: ListingQuery, text: string): string {
  const q = text.trim();
  // "best match" means nothing without words to match
  const sort = !q && current.sort === "relevance" ? "" : current.sort;
  return listingHref({ ...current, q, sort, page: 1 });
}
