"""The payments service's dependencies: the providers built from configuration, and the orders
service as reconciliation asks it (adapters of the ports in `domain`)."""

from __future__ import annotations

from typing import Any

import stripe
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider

from services.common.config import PAYMENTS
from services.common.database import worker_database
from services.common.errors import BazaarError
from services.common.rpc import remote_error_name
from services.payments import domain, webhooks
from services.payments.providers import CashOnDelivery, SimulatedProvider, StripeProvider

# config PAYMENTS: {provider, webhook_secret, webhook_tolerance, stripe: {...}}
DEV_WEBHOOK_SECRET = "whsec_bazaar_development_only"
# what orders' get_order raises for an order it does not have, registered here or not
ORDER_NOT_FOUND = ("OrderNotFound", "NotFound")


class Providers(domain.Providers):
    """What `PaymentProviders` injects: the configured card provider and cash on delivery (the
    simulated provider keeps its intents in the worker's session, the repository's), and the
    webhooks' signatures (`webhooks`, with the configured secret and tolerance)."""

    def __init__(
        self,
        card_name: str,
        stripe_client,
        webhook_secret: str,
        tolerance: int,
        publishable_key: str | None = None,
        session=None,
    ):
        self.card_name = card_name
        self.publishable_key = publishable_key
        self.stripe_client = stripe_client
        self.webhook_secret = webhook_secret
        self.tolerance = tolerance
        self.session = session

    def get(self, name: str) -> domain.PaymentProvider:
        if name == "cod":
            return CashOnDelivery()
        if name == "stripe":
            return StripeProvider(self.stripe_client)
        return SimulatedProvider(self.session)

    def verify_webhook(self, payload: str | bytes, signature: str | None) -> dict[str, Any]:
        return webhooks.verify(payload, signature, self.webhook_secret, tolerance=self.tolerance)

    def sign_webhook(self, payload: str) -> str:
        return webhooks.sign(payload, self.webhook_secret)


class PaymentProviders(DependencyProvider):
    """Builds the Stripe client once (`setup`), from config `PAYMENTS`; refuses to run the stripe
    provider without an API key or with the development webhook secret. The service class needs
    a `Database` provider: the simulated provider works in the worker's session."""

    def setup(self):
        self.database = worker_database(self.container, "PaymentProviders")
        settings = self.container.config.get(PAYMENTS) or {}
        self.card_name = settings.get("provider") or "simulated"
        if self.card_name not in ("simulated", "stripe"):
            raise ValueError(f"PAYMENTS.provider must be simulated or stripe, not {self.card_name}")
        self.webhook_secret = str(settings.get("webhook_secret") or DEV_WEBHOOK_SECRET)
        self.tolerance = int(settings.get("webhook_tolerance") or 300)
        self.stripe_client = None
        options = settings.get("stripe") or {}
        self.publishable_key = str(options.get("publishable_key") or "") or None
        if self.card_name == "stripe":
            if not options.get("api_key"):
                raise ValueError("PAYMENTS.stripe.api_key (STRIPE_API_KEY) is required")
            if self.webhook_secret == DEV_WEBHOOK_SECRET:
                raise ValueError("set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret")
            base = options.get("api_base")
            self.stripe_client = stripe.StripeClient(
                str(options["api_key"]),
                base_addresses={"api": str(base)} if base else None,
                max_network_retries=int(options.get("max_network_retries", 2)),
            )

    def get_dependency(self, worker_ctx):
        return Providers(
            self.card_name,
            self.stripe_client,
            self.webhook_secret,
            self.tolerance,
            self.publishable_key,
            self.database.get_dependency(worker_ctx).session,
        )


class RpcOrders(domain.Orders):
    """The orders service over its RPC proxy: one `get_order` per order id (as an admin); an
    order orders does not have is None."""

    def __init__(self, orders_rpc):
        self.orders_rpc = orders_rpc

    def find_orders(self, order_ids: list[str]) -> dict[str, dict[str, Any] | None]:
        found: dict[str, dict[str, Any] | None] = {}
        for order_id in order_ids:
            try:
                found[order_id] = self.orders_rpc.get_order(order_id, None, True)
            except (BazaarError, RemoteError) as exc:
                if remote_error_name(exc) not in ORDER_NOT_FOUND:
                    raise
                found[order_id] = None
        return found
