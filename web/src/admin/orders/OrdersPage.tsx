import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "../../shared/api";
import { formatDateTime, formatMoney, humanize } from "../../shared/format";
import { SelectField, TextField } from "../../shared/ui/Field";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, QueryState } from "../../shared/ui/Status";
import { PageHeader } from "../ui/PageHeader";
import { paymentMethodName } from "./timeline";
import { StatusBadge } from "../ui/StatusBadge";
import { ORDER_STATUSES, apiQuery, filtersFromSearch, searchFromFilters, type OrderFilters, type OrderStatus } from "./filters";

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

  function submit(event: FormEvent) {
    event.preventDefault();
    apply({ ...draft, page: 1 });
  }

  const empty: OrderFilters = { status: "", from: "", to: "", customer: "", page: 1 };
  const filtered = searchFromFilters({ ...filters, page: 1 }).toString() !== "";

  return (
    <div className="stack">
      <PageHeader title="Orders" />
      <form className="toolbar" onSubmit={submit} aria-label="Filter orders">
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
        <button type="submit" className="button">
          Apply filters
        </button>
        {filtered ? (
          <button type="button" className="button button-secondary" onClick={() => apply(empty)}>
            Clear
          </button>
        ) : null}
      </form>
      <QueryState query={orders} loading="Loading orders…">
        {(page) =>
          (page.data ?? []).length === 0 ? (
            <Empty title={filtered ? "No orders match these filters" : "No orders yet"} />
          ) : (
            <>
              <p className="small muted" aria-live="polite">
                {page.meta?.total} orders
              </p>
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Orders</caption>
                  <thead>
                    <tr>
                      <th scope="col">Order</th>
                      <th scope="col">Placed</th>
                      <th scope="col">Customer</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="hide-narrow">
                        Payment
                      </th>
                      <th scope="col" className="num">
                        Total
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {(page.data ?? []).map((order) => (
                      <tr key={order.id}>
                        <td>
                          <Link to={`/orders/${order.id}`} className="mono">
                            {order.id?.slice(0, 8).toUpperCase()}
                          </Link>
                        </td>
                        <td className="nowrap">{formatDateTime(order.createdAt)}</td>
                        <td>
                          <button
                            type="button"
                            className="button-link"
                            title="Show this customer's orders"
                            onClick={() => apply({ ...empty, customer: order.userId ?? "" })}
                          >
                            {order.shippingAddress ? `${order.shippingAddress.firstName} ${order.shippingAddress.lastName}` : order.userId?.slice(0, 8)}
                          </button>
                        </td>
                        <td>
                          <StatusBadge status={order.status} />
                        </td>
                        <td className="hide-narrow">
                          {paymentMethodName(order.paymentMethod)} · <StatusBadge status={order.paymentStatus} />
                        </td>
                        <td className="num">{formatMoney(order.total, order.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination page={filters.page} totalPages={page.meta?.totalPages ?? 1} onPage={(next) => apply({ ...filters, page: next })} />
            </>
          )
        }
      </QueryState>
    </div>
  );
}
