"""What the notifications use cases deliver through: the postman (templates + transport), the
live-push publisher, and the other services' records over RPC. The sent log and the inbox are in
repository.py."""

from __future__ import annotations

import json
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider

from services.common.config import MAIL
from services.common.errors import NotFound, ServiceUnavailable
from services.common.redis import RedisClient
from services.notifications import domain, schemas
from services.notifications.mail import (
    Rendered,
    Templates,
    build_message,
    sender_from_config,
    storefront_url,
    transport_from_config,
)
from services.notifications.models import Email

PUSH_DEDUPE_TTL = 24 * 3600
RPC_ATTEMPTS = 3


class Postman(domain.Postman):
    """Renders an email kind and delivers a logged email through the configured transport."""

    def __init__(
        self, templates: Templates, transport, sender: str, settings: dict, storefront_url: str
    ):
        self.templates = templates
        self.transport = transport
        self.sender = sender
        self.max_attempts = int(settings.get("max_attempts", 6))
        self.retry_base = float(settings.get("retry_base", 2))
        self.retry_cap = float(settings.get("retry_cap", 600))
        self.storefront_url = storefront_url.rstrip("/")

    def render(self, kind: str, context: dict) -> Rendered:
        return self.templates.render(kind, context)

    def deliver(self, email: Email) -> None:
        message = build_message(
            sender=self.sender,
            to=email.to_address,
            rendered=Rendered(
                email.subject, email.text_body, email.html_body, email.list_unsubscribe
            ),
            message_id=email.message_id,
            headers={"X-Bazaar-Event": email.event_type},
        )
        self.transport.send(message)

    def retry_delay(self, attempts: int) -> float:
        return domain.retry_delay(attempts, self.retry_base, self.retry_cap)


class PostOffice(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.postman = Postman(
            Templates(),
            transport_from_config(config),
            sender_from_config(config),
            config.get(MAIL) or {},
            storefront_url(config),
        )

    def get_dependency(self, worker_ctx):
        return self.postman


class Pusher(domain.Pusher):
    """Publishes live updates on Redis pub/sub, once per (event, channel)."""

    def __init__(self, client):
        self.client = client

    def push(
        self, channel: str, event_type: str, data: dict, entry: Any | None, dedupe: str | None
    ) -> bool:
        """Publish `schemas.dump_push`; with a `dedupe` key, only the first time (for pushes no
        row records)."""
        key = f"push:sent:{dedupe}:{channel}"
        if dedupe and not self.client.set(key, 1, nx=True, ex=PUSH_DEDUPE_TTL):
            return False
        message = schemas.dump_push(event_type, data, entry)
        self.client.publish(channel, json.dumps(message, default=str))
        return True


class LivePush(DependencyProvider):
    shared = RedisClient()

    def get_dependency(self, worker_ctx):
        return Pusher(self.shared.client)


class RpcDirectory(domain.Directory):
    """Users and unsubscribe links, orders, products and carts from the accounts, orders,
    catalog and cart services' proxies."""

    def __init__(self, accounts_rpc, orders_rpc, catalog_rpc, cart_rpc):
        self.accounts_rpc = accounts_rpc
        self.orders_rpc = orders_rpc
        self.catalog_rpc = catalog_rpc
        self.cart_rpc = cart_rpc

    def admins(self) -> dict:
        return _call(self.accounts_rpc.list_users, page=1, limit=100, role="admin")

    def user(self, user_id: str) -> dict:
        return _call(self.accounts_rpc.get_user, user_id)

    def order(self, order_id: str) -> dict | None:
        return _call(self.orders_rpc.get_order, order_id, is_admin=True)

    def product(self, product_id: str) -> dict:
        return _call(self.catalog_rpc.get_product, product_id)

    def cart(self, cart_id: str, user_id: str) -> dict | None:
        try:
            return _call(self.cart_rpc.get_cart, cart_id, user_id)
        except NotFound:  # CartNotFound: expired, deleted, or not this user's
            return None

    def unsubscribe_token(self, user_id: str) -> str:
        return _call(self.accounts_rpc.unsubscribe_token, user_id, "cart_reminders")


def _call(method, *args, **kwargs):
    """An RPC that a slow or restarting service gets a few chances to answer."""
    for attempt in range(1, RPC_ATTEMPTS + 1):
        try:
            return method(*args, **kwargs)
        except ServiceUnavailable:
            if attempt == RPC_ATTEMPTS:
                raise
            eventlet.sleep(0.2 * attempt)
    raise AssertionError("unreachable")
