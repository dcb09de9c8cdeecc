// How a product's availability reads to a shopper. The numbers come from the API (inStock,
// available); this only chooses the words.

/** At or below this many units the page says "Only N left". */
export const FEW_LEFT = 5;

export interface StockState {
  label: string;
  tone: "ok" | "warn" | "bad";
  canBuy: boolean;
}

export function stockState(product: { inStock?: boolean; available?: number }): StockState {
  const available = product.available ?? (product.inStock ? undefined : 0);
  if (product.inStock === false || available === 0 || (available !== undefined && available < 0)) {
    return { label: "Out of stock", tone: "bad", canBuy: false };
  }
  if (available !== undefined && available <= FEW_LEFT) {
    return { label: `Only ${available} left`, tone: "warn", canBuy: true };
  }
  return { label: "In stock", tone: "ok", canBuy: true };
}

/** The most a shopper can choose in the quantity field (the API checks again when adding). */
export function maxQuantity(product: { available?: number }, cap = 99): number {
  const available = product.available ?? cap;
  return Math.max(1, Math.min(cap, available));
}
