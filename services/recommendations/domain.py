"""Recommendations rules: co-purchase votes with forward decay, similarity, trending velocity,
which cards may be shown and in what order, and which source answers; and the ports the use
cases run over.

Pure Python: the repository (PostgreSQL), the view history (Redis) and the product source (the
catalog's RPC) are ports, the abstract classes below, implemented in `repository.py`, `views.py`
and `dependencies.py`, and by fakes in the unit tests.

Forward decay: a vote cast at `t` weighs `2 ** ((t - EPOCH) / half_life)`, a weight that grows
with time instead of old weights shrinking. At any read time `now` every stored sum decays by the
same factor `1 / vote_weight(now)`, so ordering by the stored sum is ordering by the decayed sum
and no row is ever rewritten. A float64 holds ~1000 half-lives past EPOCH (~80 years at 30 d);
before then a rebase (move EPOCH, divide every score by the weight of the new EPOCH) is due. It
is documented here and not built.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.common.errors import ValidationFailed
from services.common.ports import Transactional

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
ACTIVE = "active"
ARCHIVED = "archived"
ALSO_BOUGHT = "also_bought"
SIMILAR = "similar"
TRENDING = "trending"
KINDS = (ALSO_BOUGHT, SIMILAR)
ALL_SCOPE = "all"
BAND_BASE = 1.5
CONSUMER = "handle_order_confirmed"  # the processed_events name of the order handler
CHANGED = "recommendations_changed"  # the one event: {at}, readers' cache may be stale


@dataclass(frozen=True)
class Settings:
    """The tunables (config `RECOMMENDATIONS`, read by the service)."""

    half_life: timedelta = timedelta(days=30)
    max_lines: int = 20  # the lines of one order that make pairs
    trending_days: int = 7  # the velocity window
    trending_top: int = 100  # rows kept per trending scope
    viewed_max: int = 20  # products kept per recently-viewed history
    overfetch: int = 3  # candidates read per result shown
    co_purchases_kept: int = 200  # co-purchase rows kept per product by the hourly purge
    processed_events_days: int = 7  # how long an order event's id is remembered
    # how long a customer's vote for a pair bars another (six half-lives: it weighs under 2%);
    # older ones are forgotten, and a new purchase of the pair then votes afresh
    votes_kept_days: int = 180


# entities


@dataclass
class ProductCard:
    """This service's copy of a product: what a result shows and what ranking needs. `price` is
    in minor units."""

    product_id: str
    slug: str
    name: str
    price: int
    currency: str
    image: str | None
    category_id: str
    brand: str | None = None
    status: str = ACTIVE
    available: int = 0
    rating_average: float = 0.0
    rating_count: int = 0

    @property
    def price_band(self) -> int:
        return price_band(self.price)


@dataclass(frozen=True)
class Category:
    """A catalog category as this service keeps it: `path` is the ids from the root down to
    this one, joined by "/" (a root's path is its own id)."""

    category_id: str
    slug: str
    parent_id: str | None = None
    path: str = ""

    @property
    def root_id(self) -> str:
        return (self.path or self.category_id).split("/")[0]


@dataclass(frozen=True)
class Candidate:
    """A card some source offers, with that source's score (co-purchase sum, similarity or
    trending velocity): higher is better."""

    card: ProductCard
    score: float


@dataclass
class Recommendations:
    """What a read answers: the cards, and the source that gave them (also_bought, similar,
    trending)."""

    source: str
    items: list[ProductCard] = field(default_factory=list)


@dataclass(frozen=True)
class Viewer:
    """Whose history: a signed-in user, or a guest by their cart id (exactly one)."""

    user_id: str | None = None
    cart_id: str | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.cart_id is None):
            message = "exactly one of user_id and cart_id"
            raise ValidationFailed(message, {"user_id": [message], "cart_id": [message]})


# rules


def vote_weight(t: datetime, half_life: timedelta = Settings.half_life) -> float:
    """The weight of a vote cast at `t` (forward decay): doubles every `half_life` after
    EPOCH, so a vote one half-life older weighs half."""
    return float(2 ** ((t - EPOCH) / half_life))


def decayed(score: float, now: datetime, half_life: timedelta = Settings.half_life) -> float:
    """A stored sum of vote weights as it weighs at `now` (each vote then counts
    `2 ** -(age / half_life)`). The same factor for every row: ranking does not need it."""
    return score / vote_weight(now, half_life)


