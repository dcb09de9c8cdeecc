"""Hand-written fakes of the orders ports: an in-memory repository (orders, history, outbox,
Idempotency-Keys, processed events, commits) and the other services (`FakePeers`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.common.fields import INT32_MAX
from services.orders import domain, usecases
from services.orders.exceptions import OrderNotFound
from services.orders.schemas import dump_order
from tests.unit.fakes import FakeClock, run_once_in_memory


@dataclass(eq=False)
class FakeLine:
    position: int
    product_id: str
    name: str
    price: int
    quantity: int
    image: str | None
    line_total: int
    seller_id: str | None = None


@dataclass(eq=False)
class FakeOrder:
    id: str
    user_id: str
    cart_id: str | None
    status: str
    subtotal: int
    discount: int
    tax: int
    shipping: int
    total: int
    currency: str
    coupon_code: str | None
    shipping_address: dict
    payment_method: str
    created_at: datetime
    updated_at: datetime
    lines: list[FakeLine] = field(default_factory=list)
    payment_intent_id: str | None = None
    payment_status: str = "unpaid"
    refunded_amount: int = 0
    tracking: dict | None = None
    cancel_reason: str | None = None
    reservation_expires_at: datetime | None = None


@dataclass(frozen=True)
class FakeChange:
    """A history row (domain.StatusChangeRecord)."""

    from_status: str | None
    to_status: str
    changed_by: str | None
    reason: str | None
    created_at: datetime


class FakeRepository(domain.OrdersRepository):
    """Committed state and the current transaction's changes: `rollback` forgets the orders,
    history and events written since the last `commit` (as a database would)."""

    money_max = INT32_MAX

    def __init__(self, clock: FakeClock):
        self.clock = clock
        self.orders: dict[str, FakeOrder] = {}
        self.changes: list[dict[str, Any]] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.keys: dict[tuple[str, str], dict[str, Any]] = {}
        self.processed: set[tuple[str, str]] = set()
        self.commits = 0
        self.rollbacks = 0
        self.purged: list[tuple[datetime, datetime]] = []
        self._committed = self._snapshot()

    # the unit of work

    def _snapshot(self):
        return (
            {oid: _copy(order) for oid, order in self.orders.items()},
            list(self.changes),
            list(self.events),
        )

    def commit(self):
        self.commits += 1
        self._committed = self._snapshot()

    def rollback(self):
        self.rollbacks += 1
        orders, changes, events = self._committed
        # a rolled-back row keeps its identity (the session reloads the same object)
        for oid, saved in orders.items():
            if oid in self.orders:
                self.orders[oid].__dict__.update(_copy(saved).__dict__)
            else:
                self.orders[oid] = _copy(saved)
        for oid in [oid for oid in self.orders if oid not in orders]:
            del self.orders[oid]
        self.changes, self.events = list(changes), list(events)

    # orders

    def add_order(self, order_id, user_id, cart_id, quote, lines, address, payment_method):
        fields = domain.new_order(
            order_id, user_id, cart_id, quote, address, payment_method, self.clock()
        )
        order = FakeOrder(**fields, lines=[FakeLine(**line) for line in lines])
        self.orders[order_id] = order
        self.record_change(order_id, None, domain.PENDING, user_id, "order placed")
        return order

    def get(self, order_id, lock=False):
        order = self.orders.get(order_id)
        if order is None:
            raise OrderNotFound(f"no order {order_id}", {"order_id": order_id})
        return order

    def find(self, order_id, lock=False):
        return self.orders.get(order_id)

    def lock(self, order):
        return self.orders[order.id]

    def record_change(self, order_id, from_status, to_status, changed_by, reason):
        self.changes.append(
            {
                "order_id": order_id,
                "from_status": from_status,
                "to_status": to_status,
                "changed_by": str(changed_by or "system"),
                "reason": reason,
                "created_at": self.clock(),
            }
        )

    def record_event(self, event_type, payload):
        self.events.append((event_type, payload))

    def history(self, order_id):
        return [
            FakeChange(**{k: v for k, v in change.items() if k != "order_id"})
            for change in self.changes
            if change["order_id"] == order_id
        ]

    def list_orders(self, query):
        found = [
            order
            for order in sorted(self.orders.values(), key=lambda o: o.created_at, reverse=True)
            if (not query.user_id or order.user_id == query.user_id)
            and (not query.status or order.status == query.status)
            and (
                not query.seller_id
                or any(line.seller_id == query.seller_id for line in order.lines)
            )
        ]
        start = (query.page - 1) * query.limit
        return found[start : start + query.limit], len(found)

    def stale(self, statuses, older_than):
        return [
            o.id for o in self.orders.values() if o.status in statuses and o.updated_at < older_than
        ]

    def expired_unpaid(self, at):
        return [
            o.id
            for o in self.orders.values()
            if o.status == domain.AWAITING_PAYMENT
            and o.reservation_expires_at is not None
            and o.reservation_expires_at < at
        ]

    def cancelled_but_paid(self, older_than):
        return [
            o.id
            for o in self.orders.values()
            if o.status == domain.CANCELLED
            and o.payment_status in domain.PAID
            and o.updated_at < older_than
        ]

    def has_purchased(self, user_id, product_id):
        return any(
            o.user_id == user_id
            and o.status in domain.PURCHASED
            and any(line.product_id == product_id for line in o.lines)
            for o in self.orders.values()
        )

    def sales(self, first_day, top):
        counted = [o for o in self.orders.values() if o.status in domain.PURCHASED]
        return domain.Sales(
            revenue=[],
            by_status={},
            top_products=[],
            orders_counted=len(counted),
            amount=sum(o.total for o in counted),
        )

    # idempotency

    def run_once(
        self, user_id, key, operation, request_hash, action, resource_id=None, on_stale=None
    ):
        return run_once_in_memory(self, self.keys, user_id, key, action)

    def first_delivery(self, event_id, consumer):
        if not event_id:
            return True
        if (event_id, consumer) in self.processed:
            return False
        self.processed.add((event_id, consumer))
        return True

    def purge(self, keys_before, events_before):
        self.purged.append((keys_before, events_before))

    # reading back

    def event_types(self) -> list[str]:
        return [event_type for event_type, _ in self.events]

    def reasons(self, order_id: str) -> list[str | None]:
        return [c["reason"] for c in self.changes if c["order_id"] == order_id]


def _copy(order: FakeOrder) -> FakeOrder:
    clone = FakeOrder(**{**order.__dict__, "lines": list(order.lines)})
    return clone


class FakePeers(domain.Peers):
    """cart, inventory, payments and accounts in memory; `fail[verb] = exc` makes a verb raise."""

    def __init__(self):
        self.quotes: dict[str, dict] = {}
        self.stock: dict[str, int] = {}
        self.reservations: dict[str, dict] = {}
        self.addresses: dict[tuple[str, str], dict] = {}
        self.fail: dict[str, BaseException] = {}
        self.calls: list[tuple] = []
        self.payment_log: dict[str, list[dict]] = {}

    def _record(self, verb, *args):
        self.calls.append((verb, *args))
        if verb in self.fail:
            raise self.fail[verb]

    def called(self, verb: str) -> list[tuple]:
        return [call[1:] for call in self.calls if call[0] == verb]

    def saved_address(self, user_id, address_id):
        self._record("saved_address", user_id, address_id)
        address = self.addresses.get((user_id, address_id))
        if address is None:
            raise domain.AddressMissing("no such address")
        return address

    def quote_cart(self, cart_id, user_id):
        self._record("quote_cart", cart_id, user_id)
        return self.quotes[cart_id]

    def redeem_coupon(self, code, order_id, user_id):
        self._record("redeem_coupon", code, order_id, user_id)

    def release_coupon(self, order_id):
        self._record("release_coupon", order_id)

    def reserve_stock(self, order_id, lines, ttl):
        self._record("reserve_stock", order_id, lines, ttl)
        for line in lines:
            available = self.stock.get(line["product_id"], 0)
            if available < line["quantity"]:
                raise domain.StockShortage(
                    "not enough",
                    {
                        "product_id": line["product_id"],
                        "requested": line["quantity"],
                        "available": available,
                    },
                )
        for line in lines:
            self.stock[line["product_id"]] -= line["quantity"]
        self.reservations[order_id] = {"lines": lines, "status": "active"}
        return {"order_id": order_id, "expires_at": "2026-01-01T12:15:00Z", "lines": lines}

    def commit_stock(self, order_id):
        self._record("commit_stock", order_id)
        self.reservations[order_id]["status"] = "committed"

    def commit_paid_stock(self, order_id):
        self._record("commit_paid_stock", order_id)
        reservation = self.reservations.get(order_id)
        if reservation is None or reservation["status"] not in ("active", "committed"):
            raise domain.StockGone(f"reservation {order_id} is not active")
        reservation["status"] = "committed"

    def release_stock(self, order_id):
        self._record("release_stock", order_id)
        reservation = self.reservations.get(order_id)
        if reservation and reservation["status"] in ("active", "committed"):
            for line in reservation["lines"]:
                self.stock[line["product_id"]] += line["quantity"]
            reservation["status"] = "released"

    def create_intent(self, order_id, amount, currency, user_id, idempotency_key, method):
        self._record("create_intent", order_id, amount, currency, user_id, idempotency_key, method)
        return {
            "intent_id": f"pi_{order_id}",
            "client_secret": f"pi_{order_id}_secret",
            "provider": "simulated",
            "status": "pending",
        }

    def refund(self, order_id):
        self._record("refund", order_id)

    def payment_events(self, order_id):
        self._record("payment_events", order_id)
        return self.payment_log.get(order_id, [])


class SequentialIds:
    """order-1, order-2, ... (the shared tests.unit.fakes.SequentialIds are UUID-shaped)."""

    def __init__(self):
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"order-{self.count}"


def make_orders() -> tuple[usecases.Orders, FakeRepository, FakePeers, FakeClock]:
    clock = FakeClock()
    repo = FakeRepository(clock)
    peers = FakePeers()
    orders = usecases.Orders(
        repo=repo,
        peers=peers,
        present=dump_order,
        reservation_ttl=900,
        clock=clock,
        new_id=SequentialIds(),
    )
    return orders, repo, peers, clock
