import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { messageOf } from "../../shared/errors";
import { useToast } from "../../shared/ui/Toasts";
import { useAddToCart } from "../cart/cart";
import { maxQuantity, stockState } from "./stock";
import { useStorefrontConfig } from "./storefrontConfig";

/** Quantity and "Add to cart"; the cart (and a guest's cart id) is the cart area's business. */
export function AddToCartForm({
  product,
}: {
  product: { id?: string; name?: string; inStock?: boolean; available?: number };
}) {
  const { add, isPending } = useAddToCart();
  const toast = useToast();
  const [quantity, setQuantity] = useState("1");
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState(false);
  const { data: config } = useStorefrontConfig();
  const state = stockState(product, { fewLeft: config?.fewLeft });
  const max = maxQuantity(product, config?.maxPerLine);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const n = Number(quantity);
    if (!Number.isInteger(n) || n < 1) {
      setError("Choose a quantity of 1 or more.");
      return;
    }
    setError(null);
    setAdded(false);
    try {
      await add(product.id as string, n);
      setAdded(true);
      toast(`${product.name} added to your cart`, "success");
    } catch (failure) {
      const message = messageOf(failure);
      // the API's messages ("only 3 of ... available") begin in lower case
      setError(message.charAt(0).toUpperCase() + message.slice(1));
    }
  }

  if (!state.canBuy) {
    return <p className="notice notice-warn">Out of stock: this product cannot be bought right now.</p>;
  }
  return (
    <form className="add-to-cart" onSubmit={onSubmit} noValidate>
      <div className={error ? "field field-invalid quantity-field" : "field quantity-field"}>
        <label htmlFor="quantity">Quantity</label>
        <input
          id="quantity"
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          step={1}
          value={quantity}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "quantity-error" : undefined}
          onChange={(event) => setQuantity(event.target.value)}
        />
      </div>
      <button type="submit" className="button add-to-cart-button" disabled={isPending}>
        {isPending ? "Adding…" : "Add to cart"}
      </button>
      {error ? (
        <p id="quantity-error" className="field-error add-to-cart-message" role="alert">
          {error}
        </p>
      ) : null}
      {added ? (
        <p className="add-to-cart-message small" role="status">
          Added. <Link to="/cart">View cart</Link>
        </p>
      ) : null}
    </form>
  );
}