def order_pairs(
    product_ids: Sequence[str], max_lines: int = Settings.max_lines
) -> list[tuple[str, str]]:
    """The unordered pairs of one order's distinct products, each as (a, b) with a < b, sorted.
    Only the first `max_lines` lines count (bounds the fan-out); one product makes no pair."""
    distinct = sorted(set(product_ids[:max_lines]))
    return [(a, b) for i, a in enumerate(distinct) for b in distinct[i + 1 :]]


def units_sold(lines: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Units per product of one order's lines [{product_id, quantity}] (every line counts)."""
    units: dict[str, int] = {}
    for line in lines:
        units[line["product_id"]] = units.get(line["product_id"], 0) + int(line["quantity"])
    return units


def price_band(price: int) -> int:
    """The price's band: floor(log base 1.5 of the price), prices below 1 in band 0. Products
    one band apart differ by at most a factor 1.5**2 in price."""
    return math.floor(math.log(max(price, 1)) / math.log(BAND_BASE))


def root_of(category_id: str, categories: Mapping[str, Category]) -> str:
    """The root of a category (itself when unknown)."""
    category = categories.get(category_id)
    return category.root_id if category is not None else category_id


def similarity(base: ProductCard, cand: ProductCard, categories: Mapping[str, Category]) -> float:
    """How alike two products are: same leaf category +4; same parent or root +2 (a product of
    the same leaf has those too); same brand +2; price bands equal +2, one apart +1. So the same
    leaf outweighs the same brand, which outweighs the price band alone."""
    score = 0.0
    if cand.category_id == base.category_id:
        score += 4
    base_category = categories.get(base.category_id)
    cand_category = categories.get(cand.category_id)
    same_parent = (
        base_category is not None
        and cand_category is not None
        and base_category.parent_id is not None
        and base_category.parent_id == cand_category.parent_id
    )
    if (
        cand.category_id == base.category_id
        or same_parent
        or root_of(base.category_id, categories) == root_of(cand.category_id, categories)
    ):
        score += 2
    if base.brand and cand.brand and base.brand.casefold() == cand.brand.casefold():
        score += 2
    distance = abs(base.price_band - cand.price_band)
    score += {0: 2, 1: 1}.get(distance, 0)
    return score


def velocity(daily: Iterable[tuple[int, int]], days: int = Settings.trending_days) -> float:
    """Trending score of one product from its sales [(age_days, units)]: each day's units weigh
    (days - age) / days, so today counts whole and the day `days` ago not at all."""
    return sum(units * (days - age) / days for age, units in daily if 0 <= age < days)


def scope(category_id: str | None) -> str:
    """The trending scope of a category (`cat:<id>`, leaves and roots), or `all`."""
    return f"cat:{category_id}" if category_id else ALL_SCOPE


def trending_table(
    sales: Iterable[tuple[date, str, str, str, int]],
    today: date,
    days: int = Settings.trending_days,
    top: int = Settings.trending_top,
) -> dict[str, list[tuple[str, float]]]:
    """The trending rows from sales_daily rows (day, product_id, category_id, root_category_id,
    units): per scope (`all`, each leaf, each root) the `top` products by velocity, best first,
    ties by product id. What the repository's one SQL statement computes, for tests and seeds."""
    per_product: dict[str, list[tuple[int, int]]] = {}
    scopes_of: dict[str, set[str]] = {}
    for day, product_id, category_id, root_id, units in sales:
        per_product.setdefault(product_id, []).append(((today - day).days, units))
        scopes_of.setdefault(product_id, set()).update(
            {ALL_SCOPE, scope(category_id), scope(root_id)}
        )
    table: dict[str, list[tuple[str, float]]] = {}
    for product_id, daily in per_product.items():
        score = velocity(daily, days)
        if score <= 0:
            continue
        for name in scopes_of[product_id]:
            table.setdefault(name, []).append((product_id, score))
    return {
        name: sorted(rows, key=lambda row: (-row[1], row[0]))[:top] for name, rows in table.items()
    }


def eligible(card: ProductCard, exclude_id: str | None, include_out_of_stock: bool) -> bool:
    """May this card be shown: not the product itself, active, and in stock unless asked."""
    return (
        card.product_id != exclude_id
        and card.status == ACTIVE
        and (include_out_of_stock or card.available > 0)
    )


def rank(
    candidates: Iterable[Candidate],
    limit: int,
    exclude_id: str | None = None,
    include_out_of_stock: bool = False,
) -> list[ProductCard]:
    """The eligible cards, best score first (ties: more ratings, then product id), each once,
    at most `limit`."""
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        if not eligible(candidate.card, exclude_id, include_out_of_stock):
            continue
        seen = best.get(candidate.card.product_id)
        if seen is None or candidate.score > seen.score:
            best[candidate.card.product_id] = candidate
    ordered = sorted(
        best.values(), key=lambda c: (-c.score, -c.card.rating_count, c.card.product_id)
    )
    return [c.card for c in ordered[:limit]]


Source = Sequence[ProductCard] | Callable[[], Sequence[ProductCard]]


def choose_source(
    kind: str, also_bought: Source, similar: Source, trending: Source
) -> Recommendations:
    """The first non-empty source answers whole (sources are never mixed) and is named:
    also_bought falls back to similar, then trending; similar falls back to trending. A source
    may be a callable, asked only when reached (each is a read)."""
    if kind not in KINDS:
        message = f"kind must be one of {', '.join(KINDS)}"
        raise ValidationFailed(message, {"kind": [message]})
    order = [(ALSO_BOUGHT, also_bought)] if kind == ALSO_BOUGHT else []
    order += [(SIMILAR, similar), (TRENDING, trending)]
    for name, source in order:
        items = list(source() if callable(source) else source)
        if items:
            return Recommendations(name, items)
    return Recommendations(TRENDING, [])


def remember(
    history: Mapping[str, float], product_id: str, at: float, keep: int = Settings.viewed_max
) -> dict[str, float]:
    """A view history {product_id: viewed_at} after viewing `product_id` at `at`: the product
    moves to the front, and only the `keep` most recent stay (the VIEW script's ZADD and trim)."""
    merged = {**history, product_id: at}
    return dict(sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:keep])


