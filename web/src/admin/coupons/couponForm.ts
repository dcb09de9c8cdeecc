// The coupon form's values and the JSON the API takes. Times are edited in the browser's local
// time (<input type="datetime-local">) and sent as ISO instants.
import type { components } from "../../shared/api";

export type Coupon = components["schemas"]["Coupon"];

export interface CouponValues {
  code: string;
  description: string;
  type: "percent" | "fixed";
  percentOff: string;
  amountOff: string;
  currency: string;
  minSubtotal: string;
  startsAt: string;
  endsAt: string;
  usageLimit: string;
  perCustomerLimit: string;
  active: boolean;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** ISO instant -> "yyyy-mm-ddThh:mm" in local time; "" for none. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "yyyy-mm-ddThh:mm" local -> ISO instant; null for blank. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function couponValues(coupon?: Coupon): CouponValues {
  return {
    code: coupon?.code ?? "",
    description: coupon?.description ?? "",
    type: coupon?.type === "fixed" ? "fixed" : "percent",
    percentOff: coupon?.percentOff != null ? String(coupon.percentOff) : "",
    amountOff: coupon?.amountOff != null ? String(coupon.amountOff) : "",
    currency: coupon?.currency ?? "USD",
    minSubtotal: coupon?.minSubtotal ?? "",
    startsAt: toLocalInput(coupon?.startsAt),
    endsAt: toLocalInput(coupon?.endsAt),
    usageLimit: coupon?.usageLimit != null ? String(coupon.usageLimit) : "",
    perCustomerLimit: coupon?.perCustomerLimit != null ? String(coupon.perCustomerLimit) : "",
    active: coupon?.active ?? true,
  };
}

function whole(value: string): number | null {
  return value.trim() === "" ? null : Number(value);
}

/** The body of POST /api/admin/coupons (and PUT, without the code). */
export function couponBody(values: CouponValues) {
  return {
    code: values.code.trim().toUpperCase(),
    description: values.description.trim(),
    type: values.type,
    ...(values.type === "percent"
      ? { percentOff: whole(values.percentOff) ?? undefined }
      : { amountOff: values.amountOff.trim() || undefined }),
    currency: values.currency.trim().toUpperCase() || "USD",
    ...(values.minSubtotal.trim() ? { minSubtotal: values.minSubtotal.trim() } : {}),
    startsAt: fromLocalInput(values.startsAt),
    endsAt: fromLocalInput(values.endsAt),
    usageLimit: whole(values.usageLimit),
    perCustomerLimit: whole(values.perCustomerLimit),
    active: values.active,
  };
}
