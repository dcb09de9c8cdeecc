import { describe, expect, it } from "vitest";
import {
  CART_ID_KEY,
  cartLinkLabel,
  cartSource,
  countUnits,
  forgetGuestCartId,
  getGuestCartId,
  guestCartToMerge,
  setGuestCartId,
} from "./cartId";

function memoryStore() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
  };
}

describe("the guest cart id", () => {
  it("is kept under bazaar.cartId and forgotten on request", () => {
    const store = memoryStore();
    expect(getGuestCartId(store)).toBeNull();
    setGuestCartId("c-1", store);
    expect(store.data.get(CART_ID_KEY)).toBe("c-1");
    expect(getGuestCartId(store)).toBe("c-1");
    forgetGuestCartId(store);
    expect(getGuestCartId(store)).toBeNull();
  });

  it("survives a storage that throws", () => {
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
      removeItem: () => {
        throw new Error("denied");
      },
    };
    expect(getGuestCartId(broken)).toBeNull();
    expect(() => setGuestCartId("x", broken)).not.toThrow();
    expect(() => forgetGuestCartId(broken)).not.toThrow();
  });
});

describe("which cart is shown", () => {
  it("a signed-in person sees their own cart, a guest the stored one", () => {
    expect(cartSource("u-1", "c-1")).toEqual({ kind: "user", userId: "u-1" });
    expect(cartSource(null, "c-1")).toEqual({ kind: "guest", cartId: "c-1" });
    expect(cartSource(undefined, null)).toEqual({ kind: "none" });
  });
});

describe("merging at sign-in", () => {
  it("merges a guest cart into the signed-in person's", () => {
    expect(guestCartToMerge("u-1", "c-guest")).toBe("c-guest");
  });

  it("has nothing to merge without a guest cart, a user, or when it is already theirs", () => {
    expect(guestCartToMerge("u-1", null)).toBeNull();
    expect(guestCartToMerge(null, "c-guest")).toBeNull();
    expect(guestCartToMerge("u-1", "c-1", "c-1")).toBeNull();
  });
});

describe("the cart badge", () => {
  it("counts units of the lines still on sale", () => {
    expect(
      countUnits([
        { quantity: 2, available: true },
        { quantity: 1, available: false },
        { quantity: 3 },
      ]),
    ).toBe(5);
    expect(countUnits(undefined)).toBe(0);
  });

  it("names the link with its count", () => {
    expect(cartLinkLabel(0)).toBe("Cart, empty");
    expect(cartLinkLabel(1)).toBe("Cart, 1 item");
    expect(cartLinkLabel(3)).toBe("Cart, 3 items");
  });
});
