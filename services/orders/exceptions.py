"""Errors the orders service raises; callers receive them as themselves (see common.errors)."""

from services.common.errors import BazaarError, Conflict, NotFound, ValidationFailed


class OrdersError(BazaarError):
    """Base of the orders service's errors."""


class OrderNotFound(OrdersError, NotFound):
    """No such order, or not the caller's to see."""


class OutOfStock(OrdersError, Conflict):
    """A product of the cart has not enough stock; details name product_id, requested, available.
    The order was cancelled with reason `out_of_stock`."""


class CartEmpty(OrdersError, Conflict):
    """The cart has no lines to order."""


class ProductUnavailable(OrdersError, Conflict):
    """A product of the cart is no longer sold; details name product_id."""


class IllegalTransition(OrdersError, Conflict):
    """The order cannot move from its current status to the one asked for."""


class NotCancellable(IllegalTransition):
    """The order has shipped (or ended) and can no longer be cancelled."""


class InvalidAddress(OrdersError, ValidationFailed):
    """The shipping address is invalid; details.fields names the bad fields."""


class CouponUnavailable(OrdersError, Conflict):
    """The cart's coupon can no longer be redeemed; the order was cancelled."""
