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
const PROVIDERS: Record<string, string> = { simulated: "test card", stripe: "Stripe", cod: "cash on delivery" };

const METHODS: Record<string, string> = { card: "Card", cod: "Cash on delivery" };

export function paymentMethodName(method: string | null | undefined): string {
  return METHODS[method ?? ""] ?? humanize(method);
}

export interface People {
  /** the order's customer */
  customerId?: string;
  /** the signed-in staff member */
  me?: string;
}

/** Title and detail of a timeline entry, naming the customer and the reader as such. */
export function describeEntry(entry: TimelineEntry, people: People = {}): { title: string; detail: string } {
  if (entry.kind === "payment") {
    const title = PAYMENT_EVENTS[entry.event ?? ""] ?? humanize(entry.event);
    const parts = [
      entry.amount ? formatMoney(entry.amount, entry.currency ?? "USD") : "",
      entry.provider ? `via ${PROVIDERS[entry.provider] ?? humanize(entry.provider)}` : "",
      entry.reason ? humanize(entry.reason) : "",
    ].filter(Boolean);
    return { title, detail: parts.join(" · ") };
  }
  const title = !entry.fromStatus
    ? `Placed (${humanize(entry.toStatus)})`
    : entry.fromStatus === entry.toStatus
      ? `${humanize(entry.toStatus)}, updated`
      : `${humanize(entry.fromStatus)} → ${humanize(entry.toStatus)}`;
  const by = entry.changedBy;
  const actor = !by
    ? ""
    : by === people.customerId
      ? "the customer"
      : by === people.me
        ? "you"
        : (ACTORS[by] ?? `staff member ${by.slice(0, 8).toUpperCase()}`);
  const parts = [actor ? `by ${actor}` : "", entry.reason ?? ""].filter(Boolean);
  return { title, detail: parts.join(" · ") };
}
