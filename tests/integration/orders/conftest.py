"""The orders service on real RabbitMQ and Postgres, with stand-ins for cart, inventory, payments
and accounts: tiny nameko services answering from in-memory state the test fills (`shop`).

The outbox relay only runs at start here (no commit notifications, an hour between passes) so
tests can read the events an action wrote from the `outbox` table; the tests that need delivery
start the real payments service instead.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from nameko.rpc import rpc
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import text

from services.common.messaging import event_handler
from services.inventory.exceptions import OutOfStock, ReservationNotActive
from services.orders.service import OrdersService
from tests.helpers import engine_for, truncate_tables

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address1": "1 Loop Road",
    "address2": None,
    "city": "London",
    "state": None,
    "postal_code": "N1 9GU",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


class State:
    """What the stand-ins know and what they were asked."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.carts: dict[str, dict] = {}
        self.stock: dict[str, int] = {}
        self.reservations: dict[str, dict] = {}
        self.calls: list[tuple] = []
        self.fail: dict[str, Exception] = {}
        self.addresses: dict[str, dict] = {}
        self.gates: dict[str, object] = {}
        self.payment_events: dict[str, list[dict]] = {}
        self.owners: dict[str, str | None] = {}

    def called(self, name: str) -> list[tuple]:
        return [call[1:] for call in self.calls if call[0] == name]

    def record(self, name, *args):
        self.calls.append((name, *args))
        if name in self.gates:
            self.gates[name].wait()  # a test holds this call here (eventlet Event)
        if name in self.fail:
            raise self.fail[name]


STATE = State()


class FakeCart:
    name = "cart"

    @rpc
    def quote(self, cart_id, user_id=None):
        STATE.record("quote", cart_id, user_id)
        return STATE.carts[cart_id]

    @event_handler("orders", "order_confirmed")
    def handle_order_confirmed(self, payload):
        # as the cart service does: the order's cart is emptied on confirmation
        STATE.record("clear_cart", payload.get("cart_id"))

    @rpc
    def redeem_coupon(self, code, order_id, user_id):
        STATE.record("redeem_coupon", code, order_id, user_id)

    @rpc
    def release_coupon(self, order_id):
        STATE.record("release_coupon", order_id)


class FakeInventory:
    name = "inventory"

    @rpc
    def reserve(self, order_id, lines, ttl_seconds=None):
        STATE.record("reserve", order_id, lines, ttl_seconds)
        if order_id not in STATE.reservations:
            for line in lines:
                available = STATE.stock.get(line["product_id"], 0)
                if available < line["quantity"]:
                    raise OutOfStock(
                        f"only {available} of {line['product_id']}",
                        {
                            "product_id": line["product_id"],
                            "requested": line["quantity"],
                            "available": available,
                        },
                    )
            for line in lines:
                STATE.stock[line["product_id"]] -= line["quantity"]
            expires = datetime.now(UTC) + timedelta(seconds=ttl_seconds or 900)
            STATE.reservations[order_id] = {
                "lines": lines,
                "status": "active",
                "expires_at": expires.isoformat(),
            }
        reservation = STATE.reservations[order_id]
        return {
            "order_id": order_id,
            "expires_at": reservation["expires_at"],
            "lines": reservation["lines"],
        }

    @rpc
    def commit(self, order_id):
        STATE.record("commit", order_id)
        reservation = STATE.reservations[order_id]
        if reservation["status"] not in ("active", "committed"):
            raise ReservationNotActive(
                f"reservation {order_id} is {reservation['status']}", {"order_id": order_id}
            )
        reservation["status"] = "committed"

    @rpc
    def release(self, order_id):
        STATE.record("release", order_id)
        reservation = STATE.reservations.get(order_id)
        if reservation and reservation["status"] in ("active", "committed"):
            for line in reservation["lines"]:
                STATE.stock[line["product_id"]] += line["quantity"]
            reservation["status"] = "released"


