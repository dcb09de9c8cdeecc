import { describe, expect, it } from "vitest";
import { apiQuery, filtersFromSearch, searchFromFilters } from "./filters";

describe("order filters and the URL", () => {
  it("reads what is valid and ignores the rest", () => {
    const filters = filtersFromSearch(
      new URLSearchParams("status=shipped&from=2026-11-01&to=not-a-date&customer=%20u-1%20&page=3"),
    );
    expect(filters).toEqual({ status: "shipped", from: "2026-11-01", to: "", customer: "u-1", page: 3 });
    expect(filtersFromSearch(new URLSearchParams("status=lost&page=-2"))).toEqual({
      status: "",
      from: "",
      to: "",
      customer: "",
      page: 1,
    });
  });

  it("writes only what is set, and reads back the same filters", () => {
    const filters = { status: "confirmed" as const, from: "2026-11-01", to: "2026-11-30", customer: "u-9", page: 2 };
    const search = searchFromFilters(filters);
    expect(search.toString()).toBe("status=confirmed&from=2026-11-01&to=2026-11-30&customer=u-9&page=2");
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(searchFromFilters({ status: "", from: "", to: "", customer: " ", page: 1 }).toString()).toBe("");
  });

  it("asks the API for whole days, the last one included", () => {
    const query = apiQuery({ status: "", from: "2026-11-01", to: "2026-11-01", customer: "", page: 1 });
    const from = new Date(query.dateFrom as string);
    const to = new Date(query.dateTo as string);
    expect(from.getHours()).toBe(0);
    expect(from.getDate()).toBe(1);
    expect(to.getTime() - from.getTime()).toBe(24 * 60 * 60 * 1000 - 1);
    expect(query.status).toBeUndefined();
    expect(query.customer).toBeUndefined();
  });

  it("leaves open ends open", () => {
    const query = apiQuery({ status: "pending", from: "", to: "", customer: "u-1", page: 4 }, 50);
    expect(query).toEqual({ status: "pending", customer: "u-1", dateFrom: undefined, dateTo: undefined, page: 4, limit: 50 });
  });
});
