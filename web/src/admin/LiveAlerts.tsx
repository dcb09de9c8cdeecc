import { useQueryClient } from "@tanstack/react-query";
import { useLiveMessages, useLiveStatus } from "../shared/live";
import { useToast } from "../shared/ui/Toasts";
import { humanize, orderReference } from "../shared/format";

/** Admins' live channel (frames are camelCase, like the HTTP API): a toast for each new (confirmed) order and each low-stock alert, and
 * the figures they change are refetched. Shown as a small "Live" marker in the navigation. */
export function LiveAlerts() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const status = useLiveStatus();
  useLiveMessages((message) => {
    if (message.type === "reconnected") void queryClient.invalidateQueries({ queryKey: ["admin"] });
    const data = message.data ?? {};
    if (message.type === "order_confirmed") {
      toast(`New order ${orderReference(String(data.orderId ?? ""))} confirmed`, "success");
      void queryClient.invalidateQueries({ queryKey: ["admin", "stats"] });
      void queryClient.invalidateQueries({ queryKey: ["admin", "orders"] });
    } else if (message.type === "stock_low") {
      const product = String(data.productName ?? data.productId ?? "a product");
      toast(`Low stock: ${product} (${String(data.available ?? 0)} left)`, "error");
      void queryClient.invalidateQueries({ queryKey: ["admin", "low-stock"] });
    } else if (message.type === "order_status_changed") {
      void queryClient.invalidateQueries({ queryKey: ["admin", "order", data.orderId] });
    }
  });
  return (
    <p className="live-status small" aria-live="polite">
      <span className={`live-dot live-${status}`} aria-hidden="true" />
      {status === "live" ? "Live updates on" : humanize(status)}
    </p>
  );
}
