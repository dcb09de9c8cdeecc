import { useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { formatDate, formatMoney } from "../../shared/format";
import { useLiveMessages } from "../../shared/live";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, QueryState } from "../../shared/ui/Status";
import { useOrders } from "./account";
import { orderReference, statusLabel, statusTone } from "./orderStatus";

export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const orders = useOrders(page);
  const queryClient = useQueryClient();
  // statuses change on the server (payment, shipping): the list follows them live
  useLiveMessages((message) => {
    if (message.type === "reconnected") void queryClient.invalidateQueries({ queryKey: ["account", "orders"] });
    if (typeof message.data?.orderId === "string") {
      void queryClient.invalidateQueries({ queryKey: ["account", "orders"] });
    }
  });
  return (
    <div className="stack">
      <h1>Your orders</h1>
      <QueryState query={orders} loading="Loading your orders…">
        {(result) =>
          result.data?.length ? (
            <>
              <ul className="order-list">
                {result.data.map((order) => (
                  <li key={order.id} className="card order-row">
                    <div>
                      <Link to={`/orders/${order.id}`} className="order-row-link">
                        Order {orderReference(order.id)}
                      </Link>
                      <p className="small muted">
                        {formatDate(order.createdAt)} · {order.lines?.length ?? 0}{" "}
                        {order.lines?.length === 1 ? "item" : "items"}
                      </p>
                    </div>
                    <span className={`badge ${statusTone(order.status)}`}>{statusLabel(order.status)}</span>
                    <span className="price">{formatMoney(order.total, order.currency)}</span>
                  </li>
                ))}
              </ul>
              <Pagination
                page={page}
                totalPages={result.meta?.totalPages ?? 1}
                onPage={(next) => setParams({ page: String(next) })}
              />
            </>
          ) : (
            <Empty title="No orders yet">
              <p>When you place an order, it appears here.</p>
              <Link className="button" to="/">
                Start shopping
              </Link>
            </Empty>
          )
        }
      </QueryState>
    </div>
  );
}
