"""Errors the payments service raises; callers receive them as themselves (see common.errors)."""

from services.common.errors import BazaarError, Conflict, NotFound, ValidationFailed


class PaymentsError(BazaarError):
    """Base of the payments service's errors."""


class PaymentNotFound(PaymentsError, NotFound):
    """No payment for this order or intent (or not the caller's)."""


class InvalidSignature(PaymentsError, ValidationFailed):
    """The webhook's signature is missing, wrong, or its timestamp is too old or in the future."""


class InvalidWebhook(PaymentsError, ValidationFailed):
    """The webhook body is not a provider event."""


class PaymentDeclined(PaymentsError):
    """The card was declined; details.reason says why (card_declined, insufficient_funds)."""


class UnknownTestCard(PaymentsError, ValidationFailed):
    """The simulated provider accepts only its test card numbers."""


class NotSimulated(PaymentsError, Conflict):
    """Confirming by card number exists only with the simulated provider."""


class PaymentNotConfirmable(PaymentsError, Conflict):
    """The payment is not awaiting confirmation (failed, refunded or cash on delivery)."""


class PaymentNotRefundable(PaymentsError, Conflict):
    """Nothing can be refunded: the payment is not captured, or the amount exceeds what remains."""


class ProviderError(PaymentsError):
    """The payment provider refused or failed the request; details carry its code."""
