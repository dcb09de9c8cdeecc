"""Inventory errors, registered for RPC so callers receive them as themselves."""

from services.common.errors import BazaarError, Conflict, NotFound


class InventoryError(BazaarError):
    """An inventory operation failed."""


class OutOfStock(Conflict, InventoryError):
    """Not enough stock; details = {product_id, requested, available}."""


class StockNotFound(NotFound, InventoryError):
    """No stock record exists for this product."""


class ReservationNotFound(NotFound, InventoryError):
    """No reservation exists for this order."""


class ReservationNotActive(Conflict, InventoryError):
    """The reservation was already released or expired and cannot be committed."""


class NegativeStock(Conflict, InventoryError):
    """The change would leave fewer units on hand than zero, or than are reserved."""


class ProductNotFound(NotFound, InventoryError):
    """No product with this id is the caller's to stock (missing, or another seller's)."""
