import { describe, expect, it } from "vitest";
import { categoryChoices, countsByCategory, findBySlug, trail, type CategoryNode } from "./categories";
import { starShares } from "./reviews";
import { maxQuantity, stockState } from "./stock";

const tree: CategoryNode[] = [
  {
    id: "el",
    slug: "electronics",
    name: "Electronics",
    path: "/el/",
    productCount: 30,
    children: [
      {
        id: "au",
        slug: "audio",
        name: "Audio",
        path: "/el/au/",
        productCount: 20,
        children: [
          { id: "hp", slug: "headphones", name: "Headphones", path: "/el/au/hp/", children: [] },
          { id: "sp", slug: "speakers", name: "Speakers", path: "/el/au/sp/", children: [] },
        ],
      },
      { id: "lp", slug: "laptops", name: "Laptops", path: "/el/lp/", productCount: 10, children: [] },
    ],
  },
  { id: "ho", slug: "home", name: "Home", path: "/ho/", productCount: 5, children: [] },
];

describe("the category tree", () => {
  it("finds a category by slug or id and its trail from the root", () => {
    const headphones = findBySlug(tree, "headphones");
    expect(headphones?.id).toBe("hp");
    expect(findBySlug(tree, "lp")?.slug).toBe("laptops");
    expect(findBySlug(tree, "nope")).toBeUndefined();
    expect(trail(tree, headphones!).map((n) => n.slug)).toEqual(["electronics", "audio", "headphones"]);
  });

  it("adds each facet's count to its category and every ancestor", () => {
    const counts = countsByCategory(tree, [
      { id: "hp", count: 4 },
      { id: "sp", count: 1 },
      { id: "lp", count: 2 },
    ]);
    expect(Object.fromEntries(counts)).toEqual({ el: 7, au: 5, hp: 4, sp: 1, lp: 2 });
  });

  it("offers the trail to widen and the children with matches to narrow", () => {
    const counts = countsByCategory(tree, [{ id: "hp", count: 4 }]);
    expect(categoryChoices(tree, "", counts).map((c) => [c.node.slug, c.level, c.count])).toEqual([
      ["electronics", 0, 4],
    ]);
    expect(categoryChoices(tree, "audio", counts).map((c) => [c.node.slug, c.level, c.count])).toEqual([
      ["electronics", 0, 4],
      ["audio", 1, 4],
      ["headphones", 2, 4],
    ]);
  });

  it("uses the tree's own counts before the listing has answered", () => {
    expect(categoryChoices(tree, "", null).map((c) => [c.node.slug, c.count])).toEqual([
      ["electronics", 30],
      ["home", 5],
    ]);
  });
});

describe("stock as the shopper reads it", () => {
  it("says in stock, only N left at or below the API's fewLeft, or out of stock", () => {
    const limits = { fewLeft: 5 };
    expect(stockState({ inStock: true, available: 40 }, limits)).toEqual({ label: "In stock", tone: "ok", canBuy: true });
    expect(stockState({ inStock: true, available: 3 }, limits).label).toBe("Only 3 left");
    expect(stockState({ inStock: true, available: 5 }, limits).label).toBe("Only 5 left");
    expect(stockState({ inStock: true, available: 5 }, { fewLeft: 2 }).label).toBe("In stock");
    expect(stockState({ inStock: false, available: 0 }, limits)).toMatchObject({ label: "Out of stock", canBuy: false });
    expect(stockState({ inStock: true }, limits).label).toBe("In stock");
  });

  it("claims no scarcity before the storefront config has answered", () => {
    expect(stockState({ inStock: true, available: 1 }).label).toBe("In stock");
  });

  it("lets the quantity go up to what is available, within the cart's maxPerLine", () => {
    expect(maxQuantity({ available: 3 }, 10)).toBe(3);
    expect(maxQuantity({ available: 500 }, 10)).toBe(10);
    expect(maxQuantity({}, 10)).toBe(10);
    expect(maxQuantity({ available: 7 })).toBe(7);
    expect(maxQuantity({})).toBeUndefined();
    expect(maxQuantity({ available: 0 }, 10)).toBe(1);
  });
});

describe("the rating distribution", () => {
  it("gives five rows, five stars first, with whole-percent shares", () => {
    expect(starShares({ "1": 1, "2": 0, "3": 0, "4": 1, "5": 2 }, 4)).toEqual([
      { stars: 5, count: 2, percent: 50 },
      { stars: 4, count: 1, percent: 25 },
      { stars: 3, count: 0, percent: 0 },
      { stars: 2, count: 0, percent: 0 },
      { stars: 1, count: 1, percent: 25 },
    ]);
    expect(starShares(undefined, 0).every((row) => row.percent === 0)).toBe(true);
  });
});
