import { ApiError } from "../../shared/errors";
import { formatMoney } from "../../shared/format";
import type { Address } from "../account/account";
import type { Cart } from "../cart/cart";
import type { CheckoutState } from "./checkoutState";
import { describeAddress } from "./describeAddress";
import { friendlyMessage } from "../account/messages";

/** Step 3: what is ordered, where to, how it is paid, and the one button that places it. */
export function CheckoutReviewStep({
  state,
  cart,
  addresses,
  placing,
  error,
  blocked,
  onPlace,
}: {
  state: CheckoutState;
  cart: Cart;
  addresses: Address[] | undefined;
  placing: boolean;
  error: unknown;
  blocked: boolean;
  onPlace: () => void;
}) {
  const currency = cart.currency ?? "USD";
  const retryable = error instanceof ApiError && (error.retryable || error.code === "REQUEST_IN_FLIGHT");
  return (
    <div className="stack">
      <ul className="review-lines" aria-label="Items">
        {(cart.items ?? []).map((item) => (
          <li key={item.productId} className="spread">
            <span>
              {item.quantity} × {item.name}
              {item.available === false ? <span className="badge badge-bad">No longer available</span> : null}
            </span>
            <span className="price">{formatMoney(item.lineTotal, currency)}</span>
          </li>
        ))}
      </ul>
      <dl className="review-facts">
        <div>
          <dt>Ship to</dt>
          <dd>{describeAddress(state, addresses)}</dd>
        </div>
        <div>
          <dt>Payment</dt>
          <dd>
            {state.method === "cod"
              ? "Cash on delivery"
              : state.cardNumber
                ? `Card ending ${state.cardNumber.replace(/\D/g, "").slice(-4)}`
                : "Card"}
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd className="price">{formatMoney(cart.total, currency)}</dd>
        </div>
      </dl>
      {blocked ? (
        <p className="notice notice-warn">
          Some items are no longer available. Remove them from your cart to place the order.
        </p>
      ) : null}
      {error ? (
        <div className="notice notice-error" role="alert">
          <p>{friendlyMessage(error)}</p>
          {retryable ? <p>Nothing was lost: try again and you will not be charged twice.</p> : null}
        </div>
      ) : null}
      <button
        type="button"
        className="button button-block place-order"
        onClick={onPlace}
        disabled={placing || blocked}
        aria-busy={placing || undefined}
      >
        {placing
          ? "Placing your order…"
          : error && retryable
            ? "Try again"
            : `Place order · ${formatMoney(cart.total, currency)}`}
      </button>
    </div>
  );
}
