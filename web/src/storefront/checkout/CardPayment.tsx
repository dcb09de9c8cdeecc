import { useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError, messageOf } from "../../shared/errors";
import { useIdempotencyKey } from "../../shared/idempotency";
import { TextField } from "../../shared/ui/Field";
import { ErrorMessage, Loading } from "../../shared/ui/Status";
import { confirmCard, describeTestCard, paymentFailureMessage, type PaymentConfig } from "./payments";
import { stripeFor, type StripeElements } from "./stripe";

/** The simulated provider's test cards, as a hint under the card number. */
export function TestCardsHint({ config }: { config: PaymentConfig | undefined }) {
  const cards = config?.testCards ?? [];
  if (!cards.length) return null;
  return (
    <span>
      Test cards:{" "}
      {cards.map((card, index) => (
        <span key={card.number}>
          {index > 0 ? "; " : ""}
          {describeTestCard(card.number, card.outcome)}
        </span>
      ))}
      .
    </span>
  );
}

/** Pay an order still awaiting payment with a test card (after a failed or interrupted try). */
export function SimulatedCardForm({
  intentId,
  config,
  onDone,
}: {
  intentId: string;
  config: PaymentConfig | undefined;
  onDone: () => void;
}) {
  const [number, setNumber] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const keys = useIdempotencyKey();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!number.trim()) {
      setError(new ApiError(400, { message: "Enter a card number." }));
      return;
    }
    const key = keys.for([intentId, number]);
    setBusy(true);
    setError(null);
    try {
      await confirmCard(intentId, number, key);
      keys.settle(true);
    } catch (failure) {
      setError(failure);
      keys.settle(failure);
    } finally {
      setBusy(false);
      onDone();
    }
  };
  const declined = error instanceof ApiError && error.code === "PAYMENT_DECLINED";
  return (
    <form onSubmit={submit} noValidate className="pay-form">
      <TextField
        label="Card number"
        inputMode="numeric"
        autoComplete="cc-number"
        value={number}
        onChange={(event) => setNumber(event.target.value)}
        error={error instanceof ApiError && error.status === 400 ? messageOf(error) : undefined}
        hint={<TestCardsHint config={config} />}
      />
      {declined ? (
        <p className="notice notice-error" role="alert">
          {paymentFailureMessage(String((error as ApiError).details.reason ?? ""))}
        </p>
      ) : error && !(error instanceof ApiError && error.status === 400) ? (
        <ErrorMessage error={error} />
      ) : null}
      <button type="submit" className="button" disabled={busy}>
        {busy ? "Paying…" : "Pay now"}
      </button>
    </form>
  );
}

/**
 * Stripe's Payment Element for an order's intent. Stripe confirms in the browser; the order page
 * then follows the order live as Stripe's webhook reaches the server.
 */
export function StripePaymentForm({
  publishableKey,
  clientSecret,
  returnUrl,
  onDone,
}: {
  publishableKey: string;
  clientSecret: string;
  returnUrl: string;
  onDone: () => void;
}) {
  const mount = useRef<HTMLDivElement>(null);
  const elements = useRef<StripeElements | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    stripeFor(publishableKey)
      .then((stripe) => {
        if (cancelled || !mount.current) return;
        elements.current = stripe.elements({ clientSecret });
        const element = elements.current.create("payment");
        element.mount(mount.current);
        destroy = () => element.destroy();
        setState("ready");
      })
      .catch(() => !cancelled && setState("failed"));
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [publishableKey, clientSecret]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!elements.current) return;
    setBusy(true);
    setMessage(null);
    try {
      const stripe = await stripeFor(publishableKey);
      const result = await stripe.confirmPayment({
        elements: elements.current,
        confirmParams: { return_url: returnUrl },
        redirect: "if_required",
      });
      if (result.error) setMessage(result.error.message ?? "The payment did not go through.");
    } catch {
      // Stripe.js failed to load or threw: the shopper can try again; the order page shows
      // whatever the webhook reports meanwhile
      setMessage("The payment could not be sent. Check your connection and try again.");
    } finally {
      setBusy(false);
      onDone();
    }
  };
  return (
    <form onSubmit={submit} className="pay-form">
      {state === "loading" ? <Loading label="Loading the secure card form…" /> : null}
      {state === "failed" ? (
        <p className="notice notice-error" role="alert">
          The secure card form could not be loaded. Check your connection and reload the page.
        </p>
      ) : null}
      <div ref={mount} className="stripe-element" />
      {message ? (
        <p className="notice notice-error" role="alert">
          {message}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={busy || state !== "ready"}>
        {busy ? "Paying…" : "Pay now"}
      </button>
    </form>
  );
}