class FakePayments:
    name = "payments"

    @rpc
    def create_intent(self, order_id, amount, currency, user_id, idempotency_key, method="card"):
        STATE.record("create_intent", order_id, amount, currency, user_id, idempotency_key, method)
        return {
            "id": f"pay-{order_id}",
            "order_id": order_id,
            "intent_id": f"pi_sim_{order_id}",
            "client_secret": f"pi_sim_{order_id}_secret",
            "provider": "simulated",
            "status": "pending",
            "amount": amount,
            "currency": currency,
        }

    @rpc
    def refund(self, order_id, amount=None):
        STATE.record("refund", order_id, amount)
        return {"order_id": order_id, "status": "refunded"}

    @rpc
    def list_payment_events(self, order_id):
        STATE.record("list_payment_events", order_id)
        return STATE.payment_events.get(order_id, [])


class FakeAccounts:
    name = "accounts"

    @rpc
    def get_address(self, user_id, address_id):
        STATE.record("get_address", user_id, address_id)
        return STATE.addresses[address_id]


class Shop:
    """Fill the stand-ins: products in stock, carts with lines."""

    state = STATE

    def stock(self, product_id: str, quantity: int, seller_id: str | None = None) -> None:
        STATE.stock[product_id] = quantity
        STATE.owners[product_id] = seller_id

    def cart(
        self, lines: list[tuple[str, int, int]], coupon: str | None = None, discount: int = 0
    ) -> str:
        cart_id = f"cart-{uuid.uuid4().hex[:8]}"
        quote_lines = [
            {
                "product_id": pid,
                "name": f"Product {pid}",
                "price": price,
                "quantity": qty,
                "image": f"/media/{pid}.jpg",
                # as the cart's quote does: the product's seller, from the catalog
                "seller_id": STATE.owners.get(pid),
                "line_total": price * qty,
                "price_changed": False,
            }
            for pid, price, qty in lines
        ]
        subtotal = sum(line["line_total"] for line in quote_lines)
        tax = round((subtotal - discount) * 0.08)
        STATE.carts[cart_id] = {
            "cart_id": cart_id,
            "user_id": None,
            "lines": quote_lines,
            "coupon": {"code": coupon, "type": "fixed", "value": discount} if coupon else None,
            "subtotal": subtotal,
            "discount": discount,
            "tax": tax,
            "shipping": 0,
            "total": subtotal - discount + tax,
            "currency": "USD",
        }
        return cart_id


@pytest.fixture(autouse=True)
def clean_orders(config):
    truncate_tables(config, "orders")
    STATE.reset()
    yield
    STATE.reset()


@pytest.fixture
def orders_config(service_config):
    return {
        **service_config,
        "OUTBOX": {"interval": 3600, "listen": False},
        "RPC_TIMEOUT": 10,
        "ORDERS": {"reservation_ttl": 900, "pending_grace": 60, "expiry_grace": 10},
    }


@pytest.fixture
def shop():
    return Shop()


@pytest.fixture
def orders_runner(runner_factory, orders_config):
    runner = runner_factory(
        orders_config,
        OrdersService,
        FakeCart,
        FakeInventory,
        FakePayments,
        FakeAccounts,
    )
    runner.start()
    return runner


@pytest.fixture
def orders(orders_runner, orders_config):
    with ServiceRpcProxy("orders", orders_config, timeout=30) as proxy:
        yield proxy


@pytest.fixture
def dispatch(orders_config):
    return event_dispatcher(orders_config)


@pytest.fixture
def orders_db(config):
    engine = engine_for(config, "orders")

    class Db:
        def scalar(self, sql, **params):
            with engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()

        def rows(self, sql, **params):
            with engine.connect() as conn:
                return [dict(row) for row in conn.execute(text(sql), params).mappings()]

        def events(self, event_type=None):
            rows = self.rows("SELECT event_type, payload FROM outbox ORDER BY created_at")
            return (
                [r["payload"] for r in rows if event_type in (None, r["event_type"])]
                if event_type
                else [(r["event_type"], r["payload"]) for r in rows]
            )

    return Db()
