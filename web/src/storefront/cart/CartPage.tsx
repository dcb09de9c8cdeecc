import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { formatMoney } from "../../shared/format";
import { Empty, ErrorMessage, Loading } from "../../shared/ui/Status";
import {
  useApplyCoupon,
  useCart,
  useRemoveCoupon,
  useRemoveLine,
  useUpdateLine,
  type Cart,
  type CartItem,
} from "./cart";
import { CartSummary } from "./CartSummary";
import { friendlyMessage } from "../account/messages";
import { useStorefrontConfig } from "../catalog/storefrontConfig";

export function CartPage() {
  const cart = useCart();
  return (
    <div className="container page">
      <h1 id="cart-title" tabIndex={-1}>
        Your cart
      </h1>
      {cart.isPending ? (
        <Loading label="Loading your cart…" />
      ) : cart.error ? (
        <ErrorMessage error={cart.error} onRetry={() => void cart.refetch()} />
      ) : !cart.data || !cart.data.items?.length ? (
        <Empty title="Your cart is empty">
          <p>Find something you like and add it to your cart.</p>
          <Link to="/" className="button">
            Continue shopping
          </Link>
        </Empty>
      ) : (
        <CartContents cart={cart.data} />
      )}
    </div>
  );
}

function CartContents({ cart }: { cart: Cart }) {
  const items = cart.items ?? [];
  const unavailable = items.some((item) => item.available === false);
  const changed = items.some((item) => item.priceChanged && item.available !== false);
  return (
    <div className="two-col">
      <div className="stack">
        {changed ? (
          <p className="notice notice-warn">
            Some prices changed since you added them. The cart shows today&apos;s prices.
          </p>
        ) : null}
        {unavailable ? (
          <p className="notice notice-warn" id="cart-unavailable">
            Some items are no longer on sale. They are not counted; remove them to continue.
          </p>
        ) : null}
        <ul className="cart-lines" aria-label="Items in your cart">
          {items.map((item) => (
            <CartLine key={item.productId} item={item} currency={cart.currency ?? "USD"} />
          ))}
        </ul>
        <CouponForm cart={cart} />
      </div>
      <aside className="stack">
        <CartSummary cart={cart} />
        {unavailable ? (
          // a link cannot be disabled: a disabled button says why through the notice
          <button type="button" className="button button-block" disabled aria-describedby="cart-unavailable">
            Go to checkout
          </button>
        ) : (
          <Link to="/checkout" className="button button-block">
            Go to checkout
          </Link>
        )}
        <Link to="/" className="button button-secondary button-block">
          Continue shopping
        </Link>
      </aside>
    </div>
  );
}

function CartLine({ item, currency }: { item: CartItem; currency: string }) {
  const update = useUpdateLine();
  const remove = useRemoveLine();
  const { data: config } = useStorefrontConfig();
  const name = item.name ?? "This product";
  const productId = item.productId ?? "";
  const error = update.error ?? remove.error;
  const busy = update.isPending || remove.isPending;
  const setQuantity = (quantity: number) => update.mutate({ productId, quantity });
  return (
    <li className={item.available === false ? "card cart-line cart-line-unavailable" : "card cart-line"}>
      {item.image ? (
        <img className="cart-line-image" src={item.image} alt="" width={80} height={80} loading="lazy" />
      ) : (
        <div className="cart-line-image cart-line-noimage" aria-hidden="true" />
      )}
      <div className="cart-line-body">
        <p className="cart-line-name">{name}</p>
        <p className="small">
          <span className="price">{formatMoney(item.price, currency)}</span> each
          {item.priceChanged && item.previousPrice ? (
            <span className="badge badge-warn cart-line-flag">
              Price changed from {formatMoney(item.previousPrice, currency)}
            </span>
          ) : null}
          {item.available === false ? (
            <span className="badge badge-bad cart-line-flag">No longer available</span>
          ) : null}
        </p>
        <div className="row cart-line-actions">
          {item.available !== false ? (
            <QuantityControl
              name={name}
              quantity={item.quantity ?? 1}
              max={config?.maxPerLine}
              busy={busy}
              onChange={setQuantity}
            />
          ) : null}
          <button
            type="button"
            className="button-link"
            onClick={() => {
              if (busy) return;
              // the line (and its button) disappears: focus goes back to the page's heading
              remove.mutate(productId, { onSuccess: () => document.getElementById("cart-title")?.focus() });
            }}
            aria-disabled={busy || undefined}
            aria-label={`Remove ${name}`}
          >
            Remove
          </button>
        </div>
        {error ? (
          <p className="field-error" role="alert">
            {friendlyMessage(error)}
          </p>
        ) : null}
      </div>
      <p className="cart-line-total price" aria-label={`Line total for ${name}`}>
        {formatMoney(item.lineTotal, currency)}
      </p>
    </li>
  );
}

