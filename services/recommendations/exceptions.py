"""Errors the recommendations service raises; callers receive them as themselves (see
common.errors)."""

from services.common.errors import BazaarError, NotFound


class RecommendationsError(BazaarError):
    """Base of the recommendations service's errors."""


class ProductUnknown(RecommendationsError, NotFound):
    """The recommendations service holds no card for this product."""


class CategoryUnknown(RecommendationsError, NotFound):
    """No category has this id or slug."""
