import { describe, expect, it } from "vitest";
import {
  addressForOrder,
  canOpen,
  checkoutReducer,
  INITIAL_STATE,
  loadCheckout,
  missingAddressFields,
  orderFingerprint,
  saveCheckout,
  STORAGE_KEY,
  type CheckoutAction,
  type CheckoutState,
} from "./checkoutState";
import { keyFor } from "../../shared/idempotency";

const run = (...actions: CheckoutAction[]) => actions.reduce(checkoutReducer, INITIAL_STATE);

const typed: CheckoutAction[] = [
  ["firstName", "Ana"],
  ["lastName", "Lee"],
  ["address1", "1 Main St"],
  ["city", "Springfield"],
  ["postalCode", "12345"],
  ["phone", "+1 555 0100"],
].map(([field, value]) => ({ type: "edit-address", field, value }) as CheckoutAction);

function memoryStore() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
  };
}

describe("checkout steps", () => {
  it("starts at shipping and will not move on with an incomplete address", () => {
    expect(INITIAL_STATE.step).toBe("shipping");
    expect(run({ type: "shipping-done" }).step).toBe("shipping");
    expect(canOpen(INITIAL_STATE, "payment")).toBe(false);
  });

  it("moves shipping -> payment -> review once each step is complete", () => {
    const paying = run(...typed, { type: "shipping-done" });
    expect(paying.step).toBe("payment");
    const reviewing = checkoutReducer(paying, { type: "payment-done" });
    expect(reviewing.step).toBe("review");
  });

  it("a saved address is enough for the shipping step", () => {
    const state = run(
      { type: "choose-address", address: { kind: "saved", addressId: "a1" } },
      { type: "shipping-done" },
    );
    expect(state.step).toBe("payment");
    expect(addressForOrder(state)).toEqual({ addressId: "a1", shippingAddress: null });
  });

  it("can go back to an earlier step but not jump ahead", () => {
    expect(run({ type: "go-to", step: "review" }).step).toBe("shipping");
    const reviewing = run(...typed, { type: "shipping-done" }, { type: "payment-done" });
    expect(checkoutReducer(reviewing, { type: "go-to", step: "shipping" }).step).toBe("shipping");
  });

  it("sends a typed address trimmed, with empty optional fields as null", () => {
    const state = run(...typed, { type: "edit-address", field: "country", value: "us " });
    expect(addressForOrder(state)).toEqual({
      addressId: null,
      shippingAddress: expect.objectContaining({
        firstName: "Ana",
        country: "US",
        address2: null,
        state: null,
      }),
    });
  });
});

describe("required address fields", () => {
  it("names each empty required field, the phone only when the courier needs it", () => {
    const state = run(...typed, { type: "edit-address", field: "phone", value: " " });
    expect(missingAddressFields(state.draft, true)).toEqual({ phone: "Required." });
    expect(missingAddressFields(state.draft, false)).toEqual({});
    expect(Object.keys(missingAddressFields(INITIAL_STATE.draft, false))).toEqual([
      "firstName",
      "lastName",
      "address1",
      "city",
      "postalCode",
    ]);
  });
});

describe("one order per attempt", () => {
  const keys = () => {
    let n = 0;
    return () => `key-${++n}`;
  };

  it("keeps the key when the same order is retried", () => {
    const newKey = keys();
    const state = run(...typed);
    const fingerprint = orderFingerprint("cart-1", state);
    const first = keyFor(null, fingerprint, newKey);
    const retry = keyFor(first, orderFingerprint("cart-1", state), newKey);
    expect(first).toMatchObject({ key: "key-1", fresh: true });
    expect(retry).toMatchObject({ key: "key-1", fresh: false });
  });

  it("takes a new key when the address or the method changed", () => {
    const newKey = keys();
    const state = run(...typed);
    const first = keyFor(null, orderFingerprint("cart-1", state), newKey);
    const cod = checkoutReducer(state, { type: "choose-method", method: "cod" });
    expect(keyFor(first, orderFingerprint("cart-1", cod), newKey).key).toBe("key-2");
  });

  it("takes a new key when the cart's contents changed", () => {
    const state = run(...typed);
    expect(orderFingerprint("cart-1", state, "p1x1")).not.toBe(
      orderFingerprint("cart-1", state, "p1x2"),
    );
  });

  it("forgets the key after a refusal that a retry cannot fix", () => {
    const state = run(...typed, { type: "attempt", key: "k", fingerprint: "f" });
    expect(checkoutReducer(state, { type: "forget-attempt" }).attempt).toBeNull();
  });

  it("starts afresh once the order is placed", () => {
    const state = run(...typed, { type: "attempt", key: "k", fingerprint: "f" }, { type: "placed" });
    expect(state.attempt).toBeNull();
    expect(state.step).toBe("shipping");
    expect(state.draft.firstName).toBe("Ana");
  });
});

describe("kept across reloads", () => {
  it("keeps what was typed and the attempt's key, never the card number", () => {
    const store = memoryStore();
    const state: CheckoutState = {
      ...run(...typed, { type: "shipping-done" }, { type: "edit-card", cardNumber: "4242424242424242" }),
      attempt: { key: "k1", fingerprint: "f1" },
    };
    saveCheckout(state, store);
    expect(store.data.get(STORAGE_KEY)).not.toContain("4242");
    const loaded = loadCheckout(store);
    expect(loaded.draft.city).toBe("Springfield");
    expect(loaded.attempt).toEqual({ key: "k1", fingerprint: "f1" });
    expect(loaded.cardNumber).toBe("");
    expect(loaded.step).toBe("payment");
  });

  it("a card order reloaded at review goes back to payment for the card number", () => {
    const store = memoryStore();
    saveCheckout(run(...typed, { type: "shipping-done" }, { type: "payment-done" }), store);
    expect(loadCheckout(store).step).toBe("payment");
  });

  it("ignores what it cannot read", () => {
    const store = memoryStore();
    store.setItem(STORAGE_KEY, "{not json");
    expect(loadCheckout(store)).toEqual(INITIAL_STATE);
  });
});
