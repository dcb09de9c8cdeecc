"""The orders service: docs/architecture.md#the-order-saga's entrypoints (the steps: saga.py)."""

from __future__ import annotations

import contextlib
import importlib
from datetime import timedelta

from nameko.dependency_providers import Config
from nameko.timer import Timer, timer

from services.common.actor import Actor
from services.common.config import ORDERS
from services.common.database import Database
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import BazaarError, ServiceUnavailable
from services.common.messaging import event_handler
from services.common.outbox import Outbox, OutboxRelay
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.orders import domain
from services.orders.dependencies import OrdersRepository, order_to_dict
from services.orders.models import Base, dead_letters, processed_events
from services.orders.saga import Saga
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

# Register other services' errors so they arrive as themselves (OutOfStock with its details).
for _module in (
    "services.cart.exceptions",
    "services.inventory.exceptions",
    "services.payments.exceptions",
):
    with contextlib.suppress(ImportError):
        importlib.import_module(_module)


class SweepTimer(Timer):
    """A timer whose interval is config ORDERS.sweep_interval (default 5 s)."""

    def setup(self):
        self.interval = float((self.container.config.get(ORDERS) or {}).get("sweep_interval", 5))
        super().setup()


EXPECTED = (BazaarError,)
PAYMENT_EVENTS_TIMEOUT = 5.0  # seconds: the order view is still useful without them


