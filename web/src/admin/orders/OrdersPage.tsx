import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap, type components } from "../../shared/api";
import { formatDateTime, formatMoney, humanize, orderReference } from "../../shared/format";
import { SelectField, TextField } from "../../shared/ui/Field";
import { Pagination } from "../../shared/ui/Pagination";
import { QueryState } from "../../shared/ui/Status";
import { DataTable, type Column } from "../ui/DataTable";
import { FilterToolbar } from "../ui/FilterToolbar";
import { PageHeader } from "../ui/PageHeader";
import { paymentMethodName } from "./timeline";
import { StatusBadge } from "../ui/StatusBadge";
import { ORDER_STATUSES, apiQuery, filtersFromSearch, searchFromFilters, type OrderFilters, type OrderStatus } from "./filters";

type Order = components["schemas"]["Order"];

function columns(showCustomer: (customerId: string) => void): Column<Order>[] {
  return [
    {
      header: "Order",
      cell: (order) => (
        <Link to={`/orders/${order.id}`} className="mono">
          {orderReference(order.id)}
        </Link>
      ),
    },
    { header: "Placed", nowrap: true, cell: (order) => formatDateTime(order.createdAt) },
    {
      header: "Customer",
      cell: (order) => (
        <button type="button" className="button-link" title="Show this customer's orders" onClick={() => showCustomer(order.userId ?? "")}>
          {order.shippingAddress ? `${order.shippingAddress.firstName} ${order.shippingAddress.lastName}` : order.userId?.slice(0, 8)}
        </button>
      ),
    },
    { header: "Status", cell: (order) => <StatusBadge status={order.status} /> },
    {
      header: "Payment",
      hideNarrow: true,
      cell: (order) => (
        <>
          {paymentMethodName(order.paymentMethod)} · <StatusBadge status={order.paymentStatus} />
        </>
      ),
    },
    { header: "Total", numeric: true, cell: (order) => formatMoney(order.total, order.currency) },
  ];
}

export function OrdersPage() {
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const [draft, setDraft] = useState(filters);
  const orders = useQuery({
    queryKey: ["admin", "orders", filters],
    queryFn: () => unwrap(api.GET("/api/admin/orders", { params: { query: apiQuery(filters) } })),
    placeholderData: keepPreviousData,
  });

  function apply(next: OrderFilters) {
    setDraft(next);
    setSearch(searchFromFilters(next));
  }

  const empty: OrderFilters = { status: "", from: "", to: "", customer: "", page: 1 };
  const filtered = searchFromFilters({ ...filters, page: 1 }).toString() !== "";

  return (
    <div className="stack">
      <PageHeader title="Orders" />
      <FilterToolbar
        label="Filter orders"
        applyLabel="Apply filters"
        onApply={() => apply({ ...draft, page: 1 })}
        onClear={filtered ? () => apply(empty) : undefined}
      >
        <SelectField label="Status" value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.target.value as OrderStatus | "" })}>
          <option value="">Any status</option>
          {ORDER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {humanize(status)}
            </option>
          ))}
        </SelectField>
        <TextField label="Placed from" type="date" value={draft.from} max={draft.to || undefined} onChange={(event) => setDraft({ ...draft, from: event.target.value })} />
        <TextField label="Placed until" type="date" value={draft.to} min={draft.from || undefined} onChange={(event) => setDraft({ ...draft, to: event.target.value })} />
        <TextField label="Customer ID" value={draft.customer} onChange={(event) => setDraft({ ...draft, customer: event.target.value })} />
      </FilterToolbar>
      <QueryState query={orders} loading="Loading orders…">
        {(page) => (
          <>
            {(page.data ?? []).length > 0 ? (
              <p className="small muted" aria-live="polite">
                {page.meta?.total} orders
              </p>
            ) : null}
            <DataTable
              caption="Orders"
              columns={columns((customer) => apply({ ...empty, customer }))}
              rows={page.data ?? []}
              rowKey={(order) => order.id ?? ""}
              empty={filtered ? "No orders match these filters" : "No orders yet"}
            />
            {(page.data ?? []).length > 0 ? (
              <Pagination page={filters.page} totalPages={page.meta?.totalPages ?? 1} onPage={(next) => apply({ ...filters, page: next })} />
            ) : null}
          </>
        )}
      </QueryState>
    </div>
  );
}