def merge_histories(
    user: Mapping[str, float], guest: Mapping[str, float], keep: int = Settings.viewed_max
) -> dict[str, float]:
    """The user's history with a guest's folded in, the later view of a product winning, the
    `keep` most recent kept (the MERGE script's ZUNIONSTORE ... AGGREGATE MAX and trim)."""
    merged = dict(user)
    for product_id, at in guest.items():
        merged[product_id] = max(at, merged.get(product_id, at))
    return dict(sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:keep])


def card_from_catalog(product: Mapping[str, Any]) -> ProductCard:
    """A card from the catalog's `get_products` shape (catalog schemas.dump_product). Its image
    is the first picture's medium variant (800 px), what a grid of cards shows (the catalog's
    `image` is the 1600 px original), else whatever image the product has."""
    images = product.get("images") or []
    image = (images[0].get("medium_url") or images[0].get("url")) if images else None
    return ProductCard(
        product_id=product["id"],
        slug=product["slug"],
        name=product["name"],
        price=int(product["price"]),
        currency=product["currency"],
        image=image or product.get("image"),
        category_id=product["category_id"],
        brand=product.get("brand"),
        status=product.get("status") or ACTIVE,
        available=int(product.get("available") or 0),
        rating_average=float(product.get("rating_average") or 0),
        rating_count=int(product.get("rating_count") or 0),
    )


def category_from_catalog(category: Mapping[str, Any]) -> Category:
    """A category from the catalog's `get_category` shape (ancestors [{id, name}], root first)."""
    ancestors = [a["id"] for a in category.get("ancestors") or []]
    return Category(
        category_id=category["id"],
        slug=category["slug"],
        parent_id=ancestors[-1] if ancestors else category.get("parent_id"),
        path="/".join([*ancestors, category["id"]]),
    )


# ports


