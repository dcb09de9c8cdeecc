"""Hand-written fakes of the cart ports: carts and their reminder index, snapshots, the catalog
and inventory, coupons, the reminder log, accounts (the clock and the recorded transaction from
tests/unit/fakes.py)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from services.cart import domain, usecases
from services.cart.exceptions import CartItemNotFound, CartNotFound, CouponNotFound
from tests.unit.fakes import FakeClock, RecordedTransaction


class FakeCartStorage(domain.CartStorage, domain.ReminderIndex):
    """Carts as dicts of their lines; ids `cart-1`, `cart-2`... The reminder index as the Lua
    scripts keep it: `marks` (cart id -> epoch seconds of `clock`) of owned carts with lines,
    `touched` their owners' last change; `sweeping` while a sweep holds the claim."""

    def __init__(self, settings: domain.CartSettings, pricing: domain.PricingSettings, clock=None):
        self.settings = settings
        self.pricing = pricing
        self.clock = clock or FakeClock()
        self.carts: dict[str, domain.Cart] = {}
        self.users: dict[str, str] = {}
        self.cleared_for: set[str] = set()
        self.marks: dict[str, int] = {}
        self.touched: dict[str, int] = {}
        self.sweeping = False

    def _mark(self, cart: domain.Cart) -> None:
        """What the scripts' `mark` does after a change: an owned cart with lines is marked
        now, one without lines leaves the index; guest carts are never in it."""
        if not cart.user_id:
            return
        if cart.lines:
            now = int(self.clock().timestamp())
            self.marks[cart.id] = self.touched[cart.id] = now
        else:
            self.marks.pop(cart.id, None)

    def _new(self, user_id: str | None) -> domain.Cart:
        cart = domain.Cart(id=f"cart-{len(self.carts) + 1}", user_id=user_id, expires_at="later")
        self.carts[cart.id] = cart
        return cart

    def create(self):
        return self.read(self._new(None).id)

    def user_cart_id(self, user_id):
        if self.users.get(user_id) not in self.carts:
            self.users[user_id] = self._new(user_id).id
        return self.users[user_id]

    def read(self, cart_id):
        if cart_id not in self.carts:
            raise CartNotFound("cart not found", {"cart_id": cart_id})
        cart = self.carts[cart_id]
        return replace(cart, lines=list(cart.lines))

    def _cart(self, cart):
        if cart.id not in self.carts:
            raise CartNotFound("cart not found", {"cart_id": cart.id})
        return self.carts[cart.id]

    def set_line(self, cart, product_id, quantity, limit, price, add):
        stored = self._cart(cart)
        current = stored.quantity_of(product_id)
        if not add and not current:
            raise CartItemNotFound("the cart has no such item", {"product_id": product_id})
        wanted = current + quantity if add else quantity
        if wanted > limit:
            return -2, current, self.read(cart.id)
        position = next(
            (line.position for line in stored.lines if line.product_id == product_id),
            len(stored.lines) + 1,
        )
        stored.lines = [line for line in stored.lines if line.product_id != product_id]
        stored.lines.append(domain.CartLine(product_id, wanted, price, position))
        self._mark(stored)
        return 1, wanted, self.read(cart.id)

    def remove_line(self, cart, product_id):
        stored = self._cart(cart)
        if not stored.quantity_of(product_id):
            raise CartItemNotFound("the cart has no such item", {"product_id": product_id})
        stored.lines = [line for line in stored.lines if line.product_id != product_id]
        self._mark(stored)

    def set_coupon(self, cart, code):
        stored = self._cart(cart)
        stored.coupon_code = code
        self._mark(stored)

    def clear(self, cart_id, event_id=None):
        if event_id in self.cleared_for:
            return False
        self.marks.pop(cart_id, None)
        if cart_id not in self.carts:
            return False
        if event_id:
            self.cleared_for.add(event_id)
        self.carts[cart_id].lines, self.carts[cart_id].coupon_code = [], None
        return True

    def delete(self, cart_id):
        self.marks.pop(cart_id, None)
        return self.carts.pop(cart_id, None) is not None

    def expire(self, cart_id):
        """The cart's time to live ran out: Redis drops the hash, its index member stays."""
        del self.carts[cart_id]

    def merge(self, guest_id, user_cart_id, caps, coupon):
        if guest_id not in self.carts:
            return False
        guest, user = self.carts.pop(guest_id), self.carts[user_cart_id]
        for line in sorted(guest.lines, key=lambda item: item.position):
            current = user.quantity_of(line.product_id)
            merged = max(current, min(current + line.quantity, caps.get(line.product_id, 0)))
            if merged > current:
                user.lines = [x for x in user.lines if x.product_id != line.product_id]
                user.lines.append(
                    domain.CartLine(line.product_id, merged, line.price_at_add, len(user.lines) + 1)
                )
        if coupon and not user.coupon_code:
            user.coupon_code = coupon
        self._mark(user)
        return True

    # the reminder index

    def claim_sweep(self, seconds):
        if self.sweeping:
            return False
        self.sweeping = True
        return True

    def end_sweep(self):
        self.sweeping = False

    def idle_since(self, before, limit):
        limit_mark = int(before.timestamp())
        idle = sorted((mark, cart_id) for cart_id, mark in self.marks.items() if mark <= limit_mark)
        return [cart_id for _, cart_id in idle[:limit]]

    def peek(self, cart_ids):
        peeked = []
        for cart_id in cart_ids:
            mark = self.marks.get(cart_id)
            cart = self.carts.get(cart_id)
            if mark is None or cart is None:
                peeked.append(domain.IndexedCart(cart_id, mark))
                continue
            touched = datetime.fromtimestamp(self.touched.get(cart_id, mark), UTC)
            peeked.append(domain.IndexedCart(cart_id, mark, self.read(cart_id), touched))
        return peeked

    def reschedule(self, entry, mark):
        if entry.mark is None or self.marks.get(entry.cart_id) != entry.mark:
            return False
        self.marks[entry.cart_id] = int(mark.timestamp())
        return True

    def forget(self, entry):
        if entry.mark is None or self.marks.get(entry.cart_id) != entry.mark:
            return False
        del self.marks[entry.cart_id]
        return True


