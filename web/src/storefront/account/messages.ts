// What the shopper reads for the API's error codes that the storefront's own pages meet; any other
// error keeps the API's message (never raw JSON). The code decides, the text is ours.
import { ApiError, messageOf } from "../../shared/errors";

type Details = Record<string, unknown>;

const TEXT: Record<string, (details: Details) => string> = {
  INVALID_CREDENTIALS: () => "That email and password do not match an account.",
  ACCOUNT_DISABLED: () => "This account is disabled. Contact us if you think this is a mistake.",
  EMAIL_TAKEN: () => "An account with this email already exists: sign in instead.",
  INVALID_RESET_TOKEN: () => "This reset link is not valid any more.",
  INVALID_UNSUBSCRIBE_TOKEN: () => "This unsubscribe link is not valid.",
  COUPON_NOT_FOUND: (d) => `We do not know the coupon code ${String(d.code ?? "").toUpperCase()}.`.replace(" .", "."),
  COUPON_EXPIRED: () => "This coupon has expired.",
  COUPON_NOT_YET_VALID: () => "This coupon is not valid yet.",
  COUPON_INACTIVE: () => "This coupon is not active.",
  COUPON_EXHAUSTED: () => "This coupon has been used up.",
  COUPON_ALREADY_USED: () => "You have already used this coupon.",
  COUPON_MINIMUM_NOT_MET: () => "Your cart does not reach this coupon's minimum yet.",
  QUANTITY_LIMIT_EXCEEDED: (d) =>
    d.max !== undefined
      ? `At most ${String(d.max)} of one product per cart.`
      : "That is more of one product than a cart can hold.",
  INSUFFICIENT_STOCK: (d) =>
    d.available !== undefined
      ? `Only ${String(d.available)} of ${String(d.name ?? "this product")} left in stock.`
      : "There is not enough stock for that quantity.",
  OUT_OF_STOCK: () => "Some items sold out while you were checking out. Your cart shows what is left.",
  PRODUCT_UNAVAILABLE: () => "This product is no longer on sale.",
  CART_EMPTY: () => "Your cart is empty.",
  INVALID_ADDRESS: () => "That saved address is missing something the courier needs (a phone number?). Edit it or enter a new one.",
  IDEMPOTENCY_KEY_REUSED: () => "Your order changed while it was being placed. Please place it again.",
  REQUEST_IN_FLIGHT: () => "Your order is still being placed. Wait a moment and try again.",
  ORDER_NOT_CANCELLABLE: () => "This order can no longer be cancelled.",
};

/** The shopper-facing sentence for an error. */
export function friendlyMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const text = TEXT[error.code];
    if (text) return text(error.details);
  }
  return messageOf(error);
}

/** The same error, carrying the shopper-facing sentence (for components that show `.message`). */
export function friendly(error: unknown): unknown {
  if (!(error instanceof ApiError) || !TEXT[error.code]) return error;
  return new ApiError(error.status, {
    error: error.code,
    message: friendlyMessage(error),
    details: error.details,
    requestId: error.requestId,
  });
}
