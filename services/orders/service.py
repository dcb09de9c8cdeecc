"""The orders service: docs/architecture.md#the-order-saga's entrypoints.

Entrypoints only: each RPC or handler loads its arguments, runs one use case of
`usecases.Orders` (the saga, step by step) in a unit of work on the worker's session, and returns
JSON (schemas.dump_*). Events go through the transactional outbox, published by `OutboxRelay`.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.common.actor import Actor
from services.common.config import ORDERS
from services.common.database import Database, Repository, unit_of_work
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import BazaarError
from services.common.messaging import event_handler
from services.common.outbox import OutboxRelay, OutboxWriter
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.common.timer import configured_timer
from services.orders import domain, schemas
from services.orders.dependencies import RpcPeers
from services.orders.models import Base, dead_letters
from services.orders.repository import SqlOrdersRepository
from services.orders.schemas import (
    ListOrdersArgs,
    PaymentEvent,
    PlaceOrderArgs,
    ReservationExpiredEvent,
    StatsArgs,
    TrackingArgs,
    UpdateStatusArgs,
    stored_order_id,
)
from services.orders.usecases import Orders

# Register other services' errors so they arrive as themselves (OutOfStock with its details).
for _module in (
    "services.cart.exceptions",
    "services.inventory.exceptions",
    "services.payments.exceptions",
):
    with contextlib.suppress(ImportError):
        importlib.import_module(_module)


EXPECTED = (BazaarError,)


class OrdersService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "orders"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    repo = Repository(lambda session: SqlOrdersRepository(session, OutboxWriter()))
    config = Config()
    cart_rpc = RpcProxy("cart")
    inventory_rpc = RpcProxy("inventory")
    payments_rpc = RpcProxy("payments")
    accounts_rpc = RpcProxy("accounts")

    @property
    def settings(self) -> dict:
        return self.config.get(ORDERS) or {}

    @contextmanager
    def _orders(self) -> Iterator[Orders]:
        """The use cases over the worker's repository and the other services, in one unit of
        work (the saga also commits its own steps)."""
        orders = Orders(
            repo=self.repo,
            peers=RpcPeers(self.cart_rpc, self.inventory_rpc, self.payments_rpc, self.accounts_rpc),
            present=schemas.dump_order,
            reservation_ttl=int(self.settings.get("reservation_ttl", 900)),
        )
        with unit_of_work(self.db.session):
            yield orders

    # -- checkout ---------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def place_order(
        self,
        user_id,
        cart_id,
        shipping_address=None,
        address_id=None,
        payment_method="card",
        idempotency_key=None,
        request_hash=None,
    ):
        """Run the checkout saga; returns the Order (+ `payment` {intent_id, client_secret} for
        cards). Raises OutOfStock, CartEmpty, IdempotencyKeyReused, RequestInFlight..."""
        args = load(
            PlaceOrderArgs(),
            {
                "user_id": user_id,
                "cart_id": cart_id,
                "shipping_address": shipping_address,
                "address_id": address_id,
                "payment_method": payment_method,
                "idempotency_key": idempotency_key,
                "request_hash": request_hash,
            },
        )
        with self._orders() as orders:
            return orders.place_order(args)

    # -- reads ------------------------------------------------------------------------------

    # `actor` ({user_id, role} of the person asking, services.common.actor; None: the platform
    # itself) narrows what staff see: a seller sees and changes only the orders holding a line of
    # their products; another order is OrderNotFound, as for a customer.

    @rpc(expected_exceptions=EXPECTED)
    def get_order(self, order_id, user_id=None, is_admin=False, actor=None):
        """The Order; another customer's order raises OrderNotFound."""
        who = Actor.load(actor)
        with self._orders() as orders:
            return schemas.dump_order(orders.get_order(order_id, user_id, bool(is_admin), who))

    @rpc(expected_exceptions=EXPECTED)
    def get_history(self, order_id, user_id=None, is_admin=False, actor=None):
        """[{from_status, to_status, changed_by, reason, created_at}], oldest first."""
        who = Actor.load(actor)
        with self._orders() as orders:
            return schemas.dump_history(orders.history(order_id, user_id, bool(is_admin), who))

    @rpc(expected_exceptions=EXPECTED)
    def list_orders(
        self,
        user_id=None,
        status=None,
        date_from=None,
        date_to=None,
        page=1,
        limit=20,
        seller_id=None,
        actor=None,
    ):
        """Page[Order], newest first; `user_id` limits to one customer's orders, `seller_id` to
        those holding a line of that seller's products (always the actor's own for a seller)."""
        who = Actor.load(actor)
        query = load(
            ListOrdersArgs(),
            {
                "user_id": user_id,
                "status": status,
                "date_from": date_from,
                "date_to": date_to,
                "page": page,
                "limit": limit,
                "seller_id": domain.seller_filter(who, seller_id),
            },
        )
        with self._orders() as orders:
            return schemas.dump_order_page(orders.list_orders(query))

    @rpc
    def has_purchased(self, user_id, product_id):
        """True when an order of the user, confirmed or later, contains the product."""
        with self._orders() as orders:
            return orders.has_purchased(user_id, product_id)

    @rpc(expected_exceptions=EXPECTED)
    def get_admin_order(self, order_id, actor=None):
        """Staff view of an Order: plus `allowed_transitions` (the statuses staff may set now),
        `refundable_amount` (minor units) and `timeline` (status changes and payment events,
        oldest first). Payment events are left out (`payment_events_unavailable`) when payments
        does not answer in time."""
        who = Actor.load(actor)
        with self._orders() as orders:
            return schemas.dump_admin_order(orders.admin_order(order_id, who))

    @rpc(expected_exceptions=EXPECTED)
    def stats(self, days=30, top=10):
        """{revenue_per_day (each of the last `days` days, 1-366), orders_by_status,
        top_products (at most `top`, 1-100), average_order_value, currency, orders_counted}."""
        args = load(StatsArgs(), {"days": days, "top": top})
        with self._orders() as orders:
            return schemas.dump_stats(orders.stats(args["days"], args["top"]))

    # -- changes ----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def cancel_order(
        self,
        order_id,
        user_id=None,
        reason=None,
        is_admin=False,
        idempotency_key=None,
        request_hash=None,
    ):
        """Cancel before shipping: stock released, refunded when paid."""
        order_id = stored_order_id(order_id)
        with self._orders() as orders:
            return orders.cancel_order(
                order_id, user_id, reason, bool(is_admin), idempotency_key, request_hash
            )

    @rpc(expected_exceptions=EXPECTED)
    def update_status(
        self,
        order_id,
        status,
        user_id,
        note=None,
        idempotency_key=None,
        request_hash=None,
        actor=None,
    ):
        """Staff: processing, shipped, delivered or cancelled; an illegal move raises."""
        order_id = stored_order_id(order_id)
        who = Actor.load(actor)
        args = load(UpdateStatusArgs(), {"status": status, "note": note})
        with self._orders() as orders:
            return orders.update_status(
                order_id, args["status"], user_id, args["note"], who, idempotency_key, request_hash
            )

    @rpc(expected_exceptions=EXPECTED)
    def set_tracking(
        self,
        order_id,
        carrier,
        number,
        url=None,
        user_id=None,
        idempotency_key=None,
        request_hash=None,
        actor=None,
    ):
        """Staff: store {carrier, number, url}; a processing order becomes shipped."""
        order_id = stored_order_id(order_id)
        who = Actor.load(actor)
        tracking = load(TrackingArgs(), {"carrier": carrier, "number": number, "url": url})
        with self._orders() as orders:
            return orders.set_tracking(
                order_id, tracking, user_id, who, idempotency_key, request_hash
            )

    # -- events (each applied once per event id) --------------------------------------------

    @event_handler("payments", "payment_succeeded")
    @dead_lettered(dead_letters, "payments", "payment_succeeded")
    def handle_payment_succeeded(self, payload):
        event = load(PaymentEvent(), payload)
        with self._orders() as orders:
            orders.payment_succeeded(event)

    @event_handler("payments", "payment_failed")
    @dead_lettered(dead_letters, "payments", "payment_failed")
    def handle_payment_failed(self, payload):
        event = load(PaymentEvent(), payload)
        with self._orders() as orders:
            orders.payment_failed(event)

    @event_handler("payments", "payment_refunded")
    @dead_lettered(dead_letters, "payments", "payment_refunded")
    def handle_payment_refunded(self, payload):
        event = load(PaymentEvent(), payload)
        with self._orders() as orders:
            orders.payment_refunded(event)

    @event_handler("inventory", "reservation_expired")
    @dead_lettered(dead_letters, "inventory", "reservation_expired")
    def handle_reservation_expired(self, payload):
        event = load(ReservationExpiredEvent(), payload)
        with self._orders() as orders:
            orders.reservation_expired(event)

    # -- recovery and dead letters ----------------------------------------------------------

    @configured_timer(ORDERS, "sweep_interval", 5)
    def sweep(self):
        """Cancel checkouts a crash left pending and unpaid orders past their reservation."""
        pending_grace = timedelta(seconds=float(self.settings.get("pending_grace", 60)))
        expiry_grace = timedelta(seconds=float(self.settings.get("expiry_grace", 10)))
        with self._orders() as orders:
            return orders.sweep(pending_grace, expiry_grace)

    @timer(interval=3600)
    def purge(self):
        """Hourly: forget old Idempotency-Keys and processed event ids."""
        with self._orders() as orders:
            orders.purge()
