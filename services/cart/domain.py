"""Cart rules: what may go in a cart, what a coupon allows, how a cart is priced and when an
idle cart is reminded; and the ports the use cases (`usecases.Carts`) reach carts, snapshots,
coupons, the reminder log, the catalog and accounts through.

Plain objects in, plain dicts out: no nameko, SQLAlchemy or Redis here. Money is integer minor
units throughout.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from services.cart.exceptions import (
    CouponAlreadyUsed,
    CouponCodeTaken,
    CouponError,
    CouponExhausted,
    CouponExpired,
    CouponInactive,
    CouponMinimumNotMet,
    CouponNotYetValid,
    CurrencyMismatch,
    InsufficientStock,
    LineLimitExceeded,
    ProductUnavailable,
)
from services.common.clock import iso, utcnow
from services.common.errors import ValidationFailed
from services.common.money import percent_of
from services.common.ports import Transactional

PERCENT = "percent"
FIXED = "fixed"
COUPON_TYPES = (PERCENT, FIXED)


@dataclass(frozen=True)
class PricingSettings:
    """Config `PRICING`: tax in basis points (800 = 8%), free shipping threshold and flat fee in
    minor units, the currency carts are priced in."""

    tax_basis_points: int = 800
    free_shipping_threshold: int = 10000
    flat_shipping: int = 599
    currency: str = "USD"

    @classmethod
    def from_config(cls, block: Mapping[str, Any] | None) -> PricingSettings:
        block = block or {}
        return cls(
            tax_basis_points=int(block.get("tax_basis_points", cls.tax_basis_points)),
            free_shipping_threshold=int(
                block.get("free_shipping_threshold", cls.free_shipping_threshold)
            ),
            flat_shipping=int(block.get("flat_shipping", cls.flat_shipping)),
            currency=str(block.get("currency", cls.currency)),
        )


@dataclass(frozen=True)
class CartSettings:
    """Config `CART`: time to live of guest and user carts (seconds), the per-line maximum, how
    long a product snapshot may serve cart displays (0: always ask the catalog), at or below
    how many available units the storefront says "only N left" (`few_left`); and the
    abandoned-cart reminders: a signed-in cart untouched `reminder_after` seconds gets one,
    at most one per cart per `reminder_period` seconds, looked for every `reminder_interval`
    seconds, `reminder_batch` carts per sweep."""

    guest_ttl: int = 7 * 24 * 3600
    user_ttl: int = 30 * 24 * 3600
    line_max: int = 99
    product_cache_ttl: int = 60
    few_left: int = 5
    reminder_after: int = 24 * 3600
    reminder_period: int = 7 * 24 * 3600
    reminder_interval: float = 60
    reminder_batch: int = 200

    @classmethod
    def from_config(cls, block: Mapping[str, Any] | None) -> CartSettings:
        block = block or {}
        return cls(
            guest_ttl=int(block.get("guest_ttl", cls.guest_ttl)),
            user_ttl=int(block.get("user_ttl", cls.user_ttl)),
            line_max=int(block.get("line_max", cls.line_max)),
            product_cache_ttl=int(block.get("product_cache_ttl", cls.product_cache_ttl)),
            few_left=int(block.get("few_left", cls.few_left)),
            reminder_after=int(block.get("reminder_after", cls.reminder_after)),
            reminder_period=int(block.get("reminder_period", cls.reminder_period)),
            reminder_interval=float(block.get("reminder_interval", cls.reminder_interval)),
            reminder_batch=int(block.get("reminder_batch", cls.reminder_batch)),
        )

    def ttl_for(self, user_id: str | None) -> int:
        return self.user_ttl if user_id else self.guest_ttl


@dataclass(frozen=True)
class CartLine:
    """A line as stored: the product, its quantity, and the unit price when it was last set."""

    product_id: str
    quantity: int
    price_at_add: int
    position: int = 0


@dataclass
class Cart:
    """A cart as the store holds it: its owner (None for a guest cart), the coupon code attached,
    when it was created and when it expires (ISO 8601), and its lines."""

    id: str
    user_id: str | None = None
    coupon_code: str | None = None
    created_at: str | None = None
    expires_at: str | None = None
    lines: list[CartLine] = field(default_factory=list)

    def quantity_of(self, product_id: str) -> int:
        return next((line.quantity for line in self.lines if line.product_id == product_id), 0)


@dataclass(frozen=True)
class PricedCart:
    """A cart and its quote (the `price_cart` fields), as `schemas.dump_cart` sends it."""

    cart: Cart
    quote: dict[str, Any]


@dataclass(frozen=True)
class Coupon:
    """`value` is a whole percent (1-100) for percent coupons, minor units for fixed ones. `id`
    is the stored coupon's (None for one not stored)."""

    code: str
    type: str
    value: int
    currency: str = "USD"
    min_subtotal: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: int | None = None
    per_customer_limit: int | None = None
    times_used: int = 0
    active: bool = True
    id: str | None = None

    def summary(self) -> dict[str, Any]:
        return {"code": self.code, "type": self.type, "value": self.value}


