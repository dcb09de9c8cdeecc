import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { formatDateTime, formatMoney, humanize } from "../../shared/format";
import { useLiveMessages, useLiveStatus } from "../../shared/live";
import { ErrorMessage, Loading } from "../../shared/ui/Status";
import { SimulatedCardForm, StripePaymentForm } from "../checkout/CardPayment";
import { addressLine } from "./addressLine";
import { paymentFailureMessage, usePaymentConfig } from "../checkout/payments";
import {
  orderKey,
  useCancelOrder,
  useOrder,
  useOrderHistory,
  useOrderPayment,
  type HistoryEntry,
  type Order,
  type Payment,
} from "./account";
import { isAboutOrder, orderReference, reasonText, statusLabel, statusTone } from "./orderStatus";
import { RequireSignIn } from "./RequireSignIn";
import { friendly } from "./messages";

interface PlacedState {
  justPlaced?: boolean;
  paymentError?: string | null;
}

export function OrderPage() {
  return (
    <RequireSignIn>
      <OrderDetail />
    </RequireSignIn>
  );
}

function OrderDetail() {
  const { orderId = "" } = useParams();
  const placed = (useLocation().state ?? {}) as PlacedState;
  const queryClient = useQueryClient();
  const live = useLiveStatus();
  // live updates are the rule; while the socket is down an order being paid for is re-read
  const order = useOrder(orderId, live !== "live");
  const history = useOrderHistory(orderId);
  const status = order.data?.status;
  const refetchHistory = history.refetch;
  useEffect(() => {
    // a status read by polling brings its history entry with it
    if (status) void refetchHistory();
  }, [status, refetchHistory]);
  const isCard = order.data?.paymentMethod === "card";
  const payment = useOrderPayment(orderId, Boolean(isCard));

  // the order moves on the server (payment, fulfilment): every push about it reloads it
  useLiveMessages((message) => {
    if (message.type === "reconnected") void queryClient.invalidateQueries({ queryKey: orderKey(orderId) });
    if (isAboutOrder(message, orderId)) {
      void queryClient.invalidateQueries({ queryKey: orderKey(orderId) });
    }
  });

  const reload = () => void queryClient.invalidateQueries({ queryKey: orderKey(orderId) });

  if (order.isPending) return <div className="container page"><Loading label="Loading your order…" /></div>;
  if (order.error || !order.data) {
    return (
      <div className="container page">
        <h1>Order</h1>
        <ErrorMessage error={order.error} onRetry={() => void order.refetch()} />
      </div>
    );
  }
  const o = order.data;
  const currency = o.currency ?? "USD";
  const failure = payment.data?.status === "failed" ? payment.data.failureReason : null;
  return (
    <div className="container page order-page">
      <div className="spread">
        <h1 id="order-title" tabIndex={-1}>
          Order {orderReference(o.id)}
        </h1>
        <span className={`badge ${statusTone(o.status)} order-status`} aria-hidden="true">
          {statusLabel(o.status)}
        </span>
      </div>
      <p className="muted small">
        Placed {formatDateTime(o.createdAt)} ·{" "}
        <span className="live-indicator" data-live={live}>
          {live === "live" ? "Live updates on" : "Reconnecting for live updates…"}
        </span>
      </p>
      <p className="visually-hidden" role="status" aria-live="polite">
        Order status: {statusLabel(o.status)}
      </p>
      <OrderBanner
        order={o}
        placed={placed}
        failure={failure ?? null}
        payHere={payment.data?.provider === "stripe" && payment.data.status === "pending"}
      />
      {o.status === "awaiting_payment" && isCard && payment.data ? (
        <PayForOrder order={o} payment={payment.data} onDone={reload} />
      ) : null}
      <div className="two-col">
        <div className="stack">
          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Progress</h2>
            {history.data ? (
              <OrderTimeline entries={history.data} />
            ) : history.error ? (
              <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
            ) : (
              <Loading />
            )}
            {o.tracking?.number ? <Tracking tracking={o.tracking} /> : null}
          </section>
          <section className="card" aria-labelledby="lines-title">
            <h2 id="lines-title">Items</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col" className="num">Price</th>
                    <th scope="col" className="num">Qty</th>
                    <th scope="col" className="num">Total</th>
                  </tr>
                </thead>
                <tbody>
                  {(o.lines ?? []).map((line) => (
                    <tr key={line.productId}>
                      <td>
                        <span className="order-line-name">
                          {line.image ? <img src={line.image} alt="" width={40} height={40} loading="lazy" /> : null}
                          {line.name}
                        </span>
                      </td>
                      <td className="num">{formatMoney(line.price, currency)}</td>
                      <td className="num">{line.quantity}</td>
                      <td className="num">{formatMoney(line.lineTotal, currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </div>
        <aside className="stack">
          <OrderTotals order={o} />
          <section className="card" aria-labelledby="delivery-title">
            <h2 id="delivery-title">Delivery and payment</h2>
            <dl className="review-facts">
              <div>
                <dt>Ship to</dt>
                <dd>{o.shippingAddress ? addressLine(o.shippingAddress) : "—"}</dd>
              </div>
              <div>
                <dt>Payment</dt>
                <dd>
                  {o.paymentMethod === "cod" ? "Cash on delivery" : "Card"} · {humanize(o.paymentStatus)}
                </dd>
              </div>
              {o.refundedAmount && Number(o.refundedAmount) > 0 ? (
                <div>
                  <dt>Refunded</dt>
                  <dd>{formatMoney(o.refundedAmount, currency)}</dd>
                </div>
              ) : null}
            </dl>
          </section>
          {o.cancellable ? <CancelOrder orderId={o.id ?? orderId} /> : null}
          <Link to="/account/orders">All your orders</Link>
        </aside>
      </div>
    </div>
  );
}

function OrderBanner({
  order,
  placed,
  failure,
  payHere,
}: {
  order: Order;
  placed: PlacedState;
  failure: string | null;
  /** the card is entered on this page (Stripe's form), not at checkout */
  payHere: boolean;
}) {
  const paymentFailed =
    order.status === "cancelled" && (failure || (order.cancelReason ?? "").startsWith("payment_failed"));
  if (paymentFailed) {
    const reason = failure ?? (order.cancelReason ?? "").split(":")[1]?.trim();
    return (
      <div className="notice notice-error" role="alert">
        <p>
          <strong>{paymentFailureMessage(reason)}</strong> You have not been charged, and this order was
          cancelled.
        </p>
        <p>
          Your items are still in your cart: <Link to="/checkout">try again with another card</Link> or pay
          cash on delivery.
        </p>
      </div>
    );
  }
  if (order.status === "cancelled") {
    return (
      <div className="notice notice-warn">
        <p>This order was cancelled{order.cancelReason ? `: ${reasonText(order.cancelReason)}` : ""}.</p>
      </div>
    );
  }
  if (order.status === "awaiting_payment" || order.status === "pending") {
    return (
      <div className="notice notice-info">
        <p>
          {placed.justPlaced ? "Thank you, your order is placed. " : ""}
          {payHere
            ? "Pay below to complete your order."
            : placed.paymentError && placed.paymentError !== "PAYMENT_DECLINED"
            ? "We could not confirm your payment yet: pay below to complete the order."
            : "Waiting for the payment to be confirmed. This page updates by itself."}
        </p>
      </div>
    );
  }
  if (placed.justPlaced) {
    return (
      <div className="notice notice-ok">
        <p>
          Thank you, your order is {statusLabel(order.status).toLowerCase()}.{" "}
          {order.paymentMethod === "cod" ? "You pay when it is delivered." : "Your payment was received."} We
          have emailed you the details.
        </p>
      </div>
    );
  }
  return null;
}

/** The order's payment (GET /api/payments/order/{id}), still to be made with a card. */
function PayForOrder({ order, payment, onDone }: { order: Order; payment: Payment; onDone: () => void }) {
  const config = usePaymentConfig();
  const intentId = payment.intentId;
  if (!intentId || payment.status === "succeeded") return null;
  const stripe = payment.provider === "stripe";
  return (
    <section className="card" aria-labelledby="pay-title">
      <h2 id="pay-title">Pay for your order</h2>
      {order.reservationExpiresAt ? (
        <p className="small muted">
          Your items are held for you until {formatDateTime(order.reservationExpiresAt)}.
        </p>
      ) : null}
      {stripe ? (
        config.data?.publishableKey && payment.clientSecret ? (
          <StripePaymentForm
            publishableKey={config.data.publishableKey}
            clientSecret={payment.clientSecret}
            returnUrl={`${location.origin}/orders/${order.id}`}
            onDone={onDone}
          />
        ) : config.error ? (
          <ErrorMessage error={config.error} onRetry={() => void config.refetch()} />
        ) : (
          <Loading />
        )
      ) : (
        <SimulatedCardForm intentId={intentId} config={config.data} onDone={onDone} />
      )}
    </section>
  );
}

function OrderTimeline({ entries }: { entries: HistoryEntry[] }) {
  const moves = entries.filter((entry) => entry.fromStatus !== entry.toStatus);
  return (
    <ol className="timeline">
      {moves.map((entry, index) => (
        <li key={`${entry.createdAt}-${index}`} className={index === moves.length - 1 ? "timeline-current" : undefined}>
          <span className={`badge ${statusTone(entry.toStatus)}`}>{statusLabel(entry.toStatus)}</span>{" "}
          <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
          {entry.reason ? <span className="small muted"> · {reasonText(entry.reason)}</span> : null}
        </li>
      ))}
    </ol>
  );
}

function Tracking({ tracking }: { tracking: NonNullable<Order["tracking"]> }) {
  return (
    <p className="tracking">
      <strong>Tracking:</strong> {tracking.carrier} {tracking.number}
      {tracking.url ? (
        <>
          {" "}
          · <a href={tracking.url} target="_blank" rel="noreferrer noopener">Track your parcel</a>
        </>
      ) : null}
    </p>
  );
}

function OrderTotals({ order }: { order: Order }) {
  const currency = order.currency ?? "USD";
  return (
    <section className="card cart-summary" aria-labelledby="totals-title">
      <h2 id="totals-title">Totals</h2>
      <dl className="summary-lines">
        <div>
          <dt>Subtotal</dt>
          <dd>{formatMoney(order.subtotal, currency)}</dd>
        </div>
        {order.discount && Number(order.discount) > 0 ? (
          <div className="summary-discount">
            <dt>Discount{order.couponCode ? ` (${order.couponCode})` : ""}</dt>
            <dd>−{formatMoney(order.discount, currency)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Tax</dt>
          <dd>{formatMoney(order.tax, currency)}</dd>
        </div>
        <div>
          <dt>Shipping</dt>
          <dd>{Number(order.shipping) === 0 ? "Free" : formatMoney(order.shipping, currency)}</dd>
        </div>
        <div className="summary-total">
          <dt>Total</dt>
          <dd>{formatMoney(order.total, currency)}</dd>
        </div>
      </dl>
    </section>
  );
}

function CancelOrder({ orderId }: { orderId: string }) {
  const cancel = useCancelOrder(orderId);
  const [asking, setAsking] = useState(false);
  const askButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    // "Keep the order" removes the question and its buttons: focus goes back to "Cancel order"
    if (!asking && returnFocus.current) askButton.current?.focus();
    returnFocus.current = false;
  }, [asking]);
  const confirm = async () => {
    if (cancel.isPending) return;
    try {
      await cancel.mutateAsync();
    } catch {
      return; // the error is shown below, focus stays on the button
    }
    // this section is gone once the order is cancelled: focus the order's heading, whose page
    // now says the order was cancelled (the status is also announced)
    document.getElementById("order-title")?.focus();
  };
  return (
    <section className="card" aria-labelledby="cancel-title">
      <h2 id="cancel-title">Changed your mind?</h2>
      {asking ? (
        <div className="stack">
          <p>Cancel this order? A paid order is refunded to your card.</p>
          <div className="row">
            <button
              type="button"
              className="button button-danger"
              // aria-disabled, not disabled, while it runs: a disabled button drops the focus
              aria-disabled={cancel.isPending || undefined}
              onClick={() => void confirm()}
            >
              {cancel.isPending ? "Cancelling…" : "Yes, cancel the order"}
            </button>
            <button
              type="button"
              className="button button-secondary"
              autoFocus
              onClick={() => {
                returnFocus.current = true;
                setAsking(false);
              }}
            >
              Keep the order
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button button-secondary" ref={askButton} onClick={() => setAsking(true)}>
          Cancel order
        </button>
      )}
      {cancel.error ? <ErrorMessage error={friendly(cancel.error)} onRetry={() => void confirm()} /> : null}
    </section>
  );
}
