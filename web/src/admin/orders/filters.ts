// The order list's filters live in the URL (shareable, back button works). These functions map
// the URL to filters, filters to the URL, and filters to the API's query.
import type { components } from "../../api/schema";

/** An order's status, as the API declares it (the orders domain's list, via OpenAPI). */
export type OrderStatus = components["schemas"]["StatusBody"]["status"];

// The statuses in their lifecycle order, for the filter. `satisfies` makes the compiler refuse
// this record as soon as it misses or adds a status the API declares, so it cannot drift.
const LIFECYCLE = {
  pending: true,
  awaiting_payment: true,
  confirmed: true,
  processing: true,
  shipped: true,
  delivered: true,
  cancelled: true,
  refunded: true,
} as const satisfies Record<OrderStatus, true>;

export const ORDER_STATUSES = Object.keys(LIFECYCLE) as OrderStatus[];

export interface OrderFilters {
  status: OrderStatus | "";
  /** yyyy-mm-dd, the first day included (the browser's local day) */
  from: string;
  /** yyyy-mm-dd, the last day included */
  to: string;
  /** a customer's user id */
  customer: string;
  page: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function filtersFromSearch(search: URLSearchParams): OrderFilters {
  const status = search.get("status") ?? "";
  const from = search.get("from") ?? "";
  const to = search.get("to") ?? "";
  const page = Number(search.get("page"));
  return {
    status: (ORDER_STATUSES as readonly string[]).includes(status) ? (status as OrderStatus) : "",
    from: DAY.test(from) ? from : "",
    to: DAY.test(to) ? to : "",
    customer: (search.get("customer") ?? "").trim(),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** Only what is set, in a fixed order, so equal filters give equal URLs. */
export function searchFromFilters(filters: OrderFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.status) search.set("status", filters.status);
  if (filters.from) search.set("from", filters.from);
  if (filters.to) search.set("to", filters.to);
  if (filters.customer.trim()) search.set("customer", filters.customer.trim());
  if (filters.page > 1) search.set("page", String(filters.page));
  return search;
}

function localMidnight(day: string): Date {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date);
}

/** GET /api/admin/orders's query: whole local days as UTC instants (`to` up to its last ms). */
export function apiQuery(filters: OrderFilters, limit = 20) {
  let dateTo: string | undefined;
  if (filters.to) {
    const next = localMidnight(filters.to);
    next.setDate(next.getDate() + 1);
    dateTo = new Date(next.getTime() - 1).toISOString();
  }
  return {
    status: filters.status || undefined,
    customer: filters.customer.trim() || undefined,
    dateFrom: filters.from ? localMidnight(filters.from).toISOString() : undefined,
    dateTo,
    page: filters.page,
    limit,
  };
}
