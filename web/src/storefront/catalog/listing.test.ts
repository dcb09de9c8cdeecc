import { describe, expect, it } from "vitest";
import {
  apiQuery,
  clearFilters,
  EMPTY_QUERY,
  effectiveSort,
  hasFilters,
  listingHref,
  paramsFromQuery,
  parsePrice,
  parsePriceRange,
  queryFromParams,
  searchHref,
  withFilters,
} from "./listing";

const params = (s: string) => new URLSearchParams(s);

describe("the listing query in the URL", () => {
  it("reads every filter, sort and page", () => {
    expect(
      queryFromParams(
        params("q=hedphones&category=audio&brand=Sony,Bose&minPrice=10&maxPrice=99.5&inStock=true&sort=price_asc&page=3"),
      ),
    ).toEqual({
      q: "hedphones",
      category: "audio",
      brands: ["Sony", "Bose"],
      minPrice: "10",
      maxPrice: "99.5",
      inStock: true,
      sort: "price_asc",
      page: 3,
    });
  });

  it("falls back to defaults for what is malformed", () => {
    expect(queryFromParams(params("sort=cheapest&page=-2&minPrice=abc&inStock=yes&brand=,,"))).toEqual(EMPTY_QUERY);
    expect(queryFromParams(params("page=2.5")).page).toBe(1);
  });

  it("takes `search` as an alias of q, like the API", () => {
    expect(queryFromParams(params("search=lamp")).q).toBe("lamp");
  });

  it("takes the category from the path on a category page", () => {
    expect(queryFromParams(params("category=other&brand=Apple"), "laptops")).toMatchObject({
      category: "laptops",
      brands: ["Apple"],
    });
  });

  it("round-trips through the URL", () => {
    const query = {
      ...EMPTY_QUERY,
      q: "desk lamp",
      brands: ["IKEA", "The North Face"],
      minPrice: "5",
      inStock: true,
      sort: "rating" as const,
      page: 2,
    };
    expect(queryFromParams(paramsFromQuery(query))).toEqual(query);
  });

  it("writes only what differs from the defaults, in a stable order", () => {
    expect(paramsFromQuery(EMPTY_QUERY).toString()).toBe("");
    expect(paramsFromQuery({ ...EMPTY_QUERY, page: 2, q: "x", inStock: true }).toString()).toBe(
      "q=x&inStock=true&page=2",
    );
  });
});

describe("where a query is shown", () => {
  it("a browse of one category is its category page", () => {
    expect(listingHref({ ...EMPTY_QUERY, category: "laptops", brands: ["Dell"] })).toBe(
      "/categories/laptops?brand=Dell",
    );
  });

  it("a text search is the search page, category as a filter", () => {
    expect(listingHref({ ...EMPTY_QUERY, q: "pro", category: "laptops" })).toBe(
      "/search?q=pro&category=laptops",
    );
    expect(listingHref(EMPTY_QUERY)).toBe("/search");
  });

  it("the search box replaces the text, keeps the filters and starts at page 1", () => {
    const current = { ...EMPTY_QUERY, q: "hea", brands: ["Sony"], page: 4 };
    expect(searchHref(current, " headphones ")).toBe("/search?q=headphones&brand=Sony");
    expect(searchHref({ ...current, sort: "relevance" }, "")).toBe("/search?brand=Sony");
  });

  it("changing a filter goes back to page 1; clearing keeps the text and category", () => {
    const query = { ...EMPTY_QUERY, q: "a", category: "c", brands: ["B"], maxPrice: "9", page: 5 };
    expect(withFilters(query, { inStock: true })).toMatchObject({ page: 1, inStock: true });
    expect(hasFilters(query)).toBe(true);
    expect(clearFilters(query)).toEqual({ ...EMPTY_QUERY, q: "a", category: "c" });
    expect(hasFilters(clearFilters(query))).toBe(false);
  });
});

describe("the API's query", () => {
  it("sends only the filters that are set", () => {
    expect(apiQuery(EMPTY_QUERY, 24)).toEqual({ page: 1, limit: 24 });
    expect(
      apiQuery({ ...EMPTY_QUERY, q: "x", brands: ["A", "B"], inStock: true, minPrice: "1", sort: "newest" }, 10),
    ).toEqual({ page: 1, limit: 10, q: "x", brand: "A,B", inStock: true, minPrice: "1", sort: "newest" });
  });

  it("shows the API's default sort when none was chosen", () => {
    expect(effectiveSort(EMPTY_QUERY)).toBe("newest");
    expect(effectiveSort({ ...EMPTY_QUERY, q: "x" })).toBe("relevance");
    expect(effectiveSort({ ...EMPTY_QUERY, q: "x", sort: "price_desc" })).toBe("price_desc");
    // "best match" with no words is what the API does then: newest first
    expect(effectiveSort({ ...EMPTY_QUERY, sort: "relevance" })).toBe("newest");
  });
});

describe("prices typed by a shopper", () => {
  it("accepts plain amounts, a dollar sign and thousands separators", () => {
    expect(parsePrice("25")).toBe("25");
    expect(parsePrice(" $19.99 ")).toBe("19.99");
    expect(parsePrice("1,299.00")).toBe("1299.00");
    expect(parsePrice(".5")).toBe("0.5");
    expect(parsePrice("")).toBe("");
    expect(parsePrice(undefined)).toBe("");
  });

  it("refuses what is not an amount", () => {
    for (const bad of ["abc", "-5", "1.234", "1e3", "12..3"]) expect(parsePrice(bad)).toBeNull();
  });

  it("checks the range as a whole, the message next to the field at fault", () => {
    expect(parsePriceRange("10", "")).toEqual({ range: { minPrice: "10", maxPrice: "" }, errors: {} });
    expect(parsePriceRange("100", "20").errors).toEqual({
      maxPrice: "The maximum must be at least the minimum.",
    });
    expect(parsePriceRange("x", "20").errors.minPrice).toMatch(/amount/);
  });
});
