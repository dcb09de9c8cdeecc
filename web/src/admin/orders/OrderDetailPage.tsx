import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { api, unwrap, type components } from "../../shared/api";
import { formatDateTime, formatMoney, humanize, orderReference } from "../../shared/format";
import { useSession } from "../../shared/hooks";
import { useIdempotentMutation } from "../../shared/idempotency";
import { SelectField, TextField } from "../../shared/ui/Field";
import { QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { may, mayOpen } from "../access";
import { useConfirm } from "../ui/Confirm";
import { DataTable } from "../ui/DataTable";
import { FormError, fieldError } from "../ui/FormError";
import { PageHeader } from "../ui/PageHeader";
import { StatusBadge } from "../ui/StatusBadge";
import type { OrderStatus } from "./filters";
import { describeEntry, paymentMethodName } from "./timeline";

type AdminOrder = components["schemas"]["AdminOrder"];

/** The staff view of the order. A refund reaches the order through an event, a moment after
 * the payment changed: while `refunded` (the payment's refunded total) is not yet the order's,
 * it is fetched again every second, for 20 seconds at most. */
function useAdminOrder(orderId: string, refunded: { total: string; since: number } | null) {
  return useQuery({
    queryKey: ["admin", "order", orderId],
    queryFn: () => unwrap(api.GET("/api/admin/orders/{orderId}", { params: { path: { orderId } } })),
    refetchInterval: (query) =>
      refunded &&
      Date.now() - refunded.since < 20_000 &&
      query.state.data?.refundedAmount !== refunded.total
        ? 1000
        : false,
  });
}

function useOrderSaved(orderId: string) {
  const queryClient = useQueryClient();
  const toast = useToast();
  return (message: string, order?: AdminOrder) => {
    toast(message, "success");
    if (order) queryClient.setQueryData(["admin", "order", orderId], (old: AdminOrder | undefined) => ({ ...old, ...order }));
    void queryClient.invalidateQueries({ queryKey: ["admin", "order", orderId] });
    void queryClient.invalidateQueries({ queryKey: ["admin", "orders"] });
    void queryClient.invalidateQueries({ queryKey: ["admin", "stats"] });
  };
}

export function OrderDetailPage() {
  const { orderId = "" } = useParams();
  const [refunded, setRefunded] = useState<{ total: string; since: number } | null>(null);
  const order = useAdminOrder(orderId, refunded);
  const role = useSession()?.user.role;
  return (
    <QueryState query={order} loading="Loading the order…">
      {(data) => (
        <div className="stack">
          <PageHeader title={`Order ${orderReference(data.id)}`}>
            <StatusBadge status={data.status} />
          </PageHeader>
          <p className="row small">
            {mayOpen(role, "orders") ? (
              <Link to="/orders">Back to orders</Link>
            ) : (
              <span className="muted">The order list is for administrators; you opened this order by its link.</span>
            )}
            <span className="muted">Placed {formatDateTime(data.createdAt)}</span>
            <span className="mono muted">{data.id}</span>
          </p>
          <div className="two-col">
            <div className="stack">
              <OrderLines order={data} />
              <Timeline order={data} />
            </div>
            <div className="stack">
              <CustomerCard order={data} listed={mayOpen(role, "orders")} />
              {may(role, "changeOrderStatus") ? <StatusForm order={data} /> : null}
              {may(role, "changeOrderStatus") ? <TrackingForm order={data} /> : null}
              {may(role, "refund") ? (
                <RefundForm order={data} onRefunded={(total) => setRefunded({ total, since: Date.now() })} />
              ) : null}
            </div>
          </div>
        </div>
      )}
    </QueryState>
  );
}

function OrderLines({ order }: { order: AdminOrder }) {
  const currency = order.currency ?? "USD";
  const totals: [string, string | undefined][] = [
    ["Subtotal", order.subtotal],
    ["Discount", order.discount],
    ["Tax", order.tax],
    ["Shipping", order.shipping],
  ];
  return (
    <section className="card stack" aria-labelledby="lines-heading">
      <h2 id="lines-heading">Items</h2>
      <DataTable
        caption="Items"
        compact
        columns={[
          { header: "Product", cell: (line) => <Link to={`/products/${line.productId}`}>{line.name}</Link> },
          { header: "Price", numeric: true, cell: (line) => formatMoney(line.price, currency) },
          { header: "Qty", numeric: true, cell: (line) => line.quantity },
          { header: "Total", numeric: true, cell: (line) => formatMoney(line.lineTotal, currency) },
        ]}
        rows={order.lines ?? []}
        rowKey={(line) => line.productId ?? ""}
        empty="No items"
        footer={
          <>
            {totals.map(([label, amount]) => (
              <tr key={label}>
                <th scope="row" colSpan={3} className="num">
                  {label}
                  {label === "Discount" && order.couponCode ? ` (${order.couponCode})` : ""}
                </th>
                <td className="num">{formatMoney(amount, currency)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row" colSpan={3} className="num">
                Total
              </th>
              <td className="num price">{formatMoney(order.total, currency)}</td>
            </tr>
            {order.refundedAmount && Number(order.refundedAmount) > 0 ? (
              <tr>
                <th scope="row" colSpan={3} className="num">
                  Refunded
                </th>
                <td className="num">{formatMoney(order.refundedAmount, currency)}</td>
              </tr>
            ) : null}
          </>
        }
      />
    </section>
  );
}

/** `listed`: the reader may open the order list (admins), so the customer's other orders are a link. */
function CustomerCard({ order, listed }: { order: AdminOrder; listed: boolean }) {
  const address = order.shippingAddress;
  return (
    <section className="card stack" aria-labelledby="customer-heading">
      <h2 id="customer-heading">Customer and delivery</h2>
      {address ? (
        <address style={{ fontStyle: "normal" }}>
          {address.firstName} {address.lastName}
          <br />
          {address.address1}
          {address.address2 ? (
            <>
              <br />
              {address.address2}
            </>
          ) : null}
          <br />
          {address.postalCode} {address.city}
          {address.state ? `, ${address.state}` : ""}, {address.country}
          <br />
          {address.phone}
        </address>
      ) : null}
      {listed ? (
        <p className="small">
          <Link to={`/orders?customer=${encodeURIComponent(order.userId ?? "")}`}>All orders of this customer</Link>
        </p>
      ) : null}
      <p>
        Payment: {paymentMethodName(order.paymentMethod)} · <StatusBadge status={order.paymentStatus} />
      </p>
      {order.cancelReason ? <p>Cancelled because: {humanize(order.cancelReason)}</p> : null}
      {order.tracking ? (
        <p>
          Tracking: {order.tracking.carrier} {order.tracking.url ? <a href={order.tracking.url}>{order.tracking.number}</a> : order.tracking.number}
        </p>
      ) : null}
    </section>
  );
}

function StatusForm({ order }: { order: AdminOrder }) {
  const allowed: OrderStatus[] = order.allowedTransitions ?? [];
  const [status, setStatus] = useState<OrderStatus | "">(allowed[0] ?? "");
  const [note, setNote] = useState("");
  const confirm = useConfirm();
  const saved = useOrderSaved(order.id ?? "");
  const change = useIdempotentMutation(
    (body: { status: OrderStatus; note: string | null }, key) =>
      unwrap(
        api.PATCH("/api/orders/{orderId}/status", {
          params: { path: { orderId: order.id ?? "" } },
          headers: { "Idempotency-Key": key },
          body,
        }),
      ),
    (updated) => {
      setNote("");
      saved(`Order is now ${humanize(updated.status)}`);
    },
  );
  if (allowed.length === 0) {
    return (
      <section className="card" aria-labelledby="status-heading">
        <h2 id="status-heading">Status</h2>
        <p className="muted">A {humanize(order.status).toLowerCase()} order cannot be moved on by staff.</p>
      </section>
    );
  }
  const chosen = allowed.includes(status as OrderStatus) ? status : allowed[0];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (chosen === "cancelled") {
      const yes = await confirm({
        title: "Cancel this order?",
        body: "Its stock is released, and a paid order is refunded in full. This cannot be undone.",
        confirmLabel: "Cancel the order",
        danger: true,
      });
      if (!yes) return;
    }
    setStatus(chosen);
    change.mutate({ status: chosen as OrderStatus, note: note.trim() || null });
  }

  return (
    <section className="card" aria-labelledby="status-heading">
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <h2 id="status-heading">Change status</h2>
        <FormError error={change.error} fields={["status", "note"]} />
        <SelectField label="New status" value={chosen} onChange={(event) => setStatus(event.target.value as OrderStatus)} error={fieldError(change.error, "status")}>
          {allowed.map((next) => (
            <option key={next} value={next}>
              {humanize(next)}
            </option>
          ))}
        </SelectField>
        <TextField label="Note (optional)" value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} error={fieldError(change.error, "note")} hint="Kept in the order's history." />
        <div>
          <button type="submit" className={chosen === "cancelled" ? "button button-danger" : "button"} disabled={change.isPending}>
            {chosen === "cancelled" ? "Cancel order" : `Mark as ${humanize(chosen).toLowerCase()}`}
          </button>
        </div>
      </form>
    </section>
  );
}

function TrackingForm({ order }: { order: AdminOrder }) {
  const [carrier, setCarrier] = useState(order.tracking?.carrier ?? "");
  const [number, setNumber] = useState(order.tracking?.number ?? "");
  const [url, setUrl] = useState(order.tracking?.url ?? "");
  const saved = useOrderSaved(order.id ?? "");
  const save = useIdempotentMutation(
    (body: { carrier: string; number: string; url: string | null }, key) =>
      unwrap(
        api.PUT("/api/orders/{orderId}/tracking", {
          params: { path: { orderId: order.id ?? "" } },
          headers: { "Idempotency-Key": key },
          body,
        }),
      ),
    (updated) =>
      saved(updated.status === "shipped" ? "Tracking saved: the order is shipped" : "Tracking saved"),
  );
  const shippable = (order.allowedTransitions ?? []).includes("shipped");
  if (!shippable && order.status !== "shipped") return null;
  return (
    <section className="card" aria-labelledby="tracking-heading">
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ carrier: carrier.trim(), number: number.trim(), url: url.trim() || null });
        }}
        noValidate
      >
        <h2 id="tracking-heading">Tracking</h2>
        {shippable ? <p className="small muted">Saving tracking marks the order as shipped and tells the customer.</p> : null}
        <FormError error={save.error} fields={["carrier", "number", "url"]} />
        <TextField label="Carrier" required value={carrier} onChange={(event) => setCarrier(event.target.value)} error={fieldError(save.error, "carrier")} />
        <TextField label="Tracking number" required value={number} onChange={(event) => setNumber(event.target.value)} error={fieldError(save.error, "number")} />
        <TextField label="Tracking URL (optional)" type="url" value={url} onChange={(event) => setUrl(event.target.value)} error={fieldError(save.error, "url")} />
        <div>
          <button type="submit" className="button" disabled={save.isPending}>
            {shippable ? "Save tracking and ship" : "Save tracking"}
          </button>
        </div>
      </form>
    </section>
  );
}

