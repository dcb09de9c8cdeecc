import { stockState } from "./stock";
import { useStorefrontConfig } from "./storefrontConfig";

export function StockStatus({ product }: { product: { inStock?: boolean; available?: number } }) {
  const { data: config } = useStorefrontConfig();
  const state = stockState(product, { fewLeft: config?.fewLeft });
  return <span className={`badge badge-${state.tone}`}>{state.label}</span>;
}
