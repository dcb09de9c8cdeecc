import { describe, expect, it } from "vitest";
import { homeFor, may, mayOpen, navigationFor } from "./access";

describe("what a role may open", () => {
  it("gives admins every section, starting at the dashboard", () => {
    expect(navigationFor("admin").map((item) => item.section)).toEqual([
      "dashboard",
      "orders",
      "products",
      "categories",
      "inventory",
      "reviews",
      "coupons",
      "users",
      "deadLetters",
    ]);
    expect(homeFor("admin")).toBe("/dashboard");
  });

  it("keeps sellers to their orders, the catalog and stock", () => {
    expect(navigationFor("seller").map((item) => item.section)).toEqual([
      "orders",
      "products",
      "categories",
      "inventory",
    ]);
    expect(homeFor("seller")).toBe("/orders");
    for (const section of ["dashboard", "reviews", "coupons", "users", "deadLetters"] as const) {
      expect(mayOpen("seller", section)).toBe(false);
    }
    expect(may("seller", "editCategories")).toBe(false);
    expect(may("seller", "refund")).toBe(false);
    expect(may("seller", "changeOrderStatus")).toBe(true);
  });

  it("lets sellers open the order list and an order (the API narrows both to theirs)", () => {
    expect(mayOpen("seller", "order")).toBe(true);
    expect(mayOpen("admin", "order")).toBe(true);
    expect(mayOpen("customer", "order")).toBe(false);
    expect(mayOpen("seller", "orders")).toBe(true);
    expect(navigationFor("admin").some((item) => (item.section as string) === "order")).toBe(false);
  });

  it("opens nothing to customers or strangers", () => {
    expect(navigationFor("customer")).toEqual([]);
    expect(navigationFor(undefined)).toEqual([]);
    expect(may(null, "refund")).toBe(false);
  });
});