class OrdersService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "orders"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    outbox = Outbox()
    config = Config()
    cart_rpc = RpcProxy("cart")
    inventory_rpc = RpcProxy("inventory")
    payments_rpc = RpcProxy("payments")
    accounts_rpc = RpcProxy("accounts")

    @property
    def settings(self) -> dict:
        return self.config.get(ORDERS) or {}

    @property
    def saga(self) -> Saga:
        return Saga(
            self.db.session,
            self.outbox,
            self.cart_rpc,
            self.inventory_rpc,
            self.payments_rpc,
            self.accounts_rpc,
            int(self.settings.get("reservation_ttl", 900)),
        )

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
        return self.saga.place_order(args)

    # -- reads ------------------------------------------------------------------------------

    # `actor` ({user_id, role} of the person asking, services.common.actor; None: the platform
    # itself) narrows what staff see: a seller sees and changes only the orders holding a line of
    # their products; another order is OrderNotFound, as for a customer.

    @rpc(expected_exceptions=EXPECTED)
    def get_order(self, order_id, user_id=None, is_admin=False, actor=None):
        """The Order; another customer's order raises OrderNotFound."""
        who = Actor.load(actor)
        return order_to_dict(self.saga.get_order(order_id, user_id, bool(is_admin), who))

    @rpc(expected_exceptions=EXPECTED)
    def get_history(self, order_id, user_id=None, is_admin=False, actor=None):
        """[{from_status, to_status, changed_by, reason, created_at}], oldest first."""
        order = self.saga.get_order(order_id, user_id, bool(is_admin), Actor.load(actor))
        return {"data": OrdersRepository(self.db.session).history(order.id)}

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
        args = load(
            ListOrdersArgs(),
            {
                "user_id": user_id,
                "status": status,
                "date_from": date_from,
                "date_to": date_to,
                "page": page,
                "limit": limit,
                "seller_id": who.user_id if who.is_seller else seller_id,
            },
        )
        return OrdersRepository(self.db.session).list(**args)

    @rpc
    def has_purchased(self, user_id, product_id):
        """True when an order of the user, confirmed or later, contains the product."""
        return OrdersRepository(self.db.session).has_purchased(user_id, product_id)

    @rpc(expected_exceptions=EXPECTED)
    def get_admin_order(self, order_id, actor=None):
        """Staff view of an Order: plus `allowed_transitions` (the statuses staff may set now),
        `refundable_amount` (minor units) and `timeline` (status changes and payment events,
        oldest first). Payment events are left out (`payment_events_unavailable`) when payments
        does not answer in time."""
        order = self.saga.get_order(order_id, None, True, Actor.load(actor))
        history = OrdersRepository(self.db.session).history(order.id)
        try:
            events = self.payments_rpc.with_timeout(PAYMENT_EVENTS_TIMEOUT).list_payment_events(
                order.id
            )
            unavailable = False
        except ServiceUnavailable:
            events, unavailable = [], True
        return {
            **order_to_dict(order),
            "allowed_transitions": domain.staff_next_statuses(order.status),
            "refundable_amount": domain.refundable_amount(
                order.payment_status, order.total, order.refunded_amount
            ),
            "timeline": domain.order_timeline(history, events),
            "payment_events_unavailable": unavailable,
        }

    @rpc(expected_exceptions=EXPECTED)
    def stats(self, days=30, top=10):
        """{revenue_per_day (each of the last `days` days, 1-366), orders_by_status,
        top_products (at most `top`, 1-100), average_order_value, currency, orders_counted}."""
        args = load(StatsArgs(), {"days": days, "top": top})
        return OrdersRepository(self.db.session).stats(args["days"], args["top"])

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
        saga = self.saga
        return saga.run_once(
            user_id,
            idempotency_key,
            f"cancel_order:{order_id}",
            request_hash,
            lambda: saga.cancel_order(order_id, user_id, reason, bool(is_admin)),
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
        saga = self.saga
        return saga.run_once(
            user_id,
            idempotency_key,
            f"update_status:{order_id}",
            request_hash,
            lambda: saga.update_status(order_id, args["status"], user_id, args["note"], who),
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
        saga = self.saga
        return saga.run_once(
            user_id,
            idempotency_key,
            f"set_tracking:{order_id}",
            request_hash,
            lambda: saga.set_tracking(order_id, tracking, user_id, who),
        )

    # -- events -----------------------------------------------------------------------------

    def _first(self, payload: dict, consumer: str) -> bool:
        return processed_events.first_delivery(self.db.session, payload.get("event_id"), consumer)

    @event_handler("payments", "payment_succeeded")
    @dead_lettered(dead_letters, "payments", "payment_succeeded")
    def handle_payment_succeeded(self, payload):
        event = load(PaymentEvent(), payload)
        if self._first(event, "payment_succeeded"):
            self.saga.payment_succeeded(event)
        self.db.session.commit()

    @event_handler("payments", "payment_failed")
    @dead_lettered(dead_letters, "payments", "payment_failed")
    def handle_payment_failed(self, payload):
        event = load(PaymentEvent(), payload)
        if self._first(event, "payment_failed"):
            self.saga.payment_failed(event)
        self.db.session.commit()

    @event_handler("payments", "payment_refunded")
    @dead_lettered(dead_letters, "payments", "payment_refunded")
    def handle_payment_refunded(self, payload):
        event = load(PaymentEvent(), payload)
        if self._first(event, "payment_refunded"):
            self.saga.payment_refunded(event)
        self.db.session.commit()

    @event_handler("inventory", "reservation_expired")
    @dead_lettered(dead_letters, "inventory", "reservation_expired")
    def handle_reservation_expired(self, payload):
        event = load(ReservationExpiredEvent(), payload)
        if self._first(event, "reservation_expired"):
            self.saga.reservation_expired(event["order_id"])
        self.db.session.commit()

    # -- recovery and dead letters ----------------------------------------------------------

    @SweepTimer.decorator(interval=5)
    def sweep(self):
        """Cancel checkouts a crash left pending and unpaid orders past their reservation."""
        return self.saga.sweep(
            timedelta(seconds=float(self.settings.get("pending_grace", 60))),
            timedelta(seconds=float(self.settings.get("expiry_grace", 10))),
        )

    @timer(interval=3600)
    def purge(self):
        """Hourly: forget old Idempotency-Keys and processed event ids."""
        self.saga.purge()
