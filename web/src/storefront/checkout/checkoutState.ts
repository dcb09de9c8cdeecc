// The checkout's steps and what the shopper chose, as a reducer so the order of steps and what
// each needs are plain, testable rules. What is typed is kept in sessionStorage (never the card
// number) so a reload, a network error or a detour through sign-in loses nothing.
import type { components } from "../../shared/api";
import type { KeyedAttempt } from "../../shared/idempotency";

export type ShippingAddress = components["schemas"]["ShippingAddressBody"];
export type Step = "shipping" | "payment" | "review";
export const STEPS: readonly Step[] = ["shipping", "payment", "review"];

export type AddressChoice = { kind: "saved"; addressId: string } | { kind: "new" };
export type PaymentMethod = "card" | "cod";

export interface AddressDraft {
  firstName: string;
  lastName: string;
  address1: string;
  address2: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
  phone: string;
}

export const EMPTY_ADDRESS: AddressDraft = {
  firstName: "",
  lastName: "",
  address1: "",
  address2: "",
  city: "",
  state: "",
  postalCode: "",
  country: "US",
  phone: "",
};

export interface CheckoutState {
  step: Step;
  address: AddressChoice;
  draft: AddressDraft;
  method: PaymentMethod;
  /** the simulated provider's card number: memory only */
  cardNumber: string;
  /**
   * the Idempotency-Key of the current attempt to place the order, with what it was for (see
   * shared/idempotency.ts: kept here so that it survives a reload with the rest of the checkout)
   */
  attempt: KeyedAttempt | null;
}

export const INITIAL_STATE: CheckoutState = {
  step: "shipping",
  address: { kind: "new" },
  draft: EMPTY_ADDRESS,
  method: "card",
  cardNumber: "",
  attempt: null,
};

export type CheckoutAction =
  | { type: "choose-address"; address: AddressChoice }
  | { type: "edit-address"; field: keyof AddressDraft; value: string }
  | { type: "shipping-done" }
  | { type: "choose-method"; method: PaymentMethod }
  | { type: "edit-card"; cardNumber: string }
  | { type: "payment-done" }
  | { type: "go-to"; step: Step }
  | { type: "attempt"; key: string; fingerprint: string }
  | { type: "forget-attempt" }
  | { type: "placed" };

/** Steps before `step` must be done before it can be shown. */
export function canOpen(state: CheckoutState, step: Step): boolean {
  const index = STEPS.indexOf(step);
  if (index <= 0) return true;
  if (!shippingComplete(state)) return false;
  if (index === 1) return true;
  return paymentComplete(state);
}

const REQUIRED_ADDRESS_FIELDS: (keyof AddressDraft)[] = [
  "firstName",
  "lastName",
  "address1",
  "city",
  "postalCode",
  "country",
];

/** "Required." for each empty required field (the phone too when the courier needs it). */
export function missingAddressFields(draft: AddressDraft, phoneRequired: boolean): Record<string, string> {
  const required = phoneRequired ? [...REQUIRED_ADDRESS_FIELDS, "phone" as const] : REQUIRED_ADDRESS_FIELDS;
  return Object.fromEntries(
    required.filter((field) => !draft[field].trim()).map((field) => [field, "Required."]),
  );
}

export function shippingComplete(state: CheckoutState): boolean {
  if (state.address.kind === "saved") return state.address.addressId !== "";
  const d = state.draft;
  return [d.firstName, d.lastName, d.address1, d.city, d.postalCode, d.country, d.phone].every(
    (value) => value.trim() !== "",
  );
}

export function paymentComplete(state: CheckoutState): boolean {
  return state.method === "cod" || state.method === "card";
}

export function checkoutReducer(state: CheckoutState, action: CheckoutAction): CheckoutState {
  switch (action.type) {
    case "choose-address":
      return { ...state, address: action.address };
    case "edit-address":
      return { ...state, draft: { ...state.draft, [action.field]: action.value } };
    case "shipping-done":
      return shippingComplete(state) ? { ...state, step: "payment" } : state;
    case "choose-method":
      return { ...state, method: action.method };
    case "edit-card":
      return { ...state, cardNumber: action.cardNumber };
    case "payment-done":
      return canOpen(state, "review") ? { ...state, step: "review" } : state;
    case "go-to":
      return canOpen(state, action.step) ? { ...state, step: action.step } : state;
    case "attempt":
      return { ...state, attempt: { key: action.key, fingerprint: action.fingerprint } };
    case "forget-attempt":
      return { ...state, attempt: null };
    case "placed":
      return { ...INITIAL_STATE, draft: state.draft };
  }
}

/** The address the order is shipped to, as the API takes it. */
export function addressForOrder(state: CheckoutState): {
  addressId: string | null;
  shippingAddress: ShippingAddress | null;
} {
  if (state.address.kind === "saved") {
    return { addressId: state.address.addressId, shippingAddress: null };
  }
  const d = state.draft;
  const optional = (value: string) => (value.trim() ? value.trim() : null);
  return {
    addressId: null,
    shippingAddress: {
      firstName: d.firstName.trim(),
      lastName: d.lastName.trim(),
      address1: d.address1.trim(),
      address2: optional(d.address2),
      city: d.city.trim(),
      state: optional(d.state),
      postalCode: d.postalCode.trim(),
      country: d.country.trim().toUpperCase(),
      phone: d.phone.trim(),
    },
  };
}

/**
 * What identifies one attempt: the same cart with the same contents, address and method is the
 * same order. `cartContents` is any stable description of the lines (ids and quantities).
 */
export function orderFingerprint(cartId: string, state: CheckoutState, cartContents = ""): string {
  return JSON.stringify([cartId, cartContents, addressForOrder(state), state.method]);
}

// -- kept across reloads -------------------------------------------------------------------------

export const STORAGE_KEY = "bazaar.checkout";

interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The state without the card number, for sessionStorage. */
export function persistable(state: CheckoutState): Omit<CheckoutState, "cardNumber"> {
  const { cardNumber: _card, ...rest } = state;
  return rest;
}

export function saveCheckout(state: CheckoutState, store: Storage | undefined = session()) {
  try {
    store?.setItem(STORAGE_KEY, JSON.stringify(persistable(state)));
  } catch {
    /* storage full or unavailable: the state lives in memory only */
  }
}

export function loadCheckout(store: Storage | undefined = session()): CheckoutState {
  try {
    const raw = store?.getItem(STORAGE_KEY);
    if (!raw) return INITIAL_STATE;
    const saved = JSON.parse(raw) as Partial<CheckoutState>;
    const state: CheckoutState = {
      ...INITIAL_STATE,
      ...saved,
      draft: { ...EMPTY_ADDRESS, ...(saved.draft ?? {}) },
      cardNumber: "",
    };
    if (!STEPS.includes(state.step)) state.step = "shipping";
    // a reload forgets the card number, so a card order starts again from the payment step
    if (state.step === "review" && state.method === "card") state.step = "payment";
    return canOpen(state, state.step) ? state : { ...state, step: "shipping" };
  } catch {
    return INITIAL_STATE;
  }
}

export function clearCheckout(store: Storage | undefined = session()) {
  try {
    store?.removeItem(STORAGE_KEY);
  } catch {
    /* nothing kept */
  }
}

function session(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}