class RecommendationsRepository(Transactional):
    """This service's tables. Every method works inside the caller's unit of work (the service
    commits); reads join the cards, so a result needs no call to the catalog."""

    # orders

    @abstractmethod
    def first_delivery(self, event_id: str | None, consumer: str) -> bool:
        """Claim an event for `consumer` (processed_events, same transaction); False when it was
        handled before. No event id: True (nothing to deduplicate on)."""

    @abstractmethod
    def record_customer_pairs(
        self, user_id: str, pairs: Sequence[tuple[str, str]], at: datetime
    ) -> list[tuple[str, str]]:
        """Remember that `user_id` bought each pair (a < b); returns only the pairs that were
        new for this customer (INSERT ... ON CONFLICT DO NOTHING RETURNING): one vote per
        customer per pair."""

    @abstractmethod
    def add_co_purchases(
        self, pairs: Sequence[tuple[str, str]], weight: float, at: datetime
    ) -> None:
        """One vote of `weight` for each pair, in both directions: score += weight, votes += 1,
        last_at = at (one upsert statement)."""

    @abstractmethod
    def add_daily_sales(self, day: date, units: Mapping[str, int]) -> None:
        """Add one order's units per product to `day`'s sales (units += n, orders += 1), with
        each product's category and root taken from its card (one upsert statement; products
        without a card are skipped)."""

    @abstractmethod
    def purge(self, events_before: datetime, keep_per_product: int, votes_before: datetime) -> int:
        """Forget processed event ids older than `events_before`, customers' votes (one per
        pair) cast before `votes_before`, and each product's co-purchases past its
        `keep_per_product` best by score; returns the co-purchase rows deleted."""

    # cards

    @abstractmethod
    def cards(self, product_ids: Sequence[str]) -> list[ProductCard]:
        """The cards of these ids, whatever their status, in any order; unknown ids absent."""

    @abstractmethod
    def upsert_cards(self, cards: Sequence[ProductCard]) -> None:
        """Insert or update the cards. A new card takes its `available`; an existing one keeps
        its stock and stock version (inventory's `stock_changed` owns them)."""

    @abstractmethod
    def archive_cards(self, product_ids: Sequence[str]) -> None:
        """Set these cards' status to archived (unknown ids: nothing)."""

    @abstractmethod
    def apply_stock(self, product_id: str, available: int, version: int) -> bool:
        """Set a card's stock when `version` is newer than the one applied (WHERE
        stock_version < version); False when older, repeated, or no card."""

    # candidates

    @abstractmethod
    def co_purchase_candidates(self, product_id: str, limit: int) -> list[Candidate]:
        """The products bought with `product_id`, score (the stored sum of vote weights)
        highest first, at most `limit`, with their cards (any status)."""

    @abstractmethod
    def similar_candidates(
        self, card: ProductCard, limit: int, include_out_of_stock: bool = False
    ) -> list[ProductCard]:
        """The eligible cards like `card` (never itself): its category within one price band,
        its parent's other leaves in its band, and its brand in its band. It holds the `limit`
        best of that pool by `similarity` (the caller scores and ranks, so it may hold more), and
        reads the leaf first: a read costs `limit`-bounded work whatever the pool's size."""

    @abstractmethod
    def trending_rows(self, scope: str, limit: int) -> list[Candidate]:
        """A trending scope's products by rank (score = velocity), at most `limit`, with their
        cards (any status)."""

    @abstractmethod
    def recompute_trending(self, today: date, days: int, top: int) -> int:
        """Replace every scope's trending rows with `trending_table` of the sales of the `days`
        up to `today`; returns the rows written."""

    # categories

    @abstractmethod
    def categories(self, category_ids: Iterable[str]) -> dict[str, Category]:
        """These categories by id (unknown ones absent)."""

    @abstractmethod
    def find_category(self, id_or_slug: str) -> Category | None:
        """A category by id or slug."""

    @abstractmethod
    def upsert_category(self, category: Category) -> None: ...

    @abstractmethod
    def delete_category(self, category_id: str) -> None:
        """Forget a category (unknown: nothing)."""


class ViewHistory(ABC):
    """Recently viewed products per viewer (Redis ZSETs `reco:viewed:u:<user_id>` and
    `reco:viewed:g:<cart_id>`, one round trip per method), and the dirty flag that tells the
    publisher readers may see stale results."""

    @abstractmethod
    def record(self, viewer: Viewer, product_id: str, at: datetime) -> None:
        """Put `product_id` at the front of the viewer's history (`remember`): the newest
        `viewed_max` stay, and the key's TTL is refreshed."""

    @abstractmethod
    def recent(self, viewer: Viewer, limit: int) -> list[str]:
        """The viewer's product ids, most recent first, at most `limit`."""

    @abstractmethod
    def merge(self, guest_cart_id: str, user_id: str) -> bool:
        """Fold the guest history into the user's (`merge_histories`) and delete it; False,
        changing nothing, when there is no guest history (a repeat)."""

    @abstractmethod
    def mark_dirty(self) -> None:
        """Something readers see changed (SET reco:dirty 1). The use cases mark inside the unit
        of work; the adapter should set the flag once it commits, so a publish never precedes
        the change it announces."""

    @abstractmethod
    def take_dirty(self) -> bool:
        """Whether the flag was set, clearing it (GETDEL)."""


class ProductSource(ABC):
    """What this service asks the catalog, on its events only (never on a read)."""

    @abstractmethod
    def cards(self, product_ids: Sequence[str]) -> list[ProductCard]:
        """The catalog's products of these ids as cards (`card_from_catalog`); unknown ids are
        absent."""

    @abstractmethod
    def category(self, category_id: str) -> Category | None:
        """The catalog's category (`category_from_catalog`), None when it has none."""
