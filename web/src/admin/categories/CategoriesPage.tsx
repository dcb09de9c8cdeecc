import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../shared/api";
import { useSession } from "../../shared/hooks";
import { SelectField, TextField } from "../../shared/ui/Field";
import { Empty, ErrorMessage, QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { may } from "../access";
import { useConfirm } from "../ui/Confirm";
import { FormError, fieldError } from "../ui/FormError";
import { PageHeader } from "../ui/PageHeader";
import { useCategoryTree } from "./queries";
import { indentedName, moveTargets, removeNode, upsertNode, type CategoryNode } from "./tree";

type Tree = { data?: CategoryNode[] };

function useCategoryChanges() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const done = (message: string, change: (tree: CategoryNode[] | undefined) => CategoryNode[]) => {
    toast(message, "success");
    queryClient.setQueryData<Tree>(["categories"], (tree) => ({ ...tree, data: change(tree?.data) }));
    // the gateway's cached tree catches up once the catalog's change event arrives
    setTimeout(() => void queryClient.invalidateQueries({ queryKey: ["categories"] }), 2000);
  };
  const create = useMutation({
    mutationFn: (body: { name: string; parentId: string | null }) =>
      unwrap(api.POST("/api/categories", { body })),
    onSuccess: (category) => done(`Category ${category.name} created`, (tree) => upsertNode(tree, category)),
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: string; name?: string; parentId?: string | null }) =>
      unwrap(api.PUT("/api/categories/{categoryId}", { params: { path: { categoryId: id } }, body })),
    onSuccess: (category) => done(`Category ${category.name} saved`, (tree) => upsertNode(tree, category)),
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/categories/{categoryId}", { params: { path: { categoryId: id } } })),
    onSuccess: (_data, id) => done("Category deleted", (tree) => removeNode(tree, id)),
  });
  return { create, update, remove };
}

type Changes = ReturnType<typeof useCategoryChanges>;

export function CategoriesPage() {
  const session = useSession();
  const editable = may(session?.user.role, "editCategories");
  const tree = useCategoryTree();
  const changes = useCategoryChanges();
  return (
    <div className="stack">
      <PageHeader title="Categories" />
      {!editable ? (
        <p className="notice notice-info">Only administrators can change the category tree.</p>
      ) : null}
      {editable ? <NewCategoryForm parentId={null} changes={changes} label="New top-level category" /> : null}
      <QueryState query={tree} loading="Loading categories…">
        {(data) =>
          (data.data ?? []).length === 0 ? (
            <Empty title="No categories yet" />
          ) : (
            <section className="card">
              <ul className="tree" aria-label="Category tree">
                {(data.data ?? []).map((node) => (
                  <CategoryItem key={node.id} node={node} root={data.data ?? []} editable={editable} changes={changes} />
                ))}
              </ul>
            </section>
          )
        }
      </QueryState>
    </div>
  );
}

function NewCategoryForm({
  parentId,
  changes,
  label,
  onDone,
}: {
  parentId: string | null;
  changes: Changes;
  label: string;
  onDone?: () => void;
}) {
  const [name, setName] = useState("");
  const create = changes.create;
  const error = create.variables?.parentId === parentId ? create.error : null;
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), parentId },
      {
        onSuccess: () => {
          setName("");
          onDone?.();
        },
      },
    );
  }
  return (
    <form className="toolbar" onSubmit={submit}>
      <TextField label={label} value={name} onChange={(event) => setName(event.target.value)} error={fieldError(error, "name")} />
      <button type="submit" className="button" disabled={create.isPending}>
        Add
      </button>
      {onDone ? (
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
      ) : null}
      <FormError error={error} fields={["name"]} />
    </form>
  );
}

function CategoryItem({
  node,
  root,
  editable,
  changes,
}: {
  node: CategoryNode;
  root: CategoryNode[];
  editable: boolean;
  changes: Changes;
}) {
  const confirm = useConfirm();
  const [mode, setMode] = useState<"view" | "rename" | "move" | "add">("view");
  const [name, setName] = useState(node.name ?? "");
  const [parent, setParent] = useState(node.parentId ?? "");
  const id = node.id ?? "";
  const updateError = changes.update.variables?.id === id ? changes.update.error : null;
  const deleteError = changes.remove.variables === id ? changes.remove.error : null;

  async function askDelete() {
    const yes = await confirm({
      title: `Delete ${node.name}?`,
      body: "A category that still holds products or subcategories cannot be deleted.",
      confirmLabel: "Delete category",
      danger: true,
    });
    if (yes) changes.remove.mutate(id);
  }

  function save(event: FormEvent) {
    event.preventDefault();
    const body = mode === "rename" ? { id, name: name.trim() } : { id, parentId: parent || null };
    changes.update.mutate(body, { onSuccess: () => setMode("view") });
  }

  return (
    <li>
      <div className="tree-node">
        <strong>{node.name}</strong>
        <span className="small muted">
          {node.productCount ?? 0} products · /{node.slug}
        </span>
        {editable && mode === "view" ? (
          <span className="actions">
            <button type="button" className="button-link" onClick={() => setMode("rename")} aria-label={`Rename ${node.name}`}>
              Rename
            </button>
            <button type="button" className="button-link" onClick={() => setMode("move")} aria-label={`Move ${node.name}`}>
              Move
            </button>
            <button type="button" className="button-link" onClick={() => setMode("add")} aria-label={`Add subcategory to ${node.name}`}>
              Add subcategory
            </button>
            <button type="button" className="button-link" onClick={() => void askDelete()} aria-label={`Delete ${node.name}`}>
              Delete
            </button>
          </span>
        ) : null}
      </div>
      {deleteError ? <ErrorMessage error={deleteError} /> : null}
      {mode === "rename" || mode === "move" ? (
        <form className="toolbar" onSubmit={save} aria-label={`${mode === "rename" ? "Rename" : "Move"} ${node.name}`}>
          {mode === "rename" ? (
            <TextField label="New name" value={name} autoFocus onChange={(event) => setName(event.target.value)} error={fieldError(updateError, "name")} />
          ) : (
            <SelectField label="Parent" value={parent} autoFocus onChange={(event) => setParent(event.target.value)} error={fieldError(updateError, "parentId")}>
              <option value="">None (top level)</option>
              {moveTargets(root, id).map((target) => (
                <option key={target.id} value={target.id}>
                  {indentedName(target)}
                </option>
              ))}
            </SelectField>
          )}
          <button type="submit" className="button" disabled={changes.update.isPending}>
            Save
          </button>
          <button type="button" className="button button-secondary" onClick={() => setMode("view")}>
            Cancel
          </button>
          <FormError error={updateError} fields={["name", "parentId"]} />
        </form>
      ) : null}
      {mode === "add" ? (
        <NewCategoryForm parentId={id} changes={changes} label={`New subcategory of ${node.name}`} onDone={() => setMode("view")} />
      ) : null}
      {node.children?.length ? (
        <ul>
          {node.children.map((child) => (
            <CategoryItem key={child.id} node={child} root={root} editable={editable} changes={changes} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
