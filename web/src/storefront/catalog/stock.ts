// How a product's availability reads to a shopper. The numbers come from the API: the product's
// inStock and available, and from the storefront config (GET /api/storefront/config) fewLeft and
// maxPerLine; this only chooses the words.

export interface StockState {
  label: string;
  tone: "ok" | "warn" | "bad";
  canBuy: boolean;
}

/** The storefront config's limits; absent while it loads (then nothing is claimed about them). */
export interface StockLimits {
  fewLeft?: number;
  maxPerLine?: number;
}

export function stockState(
  product: { inStock?: boolean; available?: number },
  limits: StockLimits = {},
): StockState {
  const available = product.available ?? (product.inStock ? undefined : 0);
  if (product.inStock === false || available === 0 || (available !== undefined && available < 0)) {
    return { label: "Out of stock", tone: "bad", canBuy: false };
  }
  if (available !== undefined && limits.fewLeft !== undefined && available <= limits.fewLeft) {
    return { label: `Only ${available} left`, tone: "warn", canBuy: true };
  }
  return { label: "In stock", tone: "ok", canBuy: true };
}

/**
 * The most a shopper can choose in a quantity field: what is available, within the cart's
 * per-line maximum; undefined when neither is known (the API checks again when adding).
 */
export function maxQuantity(product: { available?: number }, maxPerLine?: number): number | undefined {
  const limits = [product.available, maxPerLine].filter((n): n is number => n !== undefined);
  if (!limits.length) return undefined;
  return Math.max(1, Math.min(...limits));
}
