import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap, type components } from "../../shared/api";
import { formatDate, humanize } from "../../shared/format";
import { useSession } from "../../shared/hooks";
import { SelectField, TextField } from "../../shared/ui/Field";
import { Pagination } from "../../shared/ui/Pagination";
import { ErrorMessage, QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { useConfirm } from "../ui/Confirm";
import { DataTable, type Column } from "../ui/DataTable";
import { FilterToolbar } from "../ui/FilterToolbar";
import { PageHeader } from "../ui/PageHeader";

type User = components["schemas"]["User"];
const ROLES = ["customer", "seller", "admin"] as const;
type Role = (typeof ROLES)[number];

export function UsersPage() {
  const [search, setSearch] = useSearchParams();
  const q = search.get("q") ?? "";
  const role = ROLES.includes(search.get("role") as Role) ? (search.get("role") as Role) : undefined;
  const page = Math.max(1, Number(search.get("page")) || 1);
  const [text, setText] = useState(q);
  const users = useQuery({
    queryKey: ["admin", "users", q, role, page],
    queryFn: () => unwrap(api.GET("/api/admin/users", { params: { query: { q: q || undefined, role, page, limit: 20 } } })),
    placeholderData: keepPreviousData,
  });

  function apply(next: { q?: string; role?: string; page?: number }) {
    const params = new URLSearchParams();
    const merged = { q, role: role ?? "", page: 1, ...next };
    if (merged.q) params.set("q", merged.q);
    if (merged.role) params.set("role", merged.role);
    if (merged.page > 1) params.set("page", String(merged.page));
    setSearch(params);
  }

  return (
    <div className="stack">
      <PageHeader title="Users" />
      <FilterToolbar onApply={() => apply({ q: text.trim() })}>
        <TextField label="Name or email" type="search" value={text} onChange={(event) => setText(event.target.value)} />
        <SelectField label="Role" value={role ?? ""} onChange={(event) => apply({ role: event.target.value })}>
          <option value="">Any role</option>
          {ROLES.map((each) => (
            <option key={each} value={each}>
              {humanize(each)}
            </option>
          ))}
        </SelectField>
      </FilterToolbar>
      <QueryState query={users} loading="Loading users…">
        {(data) => (
          <>
            <DataTable caption="Users" columns={COLUMNS} rows={data.data ?? []} rowKey={(user) => user.id ?? ""} empty="No users match" useRow={useUserChanges} />
            {(data.data ?? []).length > 0 ? (
              <Pagination page={page} totalPages={data.meta?.totalPages ?? 1} onPage={(next) => apply({ page: next })} />
            ) : null}
          </>
        )}
      </QueryState>
    </div>
  );
}

/** One user's row: who they are to the reader, and the change (role or active) made on it.
 * Your own role and active flag are not offered (the API refuses an admin removing their own
 * access, 409 OWN_ADMIN_ACCESS); a refusal it still makes (409 LAST_ACTIVE_ADMIN: the last
 * active admin) shows its message in the row. */
function useUserChanges(user: User) {
  const session = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const confirm = useConfirm();
  const self = session?.user.id === user.id;
  const name = `${user.firstName ?? ""} ${user.lastName ?? ""}`.trim() || user.email;
  const update = useMutation({
    mutationFn: (body: { role?: Role; isActive?: boolean }) =>
      unwrap(api.PATCH("/api/admin/users/{userId}", { params: { path: { userId: user.id ?? "" } }, body })),
    onSuccess: (updated) => {
      toast(`${name}: ${updated.role}, ${updated.isActive ? "active" : "deactivated"}`, "success");
      void queryClient.invalidateQueries({ queryKey: ["admin", "users"] });
    },
  });

  async function changeRole(role: Role) {
    const yes = await confirm({
      title: `Make ${name} ${role === "admin" ? "an" : "a"} ${role}?`,
      body: role === "customer" ? "They lose access to the back office." : `They can use the back office as ${role === "admin" ? "an" : "a"} ${role}.`,
      confirmLabel: "Change role",
      danger: role === "admin" || user.role === "admin",
    });
    if (yes) update.mutate({ role });
  }

  async function changeActive(isActive: boolean) {
    if (!isActive) {
      const yes = await confirm({
        title: `Deactivate ${name}?`,
        body: "They can no longer sign in until an admin activates the account again.",
        confirmLabel: "Deactivate",
        danger: true,
      });
      if (!yes) return;
    }
    update.mutate({ isActive });
  }

  return { self, name, update, changeRole, changeActive };
}

type UserChanges = ReturnType<typeof useUserChanges>;

const COLUMNS: Column<User, UserChanges>[] = [
  {
    header: "Name",
    cell: (user, { self, name, update }) => (
      <>
        {name}
        {self ? (
          <span id={`you-${user.id}`} className="small muted">
            {" "}
            (you: only another admin can change your role or deactivate you)
          </span>
        ) : null}
        {update.error ? <ErrorMessage error={update.error} /> : null}
      </>
    ),
  },
  { header: "Email", cell: (user) => user.email },
  { header: "Joined", cell: (user) => formatDate(user.createdAt) },
  {
    header: "Role",
    cell: (user, { self, name, update, changeRole }) => (
      <>
        <label className="visually-hidden" htmlFor={`role-${user.id}`}>
          Role of {name}
        </label>
        <select
          id={`role-${user.id}`}
          className="input"
          value={user.role}
          disabled={self || update.isPending}
          aria-describedby={self ? `you-${user.id}` : undefined}
          onChange={(event) => void changeRole(event.target.value as Role)}
        >
          {ROLES.map((each) => (
            <option key={each} value={each}>
              {humanize(each)}
            </option>
          ))}
        </select>
      </>
    ),
  },
  {
    header: "Active",
    cell: (user, { self, name, update, changeActive }) => (
      <label className="checkbox">
        <input
          type="checkbox"
          checked={Boolean(user.isActive)}
          disabled={self || update.isPending}
          aria-describedby={self ? `you-${user.id}` : undefined}
          onChange={(event) => void changeActive(event.target.checked)}
        />
        <span className="visually-hidden">{name} is </span>Active
      </label>
    ),
  },
  {
    header: "Orders",
    headerHidden: true,
    cell: (user, { name }) => (
      <Link to={`/orders?customer=${encodeURIComponent(user.id ?? "")}`} aria-label={`Orders of ${name}`}>
        Orders
      </Link>
    ),
  },
];
