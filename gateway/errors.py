"""The one table that turns exceptions into HTTP errors, and the gateway's own exceptions.

`ERRORS` maps an exception type to (status, CODE); lookup walks the exception's MRO, so a service's
specific error can have its own row while its family (`NotFound`, `Conflict`...) gives the fallback.
Anything not in the table is a 500 `INTERNAL_ERROR` that carries the request id and no internals.
"""

from __future__ import annotations

import logging
from typing import Any

from nameko.exceptions import UnknownService

from services.accounts import exceptions as accounts
from services.cart import exceptions as cart
from services.catalog import exceptions as catalog
from services.common.deadletter import DeadLetterNotFound
from services.common.errors import (
    BazaarError,
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from services.common.idempotency import IdempotencyKeyReused, RequestInFlight
from services.common.rpc import RpcTimeout
from services.inventory import exceptions as inventory
from services.media import exceptions as media
from services.moderation import exceptions as moderation
from services.notifications import exceptions as notifications
from services.orders import exceptions as orders
from services.payments import exceptions as payments
from services.recommendations import exceptions as recommendations
from services.reviews import exceptions as reviews

log = logging.getLogger(__name__)


class HttpError(BazaarError):
    """Raised by the gateway itself, before or after the RPC."""


class Unauthorized(HttpError):
    """Authentication is required, or the token is invalid."""


class MalformedJson(HttpError):
    """The body is not valid JSON."""


class UnsupportedMediaType(HttpError):
    """The body's content type is not accepted here."""


class PayloadTooLarge(HttpError):
    """The body exceeds the size this route accepts."""


class RouteNotFound(HttpError):
    """No route matches this path."""


class MethodNotAllowed(HttpError):
    """The path exists, but not with this method."""


class RateLimited(HttpError):
    """Too many requests; `details.retryAfter` says how many seconds to wait."""


ERRORS: dict[type[BaseException], tuple[int, str]] = {
    # the gateway's own
    Unauthorized: (401, "UNAUTHORIZED"),
    MalformedJson: (400, "MALFORMED_JSON"),
    UnsupportedMediaType: (415, "UNSUPPORTED_MEDIA_TYPE"),
    PayloadTooLarge: (413, "PAYLOAD_TOO_LARGE"),
    RouteNotFound: (404, "ROUTE_NOT_FOUND"),
    MethodNotAllowed: (405, "METHOD_NOT_ALLOWED"),
    RateLimited: (429, "RATE_LIMITED"),
    # families every service's errors belong to
    ValidationFailed: (400, "VALIDATION_ERROR"),
    NotFound: (404, "NOT_FOUND"),
    Conflict: (409, "CONFLICT"),
    Forbidden: (403, "FORBIDDEN"),
    RpcTimeout: (503, "SERVICE_TIMEOUT"),
    ServiceUnavailable: (503, "SERVICE_UNAVAILABLE"),
    UnknownService: (503, "SERVICE_UNAVAILABLE"),
    BazaarError: (400, "BAD_REQUEST"),
    # accounts
    accounts.EmailTaken: (409, "EMAIL_TAKEN"),
    accounts.WeakPassword: (400, "WEAK_PASSWORD"),
    accounts.InvalidCredentials: (401, "INVALID_CREDENTIALS"),
    accounts.AccountDisabled: (403, "ACCOUNT_DISABLED"),
    accounts.InvalidRefreshToken: (401, "INVALID_REFRESH_TOKEN"),
    accounts.RefreshTokenReused: (401, "REFRESH_TOKEN_REUSED"),
    accounts.InvalidResetToken: (400, "INVALID_RESET_TOKEN"),
    accounts.UserNotFound: (404, "USER_NOT_FOUND"),
    accounts.AddressNotFound: (404, "ADDRESS_NOT_FOUND"),
    accounts.OwnAdminAccess: (409, "OWN_ADMIN_ACCESS"),
    accounts.LastActiveAdmin: (409, "LAST_ACTIVE_ADMIN"),
    accounts.InvalidUnsubscribeToken: (400, "INVALID_UNSUBSCRIBE_TOKEN"),
    # cart
    cart.CartNotFound: (404, "CART_NOT_FOUND"),
    cart.CartItemNotFound: (404, "CART_ITEM_NOT_FOUND"),
    cart.ProductUnavailable: (409, "PRODUCT_UNAVAILABLE"),
    cart.InsufficientStock: (409, "INSUFFICIENT_STOCK"),
    cart.LineLimitExceeded: (400, "QUANTITY_LIMIT_EXCEEDED"),
    cart.CurrencyMismatch: (409, "CURRENCY_MISMATCH"),
    cart.CouponNotFound: (404, "COUPON_NOT_FOUND"),
    cart.CouponInactive: (400, "COUPON_INACTIVE"),
    cart.CouponExpired: (400, "COUPON_EXPIRED"),
    cart.CouponNotYetValid: (400, "COUPON_NOT_YET_VALID"),
    cart.CouponExhausted: (409, "COUPON_EXHAUSTED"),
    cart.CouponAlreadyUsed: (409, "COUPON_ALREADY_USED"),
    cart.CouponMinimumNotMet: (409, "COUPON_MINIMUM_NOT_MET"),
    cart.CouponCodeTaken: (409, "COUPON_CODE_TAKEN"),
    # media
    media.ImageTooLarge: (413, "IMAGE_TOO_LARGE"),
    media.UnsupportedImageType: (415, "UNSUPPORTED_IMAGE_TYPE"),
    media.ImageTooManyPixels: (422, "IMAGE_TOO_MANY_PIXELS"),
    media.ImageUnreadable: (422, "IMAGE_UNREADABLE"),
    media.EmptyUpload: (400, "EMPTY_UPLOAD"),
    media.MediaNotFound: (404, "MEDIA_NOT_FOUND"),
    media.ProductNotFound: (404, "PRODUCT_NOT_FOUND"),
    # notifications
    notifications.NotificationNotFound: (404, "NOTIFICATION_NOT_FOUND"),
    # reviews
    reviews.ReviewNotFound: (404, "REVIEW_NOT_FOUND"),
    reviews.ReviewProductNotFound: (404, "PRODUCT_NOT_FOUND"),
    reviews.ReviewExists: (409, "REVIEW_EXISTS"),
    reviews.AlreadyVoted: (409, "ALREADY_VOTED"),
    reviews.OwnReviewVote: (403, "OWN_REVIEW_VOTE"),
    reviews.InvalidReviewStatus: (400, "INVALID_REVIEW_STATUS"),
    # moderation
    moderation.DecisionNotFound: (404, "DECISION_NOT_FOUND"),
    # catalog
    catalog.ProductNotFound: (404, "PRODUCT_NOT_FOUND"),
    catalog.CategoryNotFound: (404, "CATEGORY_NOT_FOUND"),
    catalog.SlugTaken: (409, "SLUG_TAKEN"),
    catalog.CategoryNotEmpty: (409, "CATEGORY_NOT_EMPTY"),
    catalog.InvalidProduct: (400, "VALIDATION_ERROR"),
    # inventory
    inventory.OutOfStock: (409, "OUT_OF_STOCK"),
    inventory.StockNotFound: (404, "STOCK_NOT_FOUND"),
    inventory.ProductNotFound: (404, "PRODUCT_NOT_FOUND"),
    inventory.ReservationNotFound: (404, "RESERVATION_NOT_FOUND"),
    inventory.ReservationNotActive: (409, "RESERVATION_NOT_ACTIVE"),
    inventory.NegativeStock: (409, "INSUFFICIENT_STOCK"),
    # orders
    orders.OrderNotFound: (404, "ORDER_NOT_FOUND"),
    orders.OutOfStock: (409, "OUT_OF_STOCK"),
    orders.CartEmpty: (409, "CART_EMPTY"),
    orders.ProductUnavailable: (409, "PRODUCT_UNAVAILABLE"),
    orders.IllegalTransition: (409, "ILLEGAL_STATUS_TRANSITION"),
    orders.NotCancellable: (409, "ORDER_NOT_CANCELLABLE"),
    orders.InvalidAddress: (400, "INVALID_ADDRESS"),
    orders.CouponUnavailable: (409, "COUPON_UNAVAILABLE"),
    IdempotencyKeyReused: (409, "IDEMPOTENCY_KEY_REUSED"),
    RequestInFlight: (409, "REQUEST_IN_FLIGHT"),
    DeadLetterNotFound: (404, "DEAD_LETTER_NOT_FOUND"),
    # payments
    payments.PaymentNotFound: (404, "PAYMENT_NOT_FOUND"),
    payments.InvalidSignature: (400, "INVALID_SIGNATURE"),
    payments.InvalidWebhook: (400, "INVALID_WEBHOOK"),
    payments.PaymentDeclined: (402, "PAYMENT_DECLINED"),
    payments.UnknownTestCard: (400, "UNKNOWN_TEST_CARD"),
    payments.NotSimulated: (409, "NOT_SIMULATED_PROVIDER"),
    payments.PaymentNotConfirmable: (409, "PAYMENT_NOT_CONFIRMABLE"),
    payments.PaymentNotRefundable: (409, "PAYMENT_NOT_REFUNDABLE"),
    payments.ProviderError: (502, "PAYMENT_PROVIDER_ERROR"),
    # recommendations
    recommendations.ProductUnknown: (404, "PRODUCT_NOT_FOUND"),
    recommendations.CategoryUnknown: (404, "CATEGORY_NOT_FOUND"),
}


def describe(exc: BaseException) -> tuple[int, dict[str, Any]]:
    """(status, body without requestId) for an exception; unknown ones are logged as 500s."""
    for klass in type(exc).__mro__:
        if klass in ERRORS:
            status, code = ERRORS[klass]
            if isinstance(exc, BazaarError):
                return status, {"error": code, "message": exc.message, "details": exc.details}
            return status, {"error": code, "message": str(exc) or code, "details": {}}
    log.error("unmapped error %s", type(exc).__name__, exc_info=exc)
    return 500, {"error": "INTERNAL_ERROR", "message": "Internal server error", "details": {}}
