// The one place money and dates are formatted. Amounts arrive as decimal strings with a currency;
// they are shown, never computed with: every total comes from the API.
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: string | null | undefined, currency = "USD"): string {
  if (amount === null || amount === undefined || amount === "") return "";
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    moneyFormats.set(currency, format);
  }
  const value = Number(amount);
  return Number.isFinite(value) ? format.format(value) : amount;
}

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat("en-US", {
  dateStyle: "medium",
  timeStyle: "short",
});

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : dateFormat.format(date);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : dateTimeFormat.format(date);
}

/** "pending_payment" -> "Pending payment" */
export function humanize(code: string | null | undefined): string {
  if (!code) return "";
  const words = code.replace(/[_-]+/g, " ").trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An order's short reference, as staff and customers say it: the first 8 characters of its id,
 * upper-cased ("3F9A2C1B"). */
export function orderReference(id: string | null | undefined): string {
  return String(id ?? "").slice(0, 8).toUpperCase();
}
