import { useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { useSession } from "../../shared/hooks";
import { useLiveMessages } from "../../shared/live";
import { cartLinkLabel } from "./cartId";
import { refreshCart, useCartCount } from "./cart";

/** The header's cart link with the number of units in it. */
export function CartLink() {
  const units = useCartCount();
  const session = useSession();
  return (
    <>
      {session ? <CartFollowsOrders /> : null}
      <CartLinkView units={units} />
    </>
  );
}

/** The server empties the cart when an order is confirmed (paid): the badge follows it live. */
function CartFollowsOrders() {
  const queryClient = useQueryClient();
  useLiveMessages((message) => {
    if (message.type === "reconnected") void refreshCart(queryClient);
    if (message.type === "order_confirmed") void refreshCart(queryClient);
  });
  return null;
}

function CartLinkView({ units }: { units: number }) {
  return (
    <Link to="/cart" className="cart-link" aria-label={cartLinkLabel(units)}>
      <svg aria-hidden="true" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <circle cx="9" cy="20" r="1.5" />
        <circle cx="18" cy="20" r="1.5" />
        <path d="M2 3h3l2.7 12.2a2 2 0 0 0 2 1.6h7.8a2 2 0 0 0 2-1.5L21 8H6" />
      </svg>
      <span className="cart-link-text">Cart</span>
      {units > 0 ? (
        // the count is drawn by CSS from data-count: the link's name already says it in words
        <span className="cart-badge" data-count={units > 99 ? "99+" : String(units)} aria-hidden="true" />
      ) : null}
    </Link>
  );
}
