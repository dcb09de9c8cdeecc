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
