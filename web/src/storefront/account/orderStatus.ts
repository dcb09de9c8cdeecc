// How an order's status is shown: its words and badge tone. The statuses and their moves are the
// server's (services/orders/domain.py); this only names them for shoppers.
import { humanize } from "../../shared/format";

const LABELS: Record<string, string> = {
  pending: "Placed",
  awaiting_payment: "Awaiting payment",
  confirmed: "Confirmed",
  processing: "Being prepared",
  shipped: "Shipped",
  delivered: "Delivered",
  cancelled: "Cancelled",
  refunded: "Refunded",
};

const TONES: Record<string, string> = {
  pending: "badge-warn",
  awaiting_payment: "badge-warn",
  confirmed: "badge-ok",
  processing: "badge-ok",
  shipped: "badge-ok",
  delivered: "badge-ok",
  cancelled: "badge-bad",
  refunded: "badge-bad",
};

export function statusLabel(status: string | null | undefined): string {
  return (status && LABELS[status]) || humanize(status);
}

export function statusTone(status: string | null | undefined): string {
  return (status && TONES[status]) || "";
}

/** "3f2a…" -> "3F2A9C1B": the short reference shown to shoppers (as in the emails). */
export function orderReference(orderId: string | null | undefined): string {
  return (orderId ?? "").replace(/-/g, "").slice(0, 8).toUpperCase();
}

/** A status-history reason in words: "payment_failed: card_declined" -> "Payment failed: card declined". */
export function reasonText(reason: string | null | undefined): string {
  if (!reason) return "";
  return reason
    .split(":")
    .map((part, index) => (index === 0 ? humanize(part.trim()) : humanize(part.trim()).toLowerCase()))
    .join(": ");
}

/** Whether a live message concerns this order. */
export function isAboutOrder(message: { data?: Record<string, unknown> }, orderId: string): boolean {
  return message.data?.orderId === orderId;
}
