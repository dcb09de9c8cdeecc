// The shopper's cart, which lives on the server: a guest's cart by the id kept in localStorage
// ("bazaar.cartId"), a signed-in person's own cart from GET /api/cart. Every figure shown comes
// from the API's answer; the browser never prices anything. After signing in, the guest cart is
// folded into the user's (POST /api/cart/merge) and the guest id forgotten.
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { api, unwrap, type components } from "../../shared/api";
import { ApiError } from "../../shared/errors";
import { useSession } from "../../shared/hooks";
import { useKeyedMutation } from "../../shared/idempotency";
import { getSession } from "../../shared/session";
import {
  CART_MUTATION_SCOPE,
  cartSource,
  countUnits,
  forgetGuestCartId,
  getGuestCartId,
  guestCartToMerge,
  setGuestCartId,
  showChangedCart,
  singleFlight,
  type CartSource,
} from "./cartId";

export type Cart = components["schemas"]["Cart"];
export type CartItem = components["schemas"]["CartItem"];

// -- the guest id, observable so the badge follows a cart created in this tab or another -------

const guestListeners = new Set<() => void>();
let guestId: string | null = getGuestCartId();

function notifyGuest() {
  guestId = getGuestCartId();
  guestListeners.forEach((notify) => notify());
}

function rememberGuest(id: string) {
  setGuestCartId(id);
  notifyGuest();
}

function forgetGuest() {
  forgetGuestCartId();
  notifyGuest();
}

if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key === null || event.key === "bazaar.cartId") notifyGuest();
  });
}

function useGuestCartId(): string | null {
  return useSyncExternalStore(
    (listener) => {
      guestListeners.add(listener);
      return () => guestListeners.delete(listener);
    },
    () => guestId,
    () => null,
  );
}

// -- loading ------------------------------------------------------------------------------------

export const CART_KEY = ["cart"] as const;

function keyOf(source: CartSource) {
  if (source.kind === "user") return [...CART_KEY, "user", source.userId] as const;
  if (source.kind === "guest") return [...CART_KEY, "guest", source.cartId] as const;
  return [...CART_KEY, "none"] as const;
}

/** The cart itself is gone (expired, merged): not a missing product or coupon, also 404s. */
function isCartGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === "CART_NOT_FOUND";
}

/**
 * The signed-in person's cart, with any guest cart of this browser merged in first (so a sign-in
 * by any path, including the redirect after a 401, keeps what the guest had put in the cart).
 */
async function loadUserCart(): Promise<Cart> {
  // the sign-in page and the header both ask right after sign-in: one merge between them
  if (getGuestCartId()) return mergeOnce();
  return unwrap(api.GET("/api/cart"));
}

const mergeOnce = singleFlight(() => mergeThenLoad());

async function mergeThenLoad(): Promise<Cart> {
  const guest = getGuestCartId();
  const userId = getSession()?.user?.id ?? null;
  const toMerge = guestCartToMerge(userId, guest);
  if (toMerge) {
    try {
      const merged = await unwrap(api.POST("/api/cart/merge", { body: { guestCartId: toMerge } }));
      forgetGuest();
      return merged;
    } catch (error) {
      // a guest cart that expired or was already merged has nothing left to fold in
      if (!isCartGone(error)) throw error;
      forgetGuest();
    }
  }
  return unwrap(api.GET("/api/cart"));
}

async function loadGuestCart(cartId: string): Promise<Cart | null> {
  try {
    return await unwrap(api.GET("/api/cart/{cartId}", { params: { path: { cartId } } }));
  } catch (error) {
    if (isCartGone(error)) {
      forgetGuest();
      return null;
    }
    throw error;
  }
}

function loadCart(source: CartSource): Promise<Cart | null> {
  if (source.kind === "user") return loadUserCart();
  if (source.kind === "guest") return loadGuestCart(source.cartId);
  return Promise.resolve(null);
}

function useCartSource(): CartSource {
  const session = useSession();
  const guest = useGuestCartId();
  return cartSource(session?.user?.id, guest);
}

/** The cart priced now; `data` is null for a guest who has no cart yet. */
export function useCart() {
  const source = useCartSource();
  return useQuery({
    queryKey: keyOf(source),
    queryFn: () => loadCart(source),
    staleTime: 10_000,
  });
}

/** Units in the cart (lines still on sale), for the header badge. */
export function useCartCount(): number {
  const { data } = useCart();
  return countUnits(data?.items);
}

/** Merge the guest cart right after sign-in or registration, and show the merged cart. */
export async function mergeGuestCartAfterSignIn(queryClient: QueryClient): Promise<void> {
  const userId = getSession()?.user?.id;
  if (!userId) return;
  try {
    const cart = await loadUserCart();
    queryClient.setQueryData(keyOf({ kind: "user", userId }), cart);
  } catch {
    // the cart page and badge retry (and merge) when they load it
  }
}

/** Forget cached carts at sign-out: the next person on this browser starts as a guest. */
export function clearCartCache(queryClient: QueryClient) {
  queryClient.removeQueries({ queryKey: CART_KEY });
}

// -- changing -----------------------------------------------------------------------------------