class FakeSnapshots(domain.Snapshots):
    def __init__(self):
        self.products: dict[str, dict] = {}
        self.stock: dict[str, dict] = {}

    def get_many(self, product_ids, stock_ids=()):
        return (
            {pid: self.products[pid] for pid in product_ids if pid in self.products},
            {pid: self.stock[pid] for pid in stock_ids if pid in self.stock},
        )

    def put_many(self, products, stock=None):
        self.products.update(products)
        self.stock.update(stock or {})

    def stock_changed(self, product_id, available, version):
        held = self.stock.get(product_id)
        if held and held.get("version", 0) > version:
            return False
        self.stock[product_id] = {"available": available, "version": version}
        return True

    def drop(self, product_id):
        self.products.pop(product_id, None)


class FakeProductSource(domain.ProductSource):
    """What catalog and inventory know; `asked` lists the (products, stock) of each question
    (none for two empty lists: nothing goes out)."""

    def __init__(self):
        self.products: dict[str, dict] = {}
        self.stock: dict[str, int] = {}
        self.asked: list[tuple[list[str], list[str]]] = []

    def add(self, product_id, price, stock=100, status="active", currency="USD"):
        self.products[product_id] = {
            "id": product_id,
            "name": f"Product {product_id}",
            "price": price,
            "currency": currency,
            "status": status,
            "image": None,
        }
        self.stock[product_id] = stock

    def fetch(self, product_ids, stock_ids):
        if product_ids or stock_ids:
            self.asked.append((list(product_ids), list(stock_ids)))
        return (
            {pid: dict(self.products[pid]) for pid in product_ids if pid in self.products},
            {pid: {"available": self.stock[pid]} for pid in stock_ids if pid in self.stock},
        )


class FakeCouponRow:
    """A stored coupon: the fields of `models.CouponRecord`."""

    def __init__(self, values: dict[str, Any], row_id: str):
        defaults = {
            "description": "",
            "currency": "USD",
            "min_subtotal": 0,
            "starts_at": None,
            "ends_at": None,
            "usage_limit": None,
            "per_customer_limit": None,
            "times_used": 0,
            "active": True,
        }
        self.__dict__.update({**defaults, **values, "id": row_id, "deleted_at": None})
        self.code = domain.normalize_code(self.code)

    def as_coupon(self) -> domain.Coupon:
        return domain.Coupon(
            code=self.code,
            type=self.type,
            value=self.value,
            currency=self.currency,
            min_subtotal=self.min_subtotal,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            usage_limit=self.usage_limit,
            per_customer_limit=self.per_customer_limit,
            times_used=self.times_used,
            active=self.active,
            id=self.id,
        )


