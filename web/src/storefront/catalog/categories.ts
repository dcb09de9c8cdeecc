// The category tree of GET /api/categories, as the pages use it: find a category by slug, its
// trail from the root, and how many of the listing's matches fall under each category (from the
// `meta.facets.categories` counts of the products' own categories).

export interface CategoryNode {
  id?: string;
  slug?: string;
  name?: string;
  description?: string;
  path?: string;
  depth?: number;
  productCount?: number;
  children?: CategoryNode[];
}

export interface CategoryFacet {
  id?: string;
  slug?: string;
  name?: string;
  count?: number;
}

export function* walk(nodes: readonly CategoryNode[] | undefined): Generator<CategoryNode> {
  for (const node of nodes ?? []) {
    yield node;
    yield* walk(node.children);
  }
}

export function findBySlug(
  tree: readonly CategoryNode[] | undefined,
  slug: string,
): CategoryNode | undefined {
  for (const node of walk(tree)) if (node.slug === slug || node.id === slug) return node;
  return undefined;
}

/** The categories from the root down to (and including) `node`, from its materialised path. */
export function trail(tree: readonly CategoryNode[] | undefined, node: CategoryNode): CategoryNode[] {
  const ids = (node.path ?? "").split("/").filter(Boolean);
  const byId = new Map<string, CategoryNode>();
  for (const n of walk(tree)) if (n.id) byId.set(n.id, n);
  const out = ids.map((id) => byId.get(id)).filter((n): n is CategoryNode => Boolean(n));
  return out.length ? out : [node];
}

/**
 * Matches per category id, counting each facet (a product's own category) toward that category
 * and every ancestor, so "Electronics" shows the sum of its headphones, laptops, ...
 */
export function countsByCategory(
  tree: readonly CategoryNode[] | undefined,
  facets: readonly CategoryFacet[] | undefined,
): Map<string, number> {
  const paths = new Map<string, string>();
  for (const n of walk(tree)) if (n.id) paths.set(n.id, n.path ?? `/${n.id}/`);
  const counts = new Map<string, number>();
  for (const facet of facets ?? []) {
    if (!facet.id) continue;
    const ids = (paths.get(facet.id) ?? `/${facet.id}/`).split("/").filter(Boolean);
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + (facet.count ?? 0));
  }
  return counts;
}

export interface CategoryChoice {
  node: CategoryNode;
  /** 0 for the root level; the trail is indented under each other, choices one deeper */
  level: number;
  count?: number;
}

/**
 * The options of the category filter: the trail to the selected category (to widen the search)
 * and the selected category's children that have matches (to narrow it). With no category
 * selected, the top-level categories that have matches.
 */
export function categoryChoices(
  tree: readonly CategoryNode[] | undefined,
  selectedSlug: string,
  counts: Map<string, number> | null,
): CategoryChoice[] {
  const selected = selectedSlug ? findBySlug(tree, selectedSlug) : undefined;
  const path = selected ? trail(tree, selected) : [];
  const children = selected ? (selected.children ?? []) : (tree ?? []);
  const count = (n: CategoryNode) => (counts && n.id ? (counts.get(n.id) ?? 0) : n.productCount);
  const choices: CategoryChoice[] = path.map((node, level) => ({ node, level, count: count(node) }));
  for (const node of children) {
    const n = count(node);
    if (counts && !n) continue;
    choices.push({ node, level: path.length, count: n });
  }
  return choices;
}
