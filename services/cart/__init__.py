"""The cart service: carts in Redis (guest and user, with TTL), coupons and their redemptions in
PostgreSQL, and the pricing of a cart (subtotal, discount, tax, shipping, total)."""