@dataclass(frozen=True)
class Redemption:
    """The one use of a coupon an order made: `status` redeemed, or released (given back)."""

    id: str
    status: str

    @property
    def redeemed(self) -> bool:
        return self.status == "redeemed"


class CouponRow(Protocol):
    """A stored coupon as the repository hands it out for administration (all its columns,
    dumped by `schemas.dump_coupon`); the fields the use cases read."""

    id: str
    code: str
    type: str
    value: int
    starts_at: datetime | None
    ends_at: datetime | None


def normalize_code(code: str) -> str:
    """Coupon codes are matched case-insensitively, stored upper-case without surrounding blanks."""
    return code.strip().upper()


def code_taken(code: str) -> CouponCodeTaken:
    """The error for a coupon code another live coupon has."""
    code = normalize_code(code)
    return CouponCodeTaken(f"coupon code {code} is taken", {"code": code})


def coupon_data_problem(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, message) of the first rule across fields a coupon's data breaks, None when none:
    a percent coupon takes at most 100; the window ends after it starts."""
    if data.get("type") == PERCENT and data.get("value") is not None and data["value"] > 100:
        return "value", "A percent coupon takes at most 100."
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts is not None and ends is not None and ends <= starts:
        return "ends_at", "Must be after startsAt."
    return None


# -- what may go in a cart ---------------------------------------------------------------------


def ensure_sellable(
    product: Mapping[str, Any] | None, product_id: str, currency: str
) -> Mapping[str, Any]:
    """The product; raise `ProductUnavailable` unless the catalog knows it and it is active, and
    `CurrencyMismatch` if it is priced in another currency than the cart."""
    if product is None or product.get("status") != "active":
        raise ProductUnavailable(
            f"product {product_id} is not available", {"product_id": product_id}
        )
    if product.get("currency", currency) != currency:
        raise CurrencyMismatch(
            f"product {product_id} is priced in {product.get('currency')}, the cart in {currency}",
            {
                "product_id": product_id,
                "currency": product.get("currency"),
                "cart_currency": currency,
            },
        )
    return product


def storefront_options(pricing: PricingSettings, settings: CartSettings) -> dict[str, Any]:
    """What the storefront states before anything is in a cart: free shipping from
    `free_shipping_threshold` (minor units, of the discounted subtotal), else `flat_shipping`; at
    most `max_per_line` units of one product; "only N left" at or below `few_left` available."""
    return {
        "currency": pricing.currency,
        "free_shipping_threshold": pricing.free_shipping_threshold,
        "flat_shipping": pricing.flat_shipping,
        "max_per_line": settings.line_max,
        "few_left": settings.few_left,
    }


def line_limit(available: int, line_max: int) -> int:
    """The most units one line may hold: the per-line maximum, and never more than in stock."""
    return max(0, min(int(available), int(line_max)))


def check_quantity(
    product: Mapping[str, Any],
    requested: int,
    available: int,
    line_max: int,
    in_cart: int = 0,
) -> None:
    """Raise unless `requested` units (the line's total after the change) are allowed:
    positive, at most `line_max` (`LineLimitExceeded`), at most `available` (`InsufficientStock`,
    naming the product and what is available)."""
    product_id = product["id"]
    if requested < 1:
        raise ValidationFailed(
            "quantity must be positive", {"fields": {"quantity": ["Must be at least 1."]}}
        )
    if requested > line_max:
        raise LineLimitExceeded(
            f"at most {line_max} of one product per cart",
            {"product_id": product_id, "requested": requested, "max": line_max, "in_cart": in_cart},
        )
    if requested > available:
        raise InsufficientStock(
            f"only {max(available, 0)} of {product.get('name') or product_id} available",
            {
                "product_id": product_id,
                "name": product.get("name"),
                "requested": requested,
                "available": max(int(available), 0),
                "in_cart": in_cart,
            },
        )


def merge_caps(
    product_ids: list[str],
    products: Mapping[str, Mapping[str, Any]],
    stock: Mapping[str, Mapping[str, Any]],
    line_max: int,
    currency: str,
) -> dict[str, int]:
    """For a merge: the most units each product's line may reach (0 when it is not sellable)."""
    caps = {}
    for product_id in product_ids:
        try:
            ensure_sellable(products.get(product_id), product_id, currency)
        except (ProductUnavailable, CurrencyMismatch):
            caps[product_id] = 0
            continue
        available = int((stock.get(product_id) or {}).get("available", 0))
        caps[product_id] = line_limit(available, line_max)
    return caps


# -- coupons -----------------------------------------------------------------------------------


def check_coupon(coupon: Coupon, subtotal: int, now: datetime, customer_uses: int = 0) -> None:
    """Raise the first reason `coupon` cannot apply to a cart of `subtotal` at `now`, in this
    order: inactive, not yet valid, expired, exhausted (global limit), already used (per-customer
    limit, `customer_uses` redemptions so far), minimum subtotal not met."""
    details: dict[str, Any] = {"code": coupon.code}
    if not coupon.active:
        raise CouponInactive(f"coupon {coupon.code} is not active", details)
    if coupon.starts_at is not None and now < coupon.starts_at:
        raise CouponNotYetValid(
            f"coupon {coupon.code} is not valid yet",
            {**details, "starts_at": iso(coupon.starts_at)},
        )
    if coupon.ends_at is not None and now >= coupon.ends_at:
        raise CouponExpired(
            f"coupon {coupon.code} has expired", {**details, "ends_at": iso(coupon.ends_at)}
        )
    _check_usage_limits(
        coupon, lambda: customer_uses, f"you have already used coupon {coupon.code}"
    )
    if subtotal < coupon.min_subtotal:
        raise CouponMinimumNotMet(
            f"coupon {coupon.code} needs a subtotal of at least {coupon.min_subtotal} minor units",
            {
                **details,
                "minimum": coupon.min_subtotal,
                "subtotal": subtotal,
                "currency": coupon.currency,
            },
        )


def check_redemption(coupon: Coupon, customer_uses: Callable[[], int]) -> None:
    """Raise unless an order may use `coupon` now (its validity window and minimum were checked
    when the order was quoted): `CouponExhausted` at the global limit, else `CouponAlreadyUsed`
    at the customer's. `customer_uses()` (a count in the repository) is asked only then."""
    _check_usage_limits(coupon, customer_uses, f"coupon {coupon.code} already used")


def _check_usage_limits(
    coupon: Coupon, customer_uses: Callable[[], int], already_used: str
) -> None:
    """The usage limits: global (`times_used` against `usage_limit`), then per customer;
    `already_used` is the message of the second refusal."""
    if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
        raise CouponExhausted(
            f"coupon {coupon.code} has been used up",
            {"code": coupon.code, "usage_limit": coupon.usage_limit},
        )
    if coupon.per_customer_limit is not None and customer_uses() >= coupon.per_customer_limit:
        raise CouponAlreadyUsed(
            already_used, {"code": coupon.code, "per_customer_limit": coupon.per_customer_limit}
        )


def vanished_coupon(code: str) -> dict[str, Any]:
    """The `coupon_error` of a cart whose coupon was deleted since it was applied."""
    return {
        "error": "CouponNotFound",
        "message": f"coupon {code} no longer exists",
        "details": {"code": code},
    }


def coupon_discount(coupon: Coupon, subtotal: int) -> int:
    """The discount on `subtotal`: percent coupons take `value`% rounded half up to a whole minor
    unit; fixed coupons take `value`; never more than the subtotal."""
    discount = percent_of(subtotal, coupon.value * 100) if coupon.type == PERCENT else coupon.value
    return max(0, min(discount, subtotal))


# -- pricing -----------------------------------------------------------------------------------


def price_cart(
    lines: list[CartLine],
    products: Mapping[str, Mapping[str, Any]],
    pricing: PricingSettings,
    coupon: Coupon | None = None,
    now: datetime | None = None,
    customer_uses: int = 0,
) -> dict[str, Any]:
    """Price a cart from the catalog's current prices. Returns the Quote fields:
    `lines`, `coupon`, `coupon_error`, `subtotal`, `discount`, `tax`, `shipping`, `total`,
    `currency`, all money in integer minor units.

    Rounding rule (one rounding per amount, on the whole order, never per line):
      - line_total = current unit price x quantity (exact);
      - subtotal = sum of the line totals of lines still on sale (a line whose product is gone or
        no longer active is listed with `available: False` and a line_total of 0);
      - discount = percent coupons: subtotal x percent / 100, rounded half up to a minor unit;
        fixed coupons: their amount; never more than the subtotal. A coupon that no longer
        applies (expired, minimum not met...) gives 0 and is reported in `coupon_error`;
      - tax = (subtotal - discount) x tax_basis_points / 10000, rounded half up (ROUND_HALF_UP)
        to a minor unit;
      - shipping = 0 for an empty cart or when (subtotal - discount) >= free_shipping_threshold,
        else flat_shipping;
      - total = subtotal - discount + tax + shipping;
      - free_shipping_threshold = the threshold; free_shipping_remaining = what the discounted
        subtotal lacks to reach it while shipping is charged, else 0 (the "spend X more" hint).
    A line is `price_changed` when the catalog price differs from the price when it was last added
    or updated; `previous_price` then holds that price.
    """
    priced = []
    subtotal = 0
    for line in sorted(lines, key=lambda item: item.position):
        product = products.get(line.product_id)
        available = bool(
            product
            and product.get("status") == "active"
            and product.get("currency", pricing.currency) == pricing.currency
        )
        price = int(product["price"]) if product else line.price_at_add
        line_total = price * line.quantity if available else 0
        subtotal += line_total
        priced.append(
            {
                "product_id": line.product_id,
                "name": product.get("name") if product else None,
                "price": price,
                "quantity": line.quantity,
                "image": product.get("image") if product else None,
                # the product's seller, which the order's line records (their back office lists it)
                "seller_id": product.get("seller_id") if product else None,
                "line_total": line_total,
                "price_changed": price != line.price_at_add,
                "previous_price": line.price_at_add if price != line.price_at_add else None,
                "available": available,
                "currency": pricing.currency,
            }
        )

    discount = 0
    applied = None
    coupon_error = None
    if coupon is not None:
        try:
            check_coupon(coupon, subtotal, now or utcnow(), customer_uses)
        except CouponError as exc:
            coupon_error = {
                "error": type(exc).__name__,
                "message": exc.message,
                "details": exc.details,
            }
        else:
            discount = coupon_discount(coupon, subtotal)
            applied = coupon.summary()

    discounted = subtotal - discount
    tax = percent_of(discounted, pricing.tax_basis_points)
    if not priced or subtotal == 0 or discounted >= pricing.free_shipping_threshold:
        shipping = 0
    else:
        shipping = pricing.flat_shipping
    remaining = pricing.free_shipping_threshold - discounted if shipping else 0
    return {
        "lines": priced,
        "coupon": applied,
        "coupon_error": coupon_error,
        "subtotal": subtotal,
        "discount": discount,
        "tax": tax,
        "shipping": shipping,
        "total": discounted + tax + shipping,
        "free_shipping_threshold": pricing.free_shipping_threshold,
        "free_shipping_remaining": remaining,
        "currency": pricing.currency,
    }


# -- abandoned-cart reminders ------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedCart:
    """A cart of the reminder index as the sweeper peeks at it: its `mark` (the index's score,
    whole epoch seconds from which its idle time counts; None when it left the index since it
    was listed), the cart (None when gone) and when its owner last changed it (None when
    unknown: the mark stands in)."""

    cart_id: str
    mark: int | None
    cart: Cart | None = None
    touched_at: datetime | None = None


@dataclass(frozen=True)
class Due:
    """The cart gets a reminder now."""


@dataclass(frozen=True)
class Skip:
    """The cart gets no reminder and leaves the index; `reason`: gone, guest or empty."""

    reason: str


@dataclass(frozen=True)
class Later:
    """Not yet: the cart is due at `at`."""

    at: datetime


ReminderDecision = Due | Skip | Later


def reminder_due(
    cart: Cart | None,
    touched_at: datetime,
    last_reminder_at: datetime | None,
    now: datetime,
    settings: CartSettings,
) -> ReminderDecision:
    """Whether an owned cart with lines, last changed at `touched_at`, gets a reminder at `now`:
    once it has been idle `reminder_after` seconds, and not within `reminder_period` seconds of
    its last reminder (`last_reminder_at`, None for none). A cart that is gone, has no owner or
    no lines never does (`Skip`); one not due yet is due at `Later.at`."""
    if cart is None:
        return Skip("gone")
    if not cart.user_id:
        return Skip("guest")
    if not cart.lines:
        return Skip("empty")
    due_at = touched_at + timedelta(seconds=settings.reminder_after)
    if last_reminder_at is not None:
        due_at = max(due_at, last_reminder_at + timedelta(seconds=settings.reminder_period))
    if now < due_at:
        return Later(due_at)
    return Due()


@dataclass(frozen=True)
class Reminder:
    """One reminder a cart issued: the cart as it was (`lines` counted, `subtotal` at the
    prices when each line was last set, minor units of `currency`)."""

    id: str
    cart_id: str
    user_id: str
    touched_at: datetime
    created_at: datetime
    lines: int
    subtotal: int
    currency: str


def new_reminder(
    reminder_id: str, cart: Cart, touched_at: datetime, now: datetime, currency: str
) -> Reminder:
    """The reminder an owned cart issues now. Its subtotal is priced from the lines' own prices
    (the ones shown when they were set): the email re-reads the cart for current prices."""
    return Reminder(
        id=reminder_id,
        cart_id=cart.id,
        user_id=str(cart.user_id),
        touched_at=touched_at,
        created_at=now,
        lines=len(cart.lines),
        subtotal=sum(line.price_at_add * line.quantity for line in cart.lines),
        currency=currency,
    )


def abandoned_event(reminder: Reminder, cart: Cart) -> dict[str, Any]:
    """`cart_abandoned` {reminder_id, cart_id, user_id, touched_at, lines: [{product_id,
    quantity}]}: ids and what notifications needs to decide; it prices the email from the cart."""
    return {
        "reminder_id": reminder.id,
        "cart_id": reminder.cart_id,
        "user_id": reminder.user_id,
        "touched_at": iso(reminder.touched_at),
        "lines": [
            {"product_id": line.product_id, "quantity": line.quantity}
            for line in sorted(cart.lines, key=lambda item: item.position)
        ],
    }


@dataclass(frozen=True)
class ReminderCounts:
    """Reminders issued in a window, how many of them an order followed, and the value of
    those carts (the sum of their subtotals)."""

    sent: int
    recovered: int
    recovered_value: int


def reminder_figures(counts: ReminderCounts, currency: str) -> dict[str, Any]:
    """{sent, recovered, recovery_rate (recovered / sent, 4 places; 0 when none were sent),
    recovered_carts_value (minor units), currency}."""
    rate = round(counts.recovered / counts.sent, 4) if counts.sent else 0.0
    return {
        "sent": counts.sent,
        "recovered": counts.recovered,
        "recovery_rate": rate,
        "recovered_carts_value": counts.recovered_value,
        "currency": currency,
    }


# -- ports -------------------------------------------------------------------------------------


class CartStorage(ABC):
    """Where carts are kept (`carts.RedisCarts`): every change is atomic, and one round trip.
    Raises `CartNotFound` for a cart that does not exist (or expired), `CartItemNotFound` for a
    line it lacks."""

    settings: CartSettings
    pricing: PricingSettings

    @abstractmethod
    def create(self) -> Cart:
        """A new, empty guest cart."""

    @abstractmethod
    def user_cart_id(self, user_id: str) -> str:
        """The user's one active cart, created when there is none."""

    @abstractmethod
    def read(self, cart_id: str) -> Cart:
        """The cart, its time to live refreshed."""

    @abstractmethod
    def set_line(
        self, cart: Cart, product_id: str, quantity: int, limit: int, price: int, add: bool
    ) -> tuple[int, int, Cart]:
        """Add `quantity` units (add) or set the line to it, never beyond `limit`. Returns
        (status: 1 done, -2 over the limit; the line's quantity; the cart after the change)."""

    @abstractmethod
    def remove_line(self, cart: Cart, product_id: str) -> None: ...

    @abstractmethod
    def set_coupon(self, cart: Cart, code: str | None) -> None:
        """Attach the coupon code, or (None) detach it."""

    @abstractmethod
    def clear(self, cart_id: str, event_id: str | None = None) -> bool:
        """Empty the cart; with `event_id`, at most once for that event. True when emptied."""

    @abstractmethod
    def delete(self, cart_id: str) -> bool: ...

    @abstractmethod
    def merge(
        self, guest_id: str, user_cart_id: str, caps: dict[str, int], coupon: str | None
    ) -> bool:
        """Fold the guest cart into the user's (each line capped at `caps`) and delete it;
        False when the guest cart was already gone."""


class Snapshots(ABC):
    """Products and stock levels as catalog and inventory last announced them
    (`snapshots.ProductSnapshots`)."""

    @abstractmethod
    def get_many(
        self, product_ids: Sequence[str], stock_ids: Sequence[str] = ()
    ) -> tuple[dict[str, dict], dict[str, dict]]:
        """(products, stock) found among the ids; stock as {id: {"available", "version"}}."""

    @abstractmethod
    def put_many(self, products: dict[str, dict], stock: dict[str, dict] | None = None) -> None:
        """Keep what the catalog and inventory just answered."""

    @abstractmethod
    def stock_changed(self, product_id: str, available: int, version: int) -> bool:
        """Apply inventory's announcement; False when a newer level is already held."""

    @abstractmethod
    def drop(self, product_id: str) -> None:
        """Forget the product after the catalog announced a change."""


class ProductSource(ABC):
    """The catalog's products and inventory's stock levels, asked now
    (`dependencies.RpcProductSource`)."""

    @abstractmethod
    def fetch(
        self, product_ids: Sequence[str], stock_ids: Sequence[str]
    ) -> tuple[dict[str, dict], dict[str, dict]]:
        """(products by id, stock by id) of those the services know; nothing is asked for an
        empty list, and the two questions go out together."""


class CouponRepository(Transactional):
    """Coupons and their redemptions (`repository.SqlCouponRepository`, on the worker's session:
    the service's unit of work commits; a merge commits its announcement before the cart is
    re-read, through `Transactional`). Codes are normalised by the repository."""

    @abstractmethod
    def find(self, code: str) -> Coupon | None:
        """The live coupon with this code."""

    @abstractmethod
    def get(self, code: str) -> Coupon:
        """As `find`; raises CouponNotFound."""

    @abstractmethod
    def lock(self, code: str) -> Coupon:
        """As `get`, the coupon locked until the transaction ends (redemptions are serialised)."""

    @abstractmethod
    def customer_uses(self, coupon_id: str | None, user_id: str | None) -> int:
        """How many live redemptions of the coupon the user has (0 for no user)."""

    @abstractmethod
    def redemption_of(self, order_id: str) -> Redemption | None:
        """The order's redemption, whatever its status."""

    @abstractmethod
    def redeem(
        self, coupon: Coupon, order_id: str, user_id: str | None, existing: Redemption | None
    ) -> None:
        """Record the order's use of the (locked) coupon, over its released redemption if any,
        and count it in `times_used`."""

    @abstractmethod
    def release(self, order_id: str) -> bool:
        """Give back the use of the order's redemption; False when there was none live."""

    @abstractmethod
    def list_rows(
        self, page: int, limit: int, q: str | None = None, active: bool | None = None
    ) -> tuple[list[CouponRow], int]:
        """A page of live coupons, newest first, and how many there are."""

    @abstractmethod
    def get_row(self, code: str) -> CouponRow:
        """The live coupon with this code, for administration; raises CouponNotFound."""

    @abstractmethod
    def add_row(self, values: dict[str, Any]) -> CouponRow:
        """Store a new coupon; raises CouponCodeTaken."""

    @abstractmethod
    def update_row(self, row: CouponRow, values: dict[str, Any]) -> None:
        """Change some fields of a coupon; raises CouponCodeTaken."""

    @abstractmethod
    def remove_row(self, row: CouponRow) -> None:
        """Delete a coupon never redeemed; else keep it (and its history) marked deleted."""


class ReminderIndex(ABC):
    """The owned carts with lines, by when their idle time started (`carts.RedisCarts` over
    `cart:touched`, which the cart's own scripts keep: a change marks it, emptying or deleting
    takes it out). A sweeper changes an entry only if the cart did not change since it was
    peeked: a newer change wins."""

    @abstractmethod
    def claim_sweep(self, seconds: int) -> bool:
        """True when no other sweep runs now (a claim never ended lapses after `seconds`)."""

    @abstractmethod
    def end_sweep(self) -> None:
        """Give up this worker's claim."""

    @abstractmethod
    def idle_since(self, before: datetime, limit: int) -> list[str]:
        """Up to `limit` carts whose mark is at or before `before`, the oldest first."""

    @abstractmethod
    def peek(self, cart_ids: Sequence[str]) -> list[IndexedCart]:
        """Each cart with its mark as they are now, no time to live refreshed (reading is not
        a change)."""

    @abstractmethod
    def reschedule(self, entry: IndexedCart, mark: datetime) -> bool:
        """Move the cart's mark to `mark`, unless it changed since `entry` was peeked."""

    @abstractmethod
    def forget(self, entry: IndexedCart) -> bool:
        """Take the cart out of the index, unless it changed since `entry` was peeked."""


class ReminderLog(Transactional):
    """The reminders the carts issued (`repository.SqlReminderLog`, on the worker's session,
    with its outbox)."""

    @abstractmethod
    def last_reminded(self, cart_ids: Sequence[str], since: datetime) -> dict[str, datetime]:
        """The latest reminder after `since` of each of these carts that had one."""

    @abstractmethod
    def add(self, reminder: Reminder) -> bool:
        """Store the reminder; False (nothing stored) when its cart already issued one for the
        same `touched_at`."""

    @abstractmethod
    def mark_recovered(self, cart_id: str, order_id: str, now: datetime, since: datetime) -> bool:
        """The cart's latest reminder after `since`, if no order recovered it yet, is
        recovered by `order_id` at `now`. False when there was none to mark."""

    @abstractmethod
    def counts(self, since: datetime) -> ReminderCounts:
        """The reminders issued after `since`, and those recovered."""


class Peers(ABC):
    """The other services the cart asks (`dependencies.RpcPeers`)."""

    @abstractmethod
    def reminder_preferences(self, user_ids: Sequence[str]) -> set[str]:
        """Of these users, the active ones who accept cart reminders (accounts)."""
