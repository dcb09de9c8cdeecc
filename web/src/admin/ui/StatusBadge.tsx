import { humanize } from "../../shared/format";

const TONES: Record<string, string> = {
  // orders
  confirmed: "badge-ok",
  processing: "badge",
  shipped: "badge",
  delivered: "badge-ok",
  cancelled: "badge-bad",
  refunded: "badge-warn",
  pending: "badge-warn",
  awaiting_payment: "badge-warn",
  // payments
  paid: "badge-ok",
  unpaid: "badge-warn",
  failed: "badge-bad",
  partially_refunded: "badge-warn",
  // products
  active: "badge-ok",
  draft: "badge-warn",
  archived: "badge-bad",
  // reviews and images
  published: "badge-ok",
  approved: "badge-ok",
  processed: "badge-ok",
  flagged: "badge-warn",
  rejected: "badge-bad",
};

/** A status word in a coloured pill; the word itself carries the meaning, not the colour. */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return null;
  const tone = TONES[status] ?? "badge";
  return <span className={tone === "badge" ? "badge" : `badge ${tone}`}>{humanize(status)}</span>;
}
