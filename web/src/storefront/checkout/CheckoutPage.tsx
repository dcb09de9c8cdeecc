import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useRef, useState, type Dispatch } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError } from "../../shared/errors";
import { useSession } from "../../shared/hooks";
import { keepsKey, keyFor } from "../../shared/idempotency";
import { Empty, ErrorMessage, Loading } from "../../shared/ui/Status";
import { fieldsUnder } from "../account/AddressFields";
import { useAddresses, type Address } from "../account/account";
import { refreshCart, useCart, type Cart } from "../cart/cart";
import { CartSummary } from "../cart/CartSummary";
import {
  addressForOrder,
  canOpen,
  checkoutReducer,
  clearCheckout,
  loadCheckout,
  orderFingerprint,
  saveCheckout,
  STEPS,
  type CheckoutAction,
  type CheckoutState,
  type Step,
} from "./checkoutState";
import { CheckoutPaymentStep } from "./CheckoutPaymentStep";
import { CheckoutReviewStep } from "./CheckoutReviewStep";
import { CheckoutShippingStep } from "./CheckoutShippingStep";
import { describeAddress } from "./describeAddress";
import { confirmCard, placeOrder, usePaymentConfig, type PaymentConfig } from "./payments";

export const STEP_TITLES: Record<Step, string> = {
  shipping: "Shipping address",
  payment: "Payment",
  review: "Review and place your order",
};

export function CheckoutPage() {
  const session = useSession();
  return (
    <div className="container page">
      <h1>Checkout</h1>
      {session ? <SignedInCheckout /> : <CheckoutSignInPrompt />}
    </div>
  );
}

/** Orders need an account: a guest signs in or registers and comes back with the cart merged. */
function CheckoutSignInPrompt() {
  const next = encodeURIComponent("/checkout");
  return (
    <section className="card checkout-signin" aria-labelledby="checkout-signin-title">
      <h2 id="checkout-signin-title">Sign in to check out</h2>
      <p>
        Sign in or create an account to place your order. Your cart comes with you: what you added
        as a guest is kept.
      </p>
      <div className="row">
        <Link className="button" to={`/signin?next=${next}`}>
          Sign in
        </Link>
        <Link className="button button-secondary" to={`/register?next=${next}`}>
          Create an account
        </Link>
      </div>
    </section>
  );
}

function SignedInCheckout() {
  const cart = useCart();
  const config = usePaymentConfig();
  const addresses = useAddresses();
  if (cart.isPending) return <Loading label="Loading your cart…" />;
  if (cart.error) return <ErrorMessage error={cart.error} onRetry={() => void cart.refetch()} />;
  if (!cart.data?.items?.length) {
    return (
      <Empty title="Your cart is empty">
        <p>Add something to your cart before checking out.</p>
        <Link to="/" className="button">
          Continue shopping
        </Link>
      </Empty>
    );
  }
  return (
    <CheckoutSteps
      cart={cart.data}
      config={config.data}
      configError={config.error}
      retryConfig={() => void config.refetch()}
      addresses={addresses.data}
      addressesLoading={addresses.isPending && addresses.fetchStatus !== "idle"}
      addressesError={addresses.error}
      retryAddresses={() => void addresses.refetch()}
    />
  );
}

function cartContents(cart: Cart): string {
  return (cart.items ?? []).map((item) => `${item.productId}x${item.quantity}`).join(",");
}

