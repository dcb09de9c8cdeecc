import { stockState } from "./stock";

export function StockStatus({ product }: { product: { inStock?: boolean; available?: number } }) {
  const state = stockState(product);
  return <span className={`badge badge-${state.tone}`}>{state.label}</span>;
}