/**
 * − / number / + ; the typed number is sent on Enter or when the field loses focus. While a
 * change runs, and at the limits, the controls say they are unavailable (aria-disabled) and
 * ignore input instead of being disabled: a disabled control drops the keyboard focus.
 */
function QuantityControl({
  name,
  quantity,
  max,
  busy,
  onChange,
}: {
  name: string;
  quantity: number;
  /** the cart's most per line (GET /api/storefront/config); the API checks again */
  max: number | undefined;
  busy: boolean;
  onChange: (quantity: number) => void;
}) {
  const [typed, setTyped] = useState<string | null>(null);
  const fewerOff = busy || quantity <= 1;
  const moreOff = busy || (max !== undefined && quantity >= max);
  const commit = () => {
    if (typed === null || busy) return;
    const value = Number.parseInt(typed, 10);
    setTyped(null);
    if (Number.isFinite(value) && value >= 0 && value !== quantity) onChange(value);
  };
  return (
    <div className="quantity-control" role="group" aria-label={`Quantity of ${name}`}>
      <button
        type="button"
        className="button button-secondary"
        aria-label={`One fewer ${name}`}
        aria-disabled={fewerOff || undefined}
        onClick={() => !fewerOff && onChange(quantity - 1)}
      >
        −
      </button>
      <input
        className="input"
        type="number"
        inputMode="numeric"
        min={0}
        max={max}
        aria-label={`Quantity of ${name}`}
        value={typed ?? String(quantity)}
        onChange={(event) => setTyped(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            commit();
          }
        }}
        readOnly={busy}
        aria-busy={busy || undefined}
      />
      <button
        type="button"
        className="button button-secondary"
        aria-label={`One more ${name}`}
        aria-disabled={moreOff || undefined}
        onClick={() => !moreOff && onChange(quantity + 1)}
      >
        +
      </button>
    </div>
  );
}

function CouponForm({ cart }: { cart: Cart }) {
  const apply = useApplyCoupon();
  const remove = useRemoveCoupon();
  const [code, setCode] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim()) apply.mutate(code.trim(), { onSuccess: () => setCode("") });
  };
  const applied = cart.coupon?.code;
  const problem = cart.couponError?.message;
  return (
    <section className="card" aria-labelledby="coupon-title">
      <h2 id="coupon-title">Coupon</h2>
      {applied ? (
        <div className="stack">
          <p>
            <span className="badge badge-ok">{applied}</span>{" "}
            {problem ? null : <span className="small muted">applied</span>}
          </p>
          {problem ? (
            <p className="notice notice-warn" role="status">
              This coupon gives no discount right now: {problem}
            </p>
          ) : null}
          <button
            type="button"
            className="button button-secondary"
            onClick={() => remove.mutate()}
            disabled={remove.isPending}
          >
            Remove coupon
          </button>
          {remove.error ? <ErrorMessage error={remove.error} /> : null}
        </div>
      ) : (
        <form className="coupon-form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="coupon-code">Coupon code</label>
            <div className="row">
              <input
                id="coupon-code"
                className="input coupon-input"
                value={code}
                onChange={(event) => setCode(event.target.value)}
                autoComplete="off"
                aria-invalid={apply.error ? true : undefined}
                aria-describedby={apply.error ? "coupon-error" : undefined}
              />
              <button type="submit" className="button" disabled={apply.isPending || !code.trim()}>
                Apply
              </button>
            </div>
            {apply.error ? (
              <p id="coupon-error" className="field-error" role="alert">
                {friendlyMessage(apply.error)}
              </p>
            ) : null}
          </div>
        </form>
      )}
    </section>
  );
}
