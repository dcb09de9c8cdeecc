"""Errors the cart service raises; callers receive them as themselves (see common.errors).

Coupon errors carry `details.code` (the coupon code) plus what explains the refusal (the minimum
subtotal, the window...), so a client can tell the shopper exactly why a code did not apply.
"""

from services.common.errors import BazaarError, Conflict, NotFound, ValidationFailed


class CartError(BazaarError):
    """Base of the cart service's errors."""


class CartNotFound(CartError, NotFound):
    """No such cart, it expired, or it belongs to someone else."""


class CartItemNotFound(CartError, NotFound):
    """The cart has no line for this product."""


class ProductUnavailable(CartError, Conflict):
    """The product does not exist or is not on sale (not active)."""


class InsufficientStock(CartError, Conflict):
    """Not enough stock; details = {product_id, name, requested, available, in_cart}."""


class LineLimitExceeded(CartError, ValidationFailed):
    """The quantity of one line exceeds the per-line maximum; details = {product_id, max}."""


class CurrencyMismatch(CartError, Conflict):
    """The product is priced in another currency than the cart."""


class CouponError(CartError):
    """Base of the coupon errors; details carry the `code`."""


class CouponNotFound(CouponError, NotFound):
    """No coupon with this code."""


class CouponInactive(CouponError):
    """The coupon has been switched off."""


class CouponExpired(CouponError):
    """The coupon's validity window has ended."""


class CouponNotYetValid(CouponError):
    """The coupon's validity window has not started."""


class CouponExhausted(CouponError, Conflict):
    """The coupon has reached its global usage limit."""


class CouponAlreadyUsed(CouponError, Conflict):
    """This customer has used the coupon as many times as allowed."""


class CouponMinimumNotMet(CouponError, Conflict):
    """The subtotal is below the coupon's minimum; details = {code, minimum, subtotal, currency}."""


class CouponCodeTaken(CouponError, Conflict):
    """Another coupon already has this code."""
