// Words for the entries of an order's timeline (status changes and payment events).
import { formatMoney, humanize } from "../../shared/format";

export interface TimelineEntry {
  kind?: string;
  at?: string;
  fromStatus?: string | null;
  toStatus?: string;
  changedBy?: string | null;
  event?: string;
  amount?: string | null;
  currency?: string | null;
  provider?: string | null;
  reason?: string | null;
}

const PAYMENT_EVENTS: Record<string, string> = {
  payment_created: "Payment started",
  payment_succeeded: "Payment received",
  payment_failed: "Payment failed",
  refunded: "Refund issued",
  refund_confirmed: "Refund confirmed by the provider",
};

const ACTORS: Record<string, string> = { system: "the shop", payments: "the payment provider" };

const METHODS: Record<string, string> = { card: "Card", cod: "Cash on delivery" };

export function paymentMethodName(method: string | null | undefined): string {
  return METHODS[method ?? ""] ?? humanize(method);
}

/** Title and detail of a timeline entry; `customerId` names the order's customer as such. */
export function describeEntry(entry: TimelineEntry, customerId?: string): { title: string; detail: string } {
  if (entry.kind === "payment") {
    const title = PAYMENT_EVENTS[entry.event ?? ""] ?? humanize(entry.event);
    const parts = [
      entry.amount ? formatMoney(entry.amount, entry.currency ?? "USD") : "",
      entry.provider ? `via ${humanize(entry.provider)}` : "",
      entry.reason ? humanize(entry.reason) : "",
    ].filter(Boolean);
    return { title, detail: parts.join(" · ") };
  }
  const title = entry.fromStatus
    ? `${humanize(entry.fromStatus)} → ${humanize(entry.toStatus)}`
    : `Placed (${humanize(entry.toStatus)})`;
  const actor = !entry.changedBy
    ? ""
    : entry.changedBy === customerId
      ? "the customer"
      : (ACTORS[entry.changedBy] ?? entry.changedBy);
  const parts = [actor ? `by ${actor}` : "", entry.reason ?? ""].filter(Boolean);
  return { title, detail: parts.join(" · ") };
}