function RefundForm({ order, onRefunded }: { order: AdminOrder; onRefunded: (total: string) => void }) {
  const currency = order.currency ?? "USD";
  const [amount, setAmount] = useState("");
  const confirm = useConfirm();
  const saved = useOrderSaved(order.id ?? "");
  const refund = useIdempotentMutation(
    (body: { orderId: string; amount: string | null }, key) =>
      unwrap(api.POST("/api/payments/refund", { headers: { "Idempotency-Key": key }, body })),
    (payment) => {
      setAmount("");
      saved(`Refunded: ${formatMoney(payment.amountRefunded, payment.currency)} in total`);
      if (payment.amountRefunded) onRefunded(payment.amountRefunded);
    },
  );
  if (!order.refundableAmount || Number(order.refundableAmount) <= 0) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const what = amount.trim() ? formatMoney(amount.trim(), currency) : `everything that remains (${formatMoney(order.refundableAmount, currency)})`;
    const yes = await confirm({
      title: "Refund this order?",
      body: `The customer gets ${what} back on their original payment. This cannot be undone.`,
      confirmLabel: "Refund",
      danger: true,
    });
    if (yes) refund.mutate({ orderId: order.id ?? "", amount: amount.trim() || null });
  }

  return (
    <section className="card" aria-labelledby="refund-heading">
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <h2 id="refund-heading">Refund</h2>
        <p className="small">Up to {formatMoney(order.refundableAmount, currency)} can be refunded.</p>
        <FormError error={refund.error} fields={["amount"]} />
        <TextField
          label="Amount"
          inputMode="decimal"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          error={fieldError(refund.error, "amount")}
          hint="Leave blank to refund everything that remains."
        />
        <div>
          <button type="submit" className="button button-danger" disabled={refund.isPending}>
            Refund
          </button>
        </div>
      </form>
    </section>
  );
}

function Timeline({ order }: { order: AdminOrder }) {
  const me = useSession()?.user.id;
  return (
    <section className="card stack" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      {order.paymentEventsUnavailable ? (
        <p className="notice notice-warn">Payment events could not be loaded right now; only status changes are shown.</p>
      ) : null}
      <ol className="timeline">
        {(order.timeline ?? []).map((entry, index) => {
          const { title, detail } = describeEntry(entry, { customerId: order.userId, me });
          return (
            <li key={`${entry.at}-${index}`} className={entry.kind === "payment" ? "timeline-payment" : undefined}>
              <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              <strong>
                {entry.kind === "payment" ? <span className="visually-hidden">Payment: </span> : null}
                {title}
              </strong>
              {detail ? <span className="small muted"> {detail}</span> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
