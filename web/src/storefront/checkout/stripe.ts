// Stripe.js, only when the configured card provider is Stripe. Stripe requires that Stripe.js be
// loaded from its own origin (js.stripe.com) and never bundled or self-hosted: it is the ONE
// script this storefront ever loads from outside, and only in stripe mode. With the default
// simulated provider nothing is loaded from outside.

const STRIPE_JS = "https://js.stripe.com/v3/";

export interface StripeElement {
  mount(target: HTMLElement): void;
  destroy(): void;
}

export interface StripeElements {
  create(kind: "payment", options?: Record<string, unknown>): StripeElement;
}

export interface StripeInstance {
  elements(options: { clientSecret: string; appearance?: Record<string, unknown> }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    confirmParams: { return_url: string };
    redirect?: "if_required";
  }): Promise<{ error?: { message?: string; type?: string }; paymentIntent?: { status: string } }>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeInstance;
  }
}

let loading: Promise<NonNullable<Window["Stripe"]>> | null = null;

function loadStripeJs(): Promise<NonNullable<Window["Stripe"]>> {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = STRIPE_JS;
    script.async = true;
    script.onload = () => (window.Stripe ? resolve(window.Stripe) : reject(new Error("no Stripe")));
    script.onerror = () => {
      loading = null;
      reject(new Error("Stripe.js could not be loaded"));
    };
    document.head.appendChild(script);
  });
  return loading;
}

const instances = new Map<string, StripeInstance>();

export async function stripeFor(publishableKey: string): Promise<StripeInstance> {
  const known = instances.get(publishableKey);
  if (known) return known;
  const Stripe = await loadStripeJs();
  const instance = Stripe(publishableKey);
  instances.set(publishableKey, instance);
  return instance;
}
