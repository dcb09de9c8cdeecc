import { Link, useSearchParams } from "react-router";
import { formatDateTime } from "../../shared/format";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, ErrorMessage, QueryState } from "../../shared/ui/Status";
import { useInbox, useMarkAllRead, useMarkRead, type Notification } from "./account";

export function NotificationsPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const inbox = useInbox(page);
  const markAll = useMarkAllRead();
  const unread = inbox.data?.meta?.unread ?? 0;
  return (
    <div className="stack">
      <div className="spread">
        <h1>Notifications</h1>
        {unread > 0 ? (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => markAll.mutate()}
            disabled={markAll.isPending}
          >
            Mark all as read
          </button>
        ) : null}
      </div>
      {markAll.error ? <ErrorMessage error={markAll.error} onRetry={() => markAll.mutate()} /> : null}
      <QueryState query={inbox} loading="Loading your notifications…">
        {(result) =>
          result.data?.length ? (
            <>
              <p className="small muted" role="status">
                {unread === 0 ? "All read." : unread === 1 ? "1 unread notification." : `${unread} unread notifications.`}
              </p>
              <ul className="inbox">
                {result.data.map((item) => (
                  <InboxItem key={item.id} item={item} />
                ))}
              </ul>
              <Pagination
                page={page}
                totalPages={result.meta?.totalPages ?? 1}
                onPage={(next) => setParams({ page: String(next) })}
              />
            </>
          ) : (
            <Empty title="No notifications yet">
              <p>Updates about your orders appear here.</p>
            </Empty>
          )
        }
      </QueryState>
    </div>
  );
}

function InboxItem({ item }: { item: Notification }) {
  const markRead = useMarkRead();
  const orderId = typeof item.data?.order_id === "string" ? item.data.order_id : null;
  return (
    <li className={item.read ? "card inbox-item" : "card inbox-item inbox-unread"}>
      <div>
        <p className="inbox-title">
          {item.read ? null : <span className="badge">New</span>} {item.title}
        </p>
        <p>{item.body}</p>
        <p className="small muted">
          <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
          {orderId ? (
            <>
              {" "}
              · <Link to={`/orders/${orderId}`}>See the order</Link>
            </>
          ) : null}
        </p>
      </div>
      {!item.read ? (
        <button
          type="button"
          className="button button-secondary"
          disabled={markRead.isPending}
          onClick={() => item.id && markRead.mutate(item.id)}
          aria-label={`Mark read: ${item.title}`}
        >
          Mark read
        </button>
      ) : null}
    </li>
  );
}
