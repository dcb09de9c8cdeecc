// Where a guest's cart id is kept between visits, and when it must be folded into a user's cart.
// Pure logic with an injectable store so it can be unit-tested without a browser.
import type { QueryClient } from "@tanstack/react-query";

export const CART_ID_KEY = "bazaar.cartId";

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function defaultStore(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The guest cart's id, or null when this browser has none (or storage is unavailable). */
export function getGuestCartId(store: KeyValueStore | null = defaultStore()): string | null {
  try {
    const value = store?.getItem(CART_ID_KEY);
    return value && value.trim() ? value : null;
  } catch {
    return null;
  }
}

export function setGuestCartId(id: string, store: KeyValueStore | null = defaultStore()) {
  try {
    store?.setItem(CART_ID_KEY, id);
  } catch {
    /* private mode: the cart lives for this tab's session only */
  }
}

export function forgetGuestCartId(store: KeyValueStore | null = defaultStore()) {
  try {
    store?.removeItem(CART_ID_KEY);
  } catch {
    /* nothing stored */
  }
}

/**
 * Which cart the browser is looking at: a signed-in person's own cart (GET /api/cart), a guest's
 * stored cart, or none yet (a guest who has added nothing).
 */
export type CartSource =
  | { kind: "user"; userId: string }
  | { kind: "guest"; cartId: string }
  | { kind: "none" };

export function cartSource(userId: string | null | undefined, guestCartId: string | null): CartSource {
  if (userId) return { kind: "user", userId };
  if (guestCartId) return { kind: "guest", cartId: guestCartId };
  return { kind: "none" };
}

/** A guest cart id to merge right after signing in, or null when there is nothing to merge. */
export function guestCartToMerge(
  signedInUserId: string | null | undefined,
  guestCartId: string | null,
  userCartId?: string | null,
): string | null {
  if (!signedInUserId || !guestCartId) return null;
  if (userCartId && userCartId === guestCartId) return null;
  return guestCartId;
}

/** The number shown on the cart badge: units of the lines still on sale. */
export function countUnits(items: ReadonlyArray<{ quantity?: number; available?: boolean }> | undefined): number {
  if (!items) return 0;
  return items.reduce((sum, item) => sum + (item.available === false ? 0 : (item.quantity ?? 0)), 0);
}

export function cartLinkLabel(units: number): string {
  if (units === 0) return "Cart, empty";
  return units === 1 ? "Cart, 1 item" : `Cart, ${units} items`;
}

/**
 * `run`, but callers that ask while it is still running share its promise instead of starting it
 * again (two first adds must not create two guest carts; two loads after sign-in, one merge).
 */
export function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= run().finally(() => {
      pending = null;
    });
    return pending;
  };
}

/**
 * Every cart change runs in this one mutation scope, so they reach the server one after the
 * other: each answer is the whole cart, and the one shown is the answer to the last change.
 */
export const CART_MUTATION_SCOPE = { id: "cart" } as const;

/** Show a change's answer as the cart under `key`. A read of the cart still in flight began
 * before the change (for example the one the header starts when a product page creates the
 * guest cart for a view): it is cancelled first, so it cannot land after the answer and show
 * the cart as it was. */
export async function showChangedCart<T>(
  queryClient: QueryClient,
  key: readonly unknown[],
  cart: T,
): Promise<void> {
  await queryClient.cancelQueries({ queryKey: key });
  queryClient.setQueryData(key, cart);
}
