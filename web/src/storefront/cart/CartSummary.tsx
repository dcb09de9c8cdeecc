import { formatMoney } from "../../shared/format";
import type { Cart } from "./cart";

/** Subtotal, discount, tax, shipping and total exactly as the API priced them. */
export function CartSummary({ cart, title = "Order summary" }: { cart: Cart; title?: string }) {
  const currency = cart.currency ?? "USD";
  const hasDiscount = cart.discount !== undefined && Number(cart.discount) > 0;
  return (
    <section className="card cart-summary" aria-labelledby="cart-summary-title">
      <h2 id="cart-summary-title">{title}</h2>
      <dl className="summary-lines">
        <div>
          <dt>Subtotal</dt>
          <dd>{formatMoney(cart.subtotal, currency)}</dd>
        </div>
        {hasDiscount ? (
          <div className="summary-discount">
            <dt>Discount{cart.coupon?.code ? ` (${cart.coupon.code})` : ""}</dt>
            <dd>−{formatMoney(cart.discount, currency)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Tax</dt>
          <dd>{formatMoney(cart.tax, currency)}</dd>
        </div>
        <div>
          <dt>Shipping</dt>
          <dd>{cart.shipping !== undefined && Number(cart.shipping) === 0 ? "Free" : formatMoney(cart.shipping, currency)}</dd>
        </div>
        <div className="summary-total">
          <dt>Total</dt>
          <dd>{formatMoney(cart.total, currency)}</dd>
        </div>
      </dl>
      <FreeShippingHint cart={cart} />
    </section>
  );
}

function FreeShippingHint({ cart }: { cart: Cart }) {
  const remaining = cart.freeShippingRemaining;
  if (!remaining || Number(remaining) <= 0 || !cart.items?.length) return null;
  const currency = cart.currency ?? "USD";
  return (
    <p className="free-shipping-hint small">
      Spend {formatMoney(remaining, currency)} more for free shipping (free from{" "}
      {formatMoney(cart.freeShippingThreshold, currency)}).
    </p>
  );
}