function CheckoutSteps({
  cart,
  config,
  configError,
  retryConfig,
  addresses,
  addressesLoading,
  addressesError,
  retryAddresses,
}: {
  cart: Cart;
  config: PaymentConfig | undefined;
  configError: unknown;
  retryConfig: () => void;
  addresses: Address[] | undefined;
  addressesLoading: boolean;
  addressesError: unknown;
  retryAddresses: () => void;
}) {
  const [state, dispatch] = useReducer(checkoutReducer, undefined, loadCheckout);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [placing, setPlacing] = useState(false);
  const [placeError, setPlaceError] = useState<unknown>(null);
  const headings = useRef<Partial<Record<Step, HTMLHeadingElement | null>>>({});
  const previousStep = useRef(state.step);
  const defaulted = useRef(false);

  useEffect(() => saveCheckout(state), [state]);

  // focus follows the step, so keyboard and screen-reader users land on what is asked next
  useEffect(() => {
    if (previousStep.current !== state.step) headings.current[state.step]?.focus();
    previousStep.current = state.step;
  }, [state.step]);

  // a saved default address is picked for a shopper who has not typed one
  useEffect(() => {
    if (defaulted.current || !addresses) return;
    defaulted.current = true;
    const typedSomething = Object.entries(state.draft).some(([k, v]) => k !== "country" && v);
    if (state.address.kind === "new" && !typedSomething && addresses.length) {
      const choice = addresses.find((a) => a.isDefault) ?? addresses[0];
      if (choice?.id) dispatch({ type: "choose-address", address: { kind: "saved", addressId: choice.id } });
    }
  }, [addresses, state.address.kind, state.draft]);

  const unavailable = (cart.items ?? []).some((item) => item.available === false);
  const cardEntry = config?.cardProvider === "stripe" ? "element" : "number";

  const place = async () => {
    if (placing || !cart.id) return;
    if (state.method === "card" && cardEntry === "number" && !state.cardNumber.trim()) {
      dispatch({ type: "go-to", step: "payment" });
      return;
    }
    const fingerprint = orderFingerprint(cart.id, state, cartContents(cart));
    const attempt = keyFor(state.attempt, fingerprint);
    if (attempt.fresh) {
      const next = checkoutReducer(state, { type: "attempt", ...attempt });
      saveCheckout(next); // kept before the request leaves, so a reload retries with this key
      dispatch({ type: "attempt", key: attempt.key, fingerprint });
    }
    setPlacing(true);
    setPlaceError(null);
    try {
      const order = await placeOrder(
        { cartId: cart.id, paymentMethod: state.method, ...addressForOrder(state) },
        attempt.key,
      );
      let paymentError: string | null = null;
      const intentId = order.payment?.intentId;
      if (state.method === "card" && cardEntry === "number" && intentId && order.status === "awaiting_payment") {
        try {
          await confirmCard(intentId, state.cardNumber, `${attempt.key}:pay`);
        } catch (failure) {
          paymentError = failure instanceof ApiError ? failure.code : "NETWORK_ERROR";
        }
      }
      clearCheckout();
      dispatch({ type: "placed" });
      void refreshCart(queryClient);
      navigate(`/orders/${order.id}`, { state: { justPlaced: true, paymentError } });
    } catch (failure) {
      setPlaceError(failure);
      if (!keepsKey(failure)) dispatch({ type: "forget-attempt" });
      if (failure instanceof ApiError && Object.keys(fieldsUnder(failure.fields, "shippingAddress.")).length) {
        dispatch({ type: "go-to", step: "shipping" });
      }
    } finally {
      setPlacing(false);
    }
  };

  const addressErrors =
    placeError instanceof ApiError ? fieldsUnder(placeError.fields, "shippingAddress.") : {};

  return (
    <div className="two-col checkout">
      <div>
        <CheckoutProgress state={state} dispatch={dispatch} />
        {STEPS.map((step, index) => {
          const open = state.step === step;
          const done = STEPS.indexOf(state.step) > index;
          return (
            <section
              key={step}
              className={open ? "card checkout-step checkout-step-open" : "card checkout-step"}
              aria-labelledby={`step-${step}-title`}
            >
              <div className="spread">
                <h2
                  id={`step-${step}-title`}
                  tabIndex={-1}
                  ref={(element) => {
                    headings.current[step] = element;
                  }}
                >
                  <span className="checkout-step-number" aria-hidden="true">
                    {index + 1}
                  </span>{" "}
                  {STEP_TITLES[step]}
                </h2>
                {done ? (
                  <button
                    type="button"
                    className="button-link"
                    onClick={() => dispatch({ type: "go-to", step })}
                    aria-label={`Change ${STEP_TITLES[step].toLowerCase()}`}
                  >
                    Change
                  </button>
                ) : null}
              </div>
              {open && step === "shipping" ? (
                <CheckoutShippingStep
                  state={state}
                  dispatch={dispatch}
                  addresses={addresses}
                  loading={addressesLoading}
                  error={addressesError}
                  onRetry={retryAddresses}
                  serverErrors={addressErrors}
                />
              ) : null}
              {open && step === "payment" ? (
                <CheckoutPaymentStep
                  state={state}
                  dispatch={dispatch}
                  config={config}
                  configError={configError}
                  retryConfig={retryConfig}
                />
              ) : null}
              {open && step === "review" ? (
                <CheckoutReviewStep
                  state={state}
                  cart={cart}
                  addresses={addresses}
                  placing={placing}
                  error={placeError}
                  blocked={unavailable}
                  onPlace={() => void place()}
                />
              ) : null}
              {done ? <StepSummary step={step} state={state} addresses={addresses} /> : null}
            </section>
          );
        })}
      </div>
      <aside>
        <CartSummary cart={cart} />
      </aside>
    </div>
  );
}

function CheckoutProgress({ state, dispatch }: { state: CheckoutState; dispatch: Dispatch<CheckoutAction> }) {
  return (
    <nav aria-label="Checkout steps">
      <ol className="checkout-progress">
        {STEPS.map((step, index) => {
          const current = state.step === step;
          const reachable = !current && STEPS.indexOf(state.step) > index && canOpen(state, step);
          return (
            <li key={step} className={current ? "current" : undefined} aria-current={current ? "step" : undefined}>
              {reachable ? (
                <button type="button" className="button-link" onClick={() => dispatch({ type: "go-to", step })}>
                  {index + 1}. {STEP_TITLES[step]}
                </button>
              ) : (
                <span>
                  {index + 1}. {STEP_TITLES[step]}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function StepSummary({
  step,
  state,
  addresses,
}: {
  step: Step;
  state: CheckoutState;
  addresses: Address[] | undefined;
}) {
  if (step === "shipping") return <p className="muted">{describeAddress(state, addresses)}</p>;
  if (step === "payment") {
    return <p className="muted">{state.method === "cod" ? "Cash on delivery" : "Card"}</p>;
  }
  return null;
}
