"""Hand-written fakes of the cart ports: carts, snapshots, the catalog and inventory, coupons (the
clock and the recorded transaction from tests/unit/fakes.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from services.cart import domain, usecases
from services.cart.exceptions import CartItemNotFound, CartNotFound, CouponNotFound
from tests.unit.fakes import FakeClock, RecordedTransaction


class FakeCartStorage(domain.CartStorage):
    """Carts as dicts of their lines; ids `cart-1`, `cart-2`..."""

    def __init__(self, settings: domain.CartSettings, pricing: domain.PricingSettings):
        self.settings = settings
        self.pricing = pricing
        self.carts: dict[str, domain.Cart] = {}
        self.users: dict[str, str] = {}
        self.cleared_for: set[str] = set()

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
        return 1, wanted, self.read(cart.id)

    def remove_line(self, cart, product_id):
        stored = self._cart(cart)
        if not stored.quantity_of(product_id):
            raise CartItemNotFound("the cart has no such item", {"product_id": product_id})
        stored.lines = [line for line in stored.lines if line.product_id != product_id]

    def set_coupon(self, cart, code):
        self._cart(cart).coupon_code = code

    def clear(self, cart_id, event_id=None):
        if event_id in self.cleared_for or cart_id not in self.carts:
            return False
        if event_id:
            self.cleared_for.add(event_id)
        self.carts[cart_id].lines, self.carts[cart_id].coupon_code = [], None
        return True

    def delete(self, cart_id):
        return self.carts.pop(cart_id, None) is not None

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


def make_carts(line_max: int = 10):
    """(use cases, storage, snapshots, catalog-and-inventory, coupons) over fresh fakes."""
    settings = domain.CartSettings(line_max=line_max)
    pricing = domain.PricingSettings()
    store = FakeCartStorage(settings, pricing)
    snapshots = FakeSnapshots()
    source = FakeProductSource()
    coupons = FakeCouponRepository()
    carts = usecases.Carts(
        store=store,
        snapshots=snapshots,
        products=source,
        coupons=coupons,
        settings=settings,
        pricing=pricing,
        clock=FakeClock(),
    )
    return carts, store, snapshots, source, coupons
