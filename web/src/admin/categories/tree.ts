// The category tree as the back office uses it: flattened for pickers (indented by depth), and
// the parents a category may move under (never itself or one of its own descendants: the API
// refuses a cycle too).

export interface CategoryNode {
  id?: string;
  name?: string;
  slug?: string;
  parentId?: string | null;
  productCount?: number;
  children?: CategoryNode[];
}

export interface FlatCategory {
  id: string;
  name: string;
  depth: number;
  parentId: string | null;
  /** "Electronics › Audio › Headphones" */
  trail: string;
}

export function flattenTree(nodes: CategoryNode[] | undefined, depth = 0, trail: string[] = []): FlatCategory[] {
  const out: FlatCategory[] = [];
  for (const node of nodes ?? []) {
    if (!node.id) continue;
    const name = node.name ?? node.slug ?? node.id;
    const path = [...trail, name];
    out.push({ id: node.id, name, depth, parentId: node.parentId ?? null, trail: path.join(" › ") });
    out.push(...flattenTree(node.children, depth + 1, path));
  }
  return out;
}

/** The ids of a category and everything under it. */
export function subtreeIds(nodes: CategoryNode[] | undefined, id: string): Set<string> {
  const found = new Set<string>();
  function collect(node: CategoryNode) {
    if (node.id) found.add(node.id);
    node.children?.forEach(collect);
  }
  function search(list: CategoryNode[] | undefined): boolean {
    for (const node of list ?? []) {
      if (node.id === id) {
        collect(node);
        return true;
      }
      if (search(node.children)) return true;
    }
    return false;
  }
  search(nodes);
  return found;
}

/** Where category `id` may be moved: every category outside its own subtree. */
export function moveTargets(nodes: CategoryNode[] | undefined, id: string): FlatCategory[] {
  const excluded = subtreeIds(nodes, id);
  return flattenTree(nodes).filter((category) => !excluded.has(category.id));
}

/** An option label that shows depth in a native <select> (which ignores padding). */
export function indentedName(category: FlatCategory): string {
  return `${"\u2003".repeat(category.depth)}${category.name}`;
}

/** The tree without category `id` (and its subtree). */
export function removeNode(nodes: CategoryNode[] | undefined, id: string): CategoryNode[] {
  return (nodes ?? [])
    .filter((node) => node.id !== id)
    .map((node) => (node.children?.length ? { ...node, children: removeNode(node.children, id) } : node));
}

function findNode(nodes: CategoryNode[] | undefined, id: string): CategoryNode | undefined {
  for (const node of nodes ?? []) {
    if (node.id === id) return node;
    const found = findNode(node.children, id);
    if (found) return found;
  }
  return undefined;
}

/** The tree with `category` (as the API returned it after a create, rename or move) in its
 * place under its parent, keeping the subtree it had. The gateway caches the public tree for a
 * moment, so the page shows the change at once and refetches the tree a little later. */
export function upsertNode(nodes: CategoryNode[] | undefined, category: CategoryNode): CategoryNode[] {
  if (!category.id) return nodes ?? [];
  const existing = findNode(nodes, category.id);
  const children = category.children?.length ? category.children : (existing?.children ?? []);
  const placed: CategoryNode = { ...existing, ...category, children };
  const without = removeNode(nodes, category.id);
  const parentId = category.parentId ?? null;
  if (!parentId) return [...without, placed];
  const insert = (list: CategoryNode[]): CategoryNode[] =>
    list.map((node) =>
      node.id === parentId
        ? { ...node, children: [...(node.children ?? []), placed] }
        : node.children?.length
          ? { ...node, children: insert(node.children) }
          : node,
    );
  return insert(without);
}