class FakeCouponRepository(RecordedTransaction, domain.CouponRepository):
    """Coupon rows in a dict; events `recorded`, and `commits` (a merge commits mid-way)."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, FakeCouponRow] = {}
        # order id -> [coupon id, user id, status]
        self.redemptions: dict[str, list[Any]] = {}
        self.counted = 0

    def add(self, **values) -> FakeCouponRow:
        return self.add_row(values)

    def _live(self, code):
        code = domain.normalize_code(code)
        return next(
            (r for r in self.rows.values() if r.code == code and r.deleted_at is None), None
        )

    def find(self, code):
        row = self._live(code)
        return row.as_coupon() if row else None

    def get(self, code):
        return self.get_row(code).as_coupon()

    def lock(self, code):
        return self.get(code)

    def customer_uses(self, coupon_id, user_id):
        if not user_id:
            return 0
        self.counted += 1
        return sum(
            1
            for cid, uid, status in self.redemptions.values()
            if (cid, uid, status) == (coupon_id, user_id, "redeemed")
        )

    def redemption_of(self, order_id):
        found = self.redemptions.get(order_id)
        return domain.Redemption(id=order_id, status=found[2]) if found else None

    def redeem(self, coupon, order_id, user_id, existing):
        self.redemptions[order_id] = [coupon.id, user_id, "redeemed"]
        self.rows[coupon.id].times_used += 1

    def release(self, order_id):
        found = self.redemptions.get(order_id)
        if not found or found[2] != "redeemed":
            return False
        found[2] = "released"
        self.rows[found[0]].times_used -= 1
        return True

    def list_rows(self, page, limit, q=None, active=None):
        rows = [r for r in self.rows.values() if r.deleted_at is None]
        return rows[(page - 1) * limit : page * limit], len(rows)

    def get_row(self, code):
        row = self._live(code)
        if row is None:
            code = domain.normalize_code(code)
            raise CouponNotFound(f"no coupon {code}", {"code": code})
        return row

    def add_row(self, values):
        row = FakeCouponRow(values, f"coupon-{len(self.rows) + 1}")
        self.rows[row.id] = row
        return row

    def update_row(self, row, values):
        row.__dict__.update(values)

    def remove_row(self, row):
        if any(cid == row.id for cid, _, _ in self.redemptions.values()):
            row.deleted_at, row.active = datetime.now(UTC), False
        else:
            del self.rows[row.id]


class FakeReminderLog(RecordedTransaction, domain.ReminderLog):
    """Reminders in a list (`rows`, as `domain.Reminder` plus the recovery), committed and
    rolled back with the recorded events."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self._committed: list[dict[str, Any]] = []

    def _snapshot(self):
        self._committed = copy.deepcopy(self.rows)

    def _restore(self):
        self.rows = copy.deepcopy(self._committed)

    def last_reminded(self, cart_ids, since):
        latest: dict[str, datetime] = {}
        for row in self.rows:
            reminder = row["reminder"]
            if reminder.cart_id in cart_ids and reminder.created_at > since:
                held = latest.get(reminder.cart_id)
                latest[reminder.cart_id] = (
                    max(held, reminder.created_at) if held else reminder.created_at
                )
        return latest

    def add(self, reminder):
        if any(
            (row["reminder"].cart_id, row["reminder"].touched_at)
            == (reminder.cart_id, reminder.touched_at)
            for row in self.rows
        ):
            return False
        self.rows.append({"reminder": reminder, "recovered_order_id": None, "recovered_at": None})
        return True

    def mark_recovered(self, cart_id, order_id, now, since):
        mine = [
            row
            for row in self.rows
            if row["reminder"].cart_id == cart_id and row["reminder"].created_at > since
        ]
        if not mine:
            return False
        latest = max(mine, key=lambda row: row["reminder"].created_at)
        if latest["recovered_order_id"] is not None:
            return False
        latest["recovered_order_id"], latest["recovered_at"] = order_id, now
        return True

    def counts(self, since):
        window = [row for row in self.rows if row["reminder"].created_at > since]
        recovered = [row for row in window if row["recovered_order_id"] is not None]
        return domain.ReminderCounts(
            sent=len(window),
            recovered=len(recovered),
            recovered_value=sum(row["reminder"].subtotal for row in recovered),
        )


class FakePeers(domain.Peers):
    """Accounts: the users who accept reminders (`accepting`); `asked` lists each call's ids."""

    def __init__(self):
        self.accepting: set[str] = set()
        self.asked: list[list[str]] = []

    def reminder_preferences(self, user_ids):
        self.asked.append(list(user_ids))
        return {user_id for user_id in user_ids if user_id in self.accepting}


def make_carts(line_max: int = 10, **settings_values: Any):
    """(use cases, storage, snapshots, catalog-and-inventory, coupons) over fresh fakes; the
    reminder log, accounts and the clock are `carts.reminders`, `carts.peers`, `carts.clock`."""
    settings = domain.CartSettings(line_max=line_max, **settings_values)
    pricing = domain.PricingSettings()
    clock = FakeClock()
    store = FakeCartStorage(settings, pricing, clock)
    snapshots = FakeSnapshots()
    source = FakeProductSource()
    coupons = FakeCouponRepository()
    ids = iter(range(1, 1_000_000))
    carts = usecases.Carts(
        store=store,
        snapshots=snapshots,
        products=source,
        coupons=coupons,
        settings=settings,
        pricing=pricing,
        index=store,
        reminders=FakeReminderLog(),
        peers=FakePeers(),
        clock=clock,
        new_id=lambda: f"reminder-{next(ids)}",
    )
    return carts, store, snapshots, source, coupons
