import { describe, expect, it } from "vitest";
import { flattenTree, indentedName, moveTargets, removeNode, subtreeIds, upsertNode, type CategoryNode } from "./tree";

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

describe("applying a change to the tree at once", () => {
  const ids = (nodes: CategoryNode[]) => flattenTree(nodes).map((c) => c.trail);

  it("removes a deleted category with its subtree", () => {
    expect(ids(removeNode(TREE, "audio"))).toEqual(["Electronics", "Electronics › Phones", "Home"]);
  });

  it("adds a new category under its parent", () => {
    expect(ids(upsertNode(TREE, { id: "garden", name: "Garden", parentId: "home" })).at(-1)).toBe("Home › Garden");
    expect(ids(upsertNode(TREE, { id: "toys", name: "Toys", parentId: null })).at(-1)).toBe("Toys");
  });

  it("renames in place and moves with the subtree", () => {
    const renamed = upsertNode(TREE, { id: "audio", name: "Sound", parentId: "electronics" });
    expect(ids(renamed)).toContain("Electronics › Sound › Headphones");
    const moved = upsertNode(TREE, { id: "audio", name: "Audio", parentId: "home" });
    expect(ids(moved)).toEqual([
      "Electronics",
      "Electronics › Phones",
      "Home",
      "Home › Audio",
      "Home › Audio › Headphones",
    ]);
  });
});