/** A new guest cart; callers that ask while one is being created get that one. */
const createGuestCart = singleFlight(async (): Promise<string> => {
  const cart = await unwrap(api.POST("/api/cart", {}));
  if (!cart.id) throw new ApiError(500, {});
  rememberGuest(cart.id);
  return cart.id;
});

/** This browser's guest cart id, creating the guest cart when it has none (one creation at a
 * time, shared with adding to the cart): what a guest's recently viewed products are kept by. */
export function ensureGuestCartId(): Promise<string> {
  const id = getGuestCartId();
  return id ? Promise.resolve(id) : createGuestCart();
}

/** The id of the cart to change, creating the guest cart when this browser has none. */
async function ensureCartId(queryClient: QueryClient): Promise<string> {
  const session = getSession();
  if (session?.user?.id) {
    const cached = queryClient.getQueryData<Cart>(keyOf({ kind: "user", userId: session.user.id }));
    if (cached?.id) return cached.id;
    const cart = await loadUserCart();
    queryClient.setQueryData(keyOf({ kind: "user", userId: session.user.id }), cart);
    if (!cart.id) throw new ApiError(500, {});
    return cart.id;
  }
  return ensureGuestCartId();
}

function currentSource(): CartSource {
  return cartSource(getSession()?.user?.id, getGuestCartId());
}

/** Run a change on the cart; a guest cart that expired meanwhile is replaced once. */
async function changeCart(
  queryClient: QueryClient,
  change: (cartId: string) => Promise<Cart>,
): Promise<Cart> {
  const cartId = await ensureCartId(queryClient);
  let cart: Cart;
  try {
    cart = await change(cartId);
  } catch (error) {
    if (!isCartGone(error) || getSession()) throw error;
    forgetGuest();
    cart = await change(await createGuestCart());
  }
  await showChangedCart(queryClient, keyOf(currentSource()), cart);
  return cart;
}

/** After a change failed, what the server holds may differ from what is shown: ask again. */
function reloadCartOnError(queryClient: QueryClient) {
  return () => queryClient.invalidateQueries({ queryKey: CART_KEY });
}

// Every change carries an Idempotency-Key taken when the shopper acts (shared/idempotency.ts): a
// double click queued behind the first change, or a retry after a lost answer, is answered with
// the first change's result instead of adding twice.
const KEY = "Idempotency-Key";

/** Add units of a product, creating the guest cart when there is none. */
export function useAddToCart(): {
  add(productId: string, quantity: number): Promise<void>;
  isPending: boolean;
} {
  const queryClient = useQueryClient();
  const mutation = useKeyedMutation({
    scope: CART_MUTATION_SCOPE,
    onError: reloadCartOnError(queryClient),
    send: ({ productId, quantity }: { productId: string; quantity: number }, key) =>
      changeCart(queryClient, (cartId) =>
        unwrap(
          api.POST("/api/cart/{cartId}/items", {
            params: { path: { cartId } },
            headers: { [KEY]: key },
            body: { productId, quantity },
          }),
        ),
      ),
  });
  return {
    add: async (productId, quantity) => {
      await mutation.mutateAsync({ productId, quantity });
    },
    isPending: mutation.isPending,
  };
}

/** Set a line's quantity (0 removes it). */
export function useUpdateLine() {
  const queryClient = useQueryClient();
  return useKeyedMutation({
    scope: CART_MUTATION_SCOPE,
    onError: reloadCartOnError(queryClient),
    send: ({ productId, quantity }: { productId: string; quantity: number }, key) =>
      changeCart(queryClient, (cartId) =>
        unwrap(
          api.PUT("/api/cart/{cartId}/items/{productId}", {
            params: { path: { cartId, productId } },
            headers: { [KEY]: key },
            body: { quantity },
          }),
        ),
      ),
  });
}

export function useRemoveLine() {
  const queryClient = useQueryClient();
  return useKeyedMutation({
    scope: CART_MUTATION_SCOPE,
    onError: reloadCartOnError(queryClient),
    send: (productId: string, key) =>
      changeCart(queryClient, (cartId) =>
        unwrap(
          api.DELETE("/api/cart/{cartId}/items/{productId}", {
            params: { path: { cartId, productId } },
            headers: { [KEY]: key },
          }),
        ),
      ),
  });
}

export function useApplyCoupon() {
  const queryClient = useQueryClient();
  return useKeyedMutation({
    scope: CART_MUTATION_SCOPE,
    onError: reloadCartOnError(queryClient),
    send: (code: string, key) =>
      changeCart(queryClient, (cartId) =>
        unwrap(
          api.POST("/api/cart/{cartId}/coupon", {
            params: { path: { cartId } },
            headers: { [KEY]: key },
            body: { code },
          }),
        ),
      ),
  });
}

export function useRemoveCoupon() {
  const queryClient = useQueryClient();
  return useKeyedMutation({
    scope: CART_MUTATION_SCOPE,
    onError: reloadCartOnError(queryClient),
    send: (_: void, key) =>
      changeCart(queryClient, (cartId) =>
        unwrap(
          api.DELETE("/api/cart/{cartId}/coupon", { params: { path: { cartId } }, headers: { [KEY]: key } }),
        ),
      ),
  });
}

/** After an order is placed the server empties the cart: show it fresh. */
export function refreshCart(queryClient: QueryClient) {
  return queryClient.invalidateQueries({ queryKey: CART_KEY });
}
