import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "../../shared/api";
import { formatMoney, humanize } from "../../shared/format";
import { SelectField } from "../../shared/ui/Field";
import { Empty, QueryState } from "../../shared/ui/Status";
import { DataTable } from "../ui/DataTable";
import { PageHeader } from "../ui/PageHeader";
import { CartRemindersCard } from "./CartRemindersCard";
import { RevenueChart } from "./RevenueChart";

const PERIODS = [7, 30, 90];

function useStats(days: number) {
  return useQuery({
    queryKey: ["admin", "stats", days],
    queryFn: () => unwrap(api.GET("/api/admin/stats", { params: { query: { days } } })),
  });
}

export function DashboardPage() {
  const [search, setSearch] = useSearchParams();
  const asked = Number(search.get("days"));
  const days = PERIODS.includes(asked) ? asked : 30;
  const stats = useStats(days);
  return (
    <div className="stack">
      <PageHeader title="Dashboard">
        <SelectField
          label="Period"
          value={String(days)}
          onChange={(event) => setSearch({ days: event.target.value }, { replace: true })}
        >
          {PERIODS.map((period) => (
            <option key={period} value={period}>
              Last {period} days
            </option>
          ))}
        </SelectField>
      </PageHeader>
      <QueryState query={stats} loading="Loading the figures…">
        {(data) => {
          const currency = data.currency ?? "USD";
          const revenue = (data.revenuePerDay ?? []).filter((day) => day.currency === currency);
          const statuses = Object.entries(data.ordersByStatus ?? {}).sort((a, b) => b[1] - a[1]);
          const most = Math.max(1, ...statuses.map(([, count]) => count));
          return (
            <>
              <dl className="figures">
                <div className="card figure">
                  <dt>Average order value (all time)</dt>
                  <dd>{formatMoney(data.averageOrderValue, currency)}</dd>
                </div>
                <div className="card figure">
                  <dt>Paid orders (all time)</dt>
                  <dd>{data.ordersCounted ?? 0}</dd>
                </div>
              </dl>
              <section className="card" aria-labelledby="revenue-heading">
                <h2 id="revenue-heading">Revenue per day</h2>
                <RevenueChart
                  days={revenue.map((day) => ({
                    date: day.date ?? "",
                    revenue: day.revenue ?? "0",
                    orders: day.orders ?? 0,
                  }))}
                  currency={currency}
                />
              </section>
              <div className="dashboard-grid">
                <section className="card" aria-labelledby="status-heading">
                  <h2 id="status-heading">Orders by status</h2>
                  {statuses.length === 0 ? (
                    <Empty title="No orders yet" />
                  ) : (
                    <ul className="status-bars">
                      {statuses.map(([status, count]) => (
                        <li key={status}>
                          <Link to={`/orders?status=${status}`}>{humanize(status)}</Link>
                          <span className="meter" aria-hidden="true">
                            <span style={{ width: `${(count / most) * 100}%` }} />
                          </span>
                          <span className="num">{count}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
                <section className="card" aria-labelledby="top-heading">
                  <h2 id="top-heading">Top products</h2>
                  <DataTable
                    caption="Top products"
                    compact
                    columns={[
                      { header: "Product", cell: (product) => <Link to={`/products/${product.productId}`}>{product.name}</Link> },
                      { header: "Sold", numeric: true, cell: (product) => product.quantity },
                      { header: "Revenue", numeric: true, cell: (product) => formatMoney(product.revenue, product.currency) },
                    ]}
                    rows={data.topProducts ?? []}
                    rowKey={(product) => product.productId ?? ""}
                    empty="Nothing sold yet"
                  />
                </section>
              </div>
            </>
          );
        }}
      </QueryState>
      <CartRemindersCard days={days} />
    </div>
  );
}
