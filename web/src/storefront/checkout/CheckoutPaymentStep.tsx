import { useState, type Dispatch, type FormEvent } from "react";
import { TextField } from "../../shared/ui/Field";
import { ErrorMessage, Loading } from "../../shared/ui/Status";
import { TestCardsHint } from "./CardPayment";
import type { CheckoutAction, CheckoutState } from "./checkoutState";
import type { PaymentConfig } from "./payments";

/** Step 2: card (the simulated provider's number, or Stripe's form after placing) or cash. */
export function CheckoutPaymentStep({
  state,
  dispatch,
  config,
  configError,
  retryConfig,
}: {
  state: CheckoutState;
  dispatch: Dispatch<CheckoutAction>;
  config: PaymentConfig | undefined;
  configError: unknown;
  retryConfig: () => void;
}) {
  const [cardError, setCardError] = useState<string | undefined>();
  if (!config) {
    return configError ? (
      <ErrorMessage error={configError} onRetry={retryConfig} />
    ) : (
      <Loading label="Loading payment options…" />
    );
  }
  const stripe = config.cardProvider === "stripe";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (state.method === "card" && !stripe) {
      const digits = state.cardNumber.replace(/[\s-]/g, "");
      if (!/^\d{12,19}$/.test(digits)) {
        setCardError("Enter the card number (12 to 19 digits).");
        return;
      }
    }
    setCardError(undefined);
    dispatch({ type: "payment-done" });
  };
  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>Payment method</legend>
        <label className="choice">
          <input
            type="radio"
            name="payment-method"
            value="card"
            checked={state.method === "card"}
            onChange={() => dispatch({ type: "choose-method", method: "card" })}
          />
          <span>Card</span>
        </label>
        <label className="choice">
          <input
            type="radio"
            name="payment-method"
            value="cod"
            checked={state.method === "cod"}
            onChange={() => dispatch({ type: "choose-method", method: "cod" })}
          />
          <span>Cash on delivery</span>
        </label>
      </fieldset>
      {state.method === "card" && !stripe ? (
        <TextField
          label="Card number"
          inputMode="numeric"
          autoComplete="cc-number"
          value={state.cardNumber}
          onChange={(event) => {
            setCardError(undefined);
            dispatch({ type: "edit-card", cardNumber: event.target.value });
          }}
          error={cardError}
          hint={<TestCardsHint config={config} />}
        />
      ) : null}
      {state.method === "card" && stripe ? (
        <p className="small muted">
          You will enter your card details in Stripe&apos;s secure form after you place the order.
        </p>
      ) : null}
      {state.method === "cod" ? (
        <p className="small muted">You pay the courier when your order is delivered.</p>
      ) : null}
      <button type="submit" className="button">
        Continue to review
      </button>
    </form>
  );
}
