import { describe, expect, it } from "vitest";
import { flattenTree, indentedName, moveTargets, subtreeIds, type CategoryNode } from "./tree";

const TREE: CategoryNode[] = [
  {
    id: "electronics",
    name: "Electronics",
    children: [
      { id: "audio", name: "Audio", parentId: "electronics", children: [{ id: "headphones", name: "Headphones", parentId: "audio" }] },
      { id: "phones", name: "Phones", parentId: "electronics" },
    ],
  },
  { id: "home", name: "Home" },
];

describe("category tree", () => {
  it("flattens depth first with depth and trail", () => {
    expect(flattenTree(TREE).map((c) => [c.id, c.depth, c.trail])).toEqual([
      ["electronics", 0, "Electronics"],
      ["audio", 1, "Electronics › Audio"],
      ["headphones", 2, "Electronics › Audio › Headphones"],
      ["phones", 1, "Electronics › Phones"],
      ["home", 0, "Home"],
    ]);
  });

  it("finds a category's subtree", () => {
    expect([...subtreeIds(TREE, "audio")].sort()).toEqual(["audio", "headphones"]);
    expect(subtreeIds(TREE, "nope").size).toBe(0);
  });

  it("never offers a category's own subtree as its new parent", () => {
    expect(moveTargets(TREE, "audio").map((c) => c.id)).toEqual(["electronics", "phones", "home"]);
    expect(moveTargets(TREE, "electronics").map((c) => c.id)).toEqual(["home"]);
  });

  it("indents option labels by depth", () => {
    const [, , headphones] = flattenTree(TREE);
    expect(indentedName(headphones)).toBe("\u2003\u2003Headphones");
  });
});
