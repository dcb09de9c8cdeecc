"""Catalog rules: search query parsing and fallback, slugs, category trees, product validation,
and the ports the use cases (usecases.py) run them over.

No nameko, SQLAlchemy or Redis here: the adapters (repository.py, search.py) run what these
functions decide.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.catalog.exceptions import CategoryNotEmpty, InvalidProduct, SlugTaken
from services.common.actor import Actor
from services.common.ports import Transactional

STATUSES = ("active", "draft", "archived")
SORTS = ("relevance", "price_asc", "price_desc", "newest", "rating")
MIN_TERM_LENGTH = 2
MAX_TERMS = 8
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, accents stripped: "Écouteurs" -> "ecouteurs"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The searchable words of a text (letters and digits only, so they are safe in a tsquery)."""
    return _WORD.findall(normalise(text))


def lexicon_words(*texts: str) -> set[str]:
    """The words of a product's name and brand that typos are corrected against."""
    return {w for text in texts for w in words(text) if len(w) >= 3 and not w.isdigit()}


@dataclass
class SearchTerm:
    """One word of the query and how the dictionary resolved it."""

    text: str
    prefix: bool = False  # match as a prefix (the word is being typed)
    alternatives: list[str] = field(default_factory=list)  # spelling corrections


@dataclass
class SearchPlan:
    terms: list[SearchTerm]

    def tsquery(self, mode: str = "and") -> str:
        """`to_tsquery('english', ...)` text: every term (or any, mode="or"), each term OR'ed
        with its corrections; the last term also matches as a prefix."""
        parts = []
        for term in self.terms:
            options = [term.text + (":*" if term.prefix else ""), *term.alternatives]
            parts.append(options[0] if len(options) == 1 else "(" + " | ".join(options) + ")")
        return (" & " if mode == "and" else " | ").join(parts)

    def corrected_text(self) -> str:
        """The query as the user probably meant it, for trigram similarity ranking."""
        return " ".join(t.alternatives[0] if t.alternatives else t.text for t in self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)


def plan_search(
    query: str,
    known: Callable[[str], bool],
    has_prefix: Callable[[str], bool],
    corrections: Callable[[str], list[str]],
) -> SearchPlan:
    """Resolve each query word against the product dictionary.

    A known word is searched as is; an unknown word that starts some dictionary word is searched
    as a prefix ("headph"); any other unknown word is replaced by its closest dictionary words by
    trigram similarity ("hedphones" -> "headphones"), or, with none close, searched as typed (as a
    prefix when it is the last word).
    """
    tokens = [w for w in words(query) if len(w) >= MIN_TERM_LENGTH or w.isdigit()][:MAX_TERMS]
    terms = []
    for index, token in enumerate(tokens):
        last = index == len(tokens) - 1
        if token.isdigit() or known(token):
            # a whole dictionary word is matched exactly: a prefix scan of the index costs ten
            # times more, and stemming already covers its other forms
            terms.append(SearchTerm(token))
        elif has_prefix(token):
            terms.append(SearchTerm(token, prefix=True))
        else:
            found = corrections(token)
            if found:
                terms.append(SearchTerm(found[0], alternatives=found[1:]))
            else:
                terms.append(SearchTerm(token, prefix=last))
    return SearchPlan(terms)


_PLAIN_BRAND = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)*$")


def brand_tsquery(brands: list[str]) -> str | None:
    """A tsquery matching the brand field (weight B) of any of `brands`, or None when a brand
    has punctuation the text-search parser may split differently (then only the exact filter
    applies). ["sony", "the north face"] -> "((sony:B) | (the:B & north:B & face:B))"."""
    groups = []
    for brand in brands:
        plain = " ".join(normalise(brand).split())
        if not _PLAIN_BRAND.match(plain):
            return None
        groups.append("(" + " & ".join(f"{w}:B" for w in plain.split()) + ")")
    return "(" + " | ".join(groups) + ")" if groups else None


# -- search fallback ---------------------------------------------------------------------------

NO_MATCH, ALL_WORDS, ANY_WORD, TRIGRAM = "none", "and", "or", "trigram"


@dataclass
class ProductPage:
    """A page of product records (rows the adapter read) and its meta: page, limit, total,
    total_pages, total_relation, facets (when asked), query (the use case adds it)."""

    products: list[Any]
    meta: dict[str, Any]

    @property
    def total(self) -> int:
        return int(self.meta["total"])


def search_text(query: dict[str, Any]) -> str:
    """The text a listing searches for: `q`, or its alias `search`, trimmed ("" for none)."""
    return (query.get("q") or query.get("search") or "").strip()


def default_sort(sort: str | None, text: str) -> str:
    """The sort asked for; else relevance for a text search, newest first for a listing."""
    return sort or ("relevance" if text else "newest")


def search_strategies(plan: SearchPlan | None, text: str) -> list[str]:
    """The match strategies to try in turn: every word, then any word (with more than one),
    then trigram similarity of the whole phrase. Trigram alone when no word of the text could
    be planned; no text match at all without text."""
    if plan:
        if len(plan.terms) > 1:
            return [ALL_WORDS, ANY_WORD, TRIGRAM]
        return [ALL_WORDS, TRIGRAM]
    return [TRIGRAM] if text else [NO_MATCH]


def search_with_fallback(
    plan: SearchPlan | None, text: str, run: Callable[[str], ProductPage]
) -> ProductPage:
    """The page of the first strategy (`search_strategies`) that finds a product, or the last
    one's empty page."""
    strategies = search_strategies(plan, text)
    for strategy in strategies[:-1]:
        page = run(strategy)
        if page.total > 0:
            return page
    return run(strategies[-1])


def query_meta(text: str, plan: SearchPlan | None, sort: str) -> dict[str, Any]:
    """meta.query of a listing: the text, as interpreted (typos corrected), and the sort."""
    return {
        "text": text or None,
        "interpreted": plan.corrected_text() if plan else None,
        "sort": sort,
    }


def scoped_to(query: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """A seller lists only their own products, whatever seller_id the query names."""
    return {**query, "seller_id": actor.user_id} if actor.is_seller else query


FEATURED_MAX = 50


def featured_limit(limit: Any) -> int:
    """How many featured products a call gets: 1..FEATURED_MAX."""
    return max(1, min(int(limit), FEATURED_MAX))


# -- products ----------------------------------------------------------------------------------


def slugify(text: str) -> str:
    return "-".join(words(text))[:200] or "item"


def default_slug(requested: str | None, name: str) -> str:
    """The slug asked for, else one made of the name ("Sony WH-1000" -> "sony-wh-1000")."""
    return requested or slugify(name)


def new_id() -> str:
    return str(uuid.uuid4())


def check_slug_free(slug: str, holder_id: str | None, own_id: str | None = None) -> None:
    """SlugTaken when `holder_id` (who has the slug now, if anyone) is someone else."""
    if holder_id is not None and holder_id != own_id:
        raise SlugTaken(f"slug {slug} is taken", {"slug": slug})


def check_compare_at(price: int, compare_at: int | None) -> None:
    """A compare-at ("was") price is at least the price; InvalidProduct naming it otherwise."""
    if compare_at is not None and compare_at < price:
        raise InvalidProduct(
            "compare-at price below price",
            {"fields": {"compare_at_price": ["Must be at least the price."]}},
        )


def check_category_known(category_id: str, known: bool) -> None:
    """A product's category must exist; InvalidProduct naming category_id otherwise."""
    if not known:
        raise InvalidProduct(
            "unknown category",
            {"fields": {"category_id": [f"No category has id {category_id}."]}},
        )


def new_product_columns(
    fields: dict[str, Any], slug: str, actor: Actor, seller_id: str | None, product_id: str
) -> dict[str, Any]:
    """A new product's columns: as given, with its slug and owner, created by `actor`, and
    nothing available until inventory says otherwise."""
    return {
        "id": product_id,
        **{**fields, "slug": slug},
        "created_by": actor.user_id,
        "seller_id": seller_id,
        "available": 0,
        "stock_version": 0,
    }


def apply_changes(entity: Any, changes: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set each changed attribute; returns {field: (old, new)} of those that differed."""
    diff = {}
    for key, value in changes.items():
        old = getattr(entity, key)
        if old != value:
            diff[key] = (old, value)
            setattr(entity, key, value)
    return diff


def archive(product: Any, now: datetime) -> bool:
    """Hide a product from the storefront; False when it already was."""
    if product.status == "archived":
        return False
    product.status = "archived"
    product.updated_at = now
    return True


def image_of_media(media: dict[str, Any]) -> dict[str, Any]:
    """The product image of a processed upload (media_processed): its id is the media id, its
    url the largest variant there is. KeyError without a media_id."""
    media_id = media["media_id"]
    variants = media.get("variants") or {}
    return {
        "id": media_id,
        "url": variants.get("large") or variants.get("medium") or media.get("url"),
        "thumbnail_url": variants.get("thumbnail"),
        "medium_url": variants.get("medium"),
        "large_url": variants.get("large"),
    }


def product_announcement(product: Any, user_id: str | None) -> dict[str, Any]:
    """The payload of product_created, and the base of product_updated's."""
    return {
        "product_id": product.id,
        "slug": product.slug,
        "name": product.name,
        "price": product.price,
        "currency": product.currency,
        "category_id": product.category_id,
        "status": product.status,
        "seller_id": product.seller_id,
        "user_id": user_id,
    }


def update_announcement(
    product: Any, user_id: str | None, diff: dict[str, tuple[Any, Any]]
) -> dict[str, Any]:
    """product_updated's payload: what changed, and the price before when it did."""
    payload = {**product_announcement(product, user_id), "changed": sorted(diff)}
    if "price" in diff:
        payload["previous_price"] = diff["price"][0]
    return payload


@dataclass
class SlugPage:
    """One sitemap page of products: the id it starts after (None: the first), how many it
    holds and its latest change."""

    after: str | None
    count: int
    lastmod: datetime | None


def slug_pages(cuts: Iterable[Any]) -> list[SlugPage]:
    """Pages from the cuts (last id, count n, lastmod) of an id-ordered scan: each page starts
    after the last id of the one before."""
    pages, after = [], None
    for cut in cuts:
        pages.append(SlugPage(after, cut.n, cut.lastmod))
        after = cut.last
    return pages


@dataclass
class CategoryNode:
    id: str
    parent_id: str | None
    slug: str
    name: str
    description: str
    path: str
    position: int
    product_count: int = 0
    children: list[CategoryNode] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "slug": self.slug,
            "name": self.name,
            "description": self.description,
            "path": self.path,
            "depth": self.path.strip("/").count("/"),
            "product_count": self.product_count,
            "children": [child.as_dict() for child in self.children],
        }


def build_tree(nodes: Iterable[CategoryNode]) -> list[CategoryNode]:
    """Roots with nested children, each level ordered by position then name; a node's
    product_count includes its descendants'."""
    by_id = {node.id: node for node in nodes}
    roots: list[CategoryNode] = []
    for node in by_id.values():
        parent = by_id.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)

    def settle(level: list[CategoryNode]) -> int:
        level.sort(key=lambda n: (n.position, n.name))
        total = 0
        for node in level:
            node.product_count += settle(node.children)
            total += node.product_count
        return total

    settle(roots)
    return roots


def category_path(parent_path: str | None, category_id: str) -> str:
    return f"{parent_path or '/'}{category_id}/"


def is_descendant_path(path: str, ancestor_path: str) -> bool:
    return path.startswith(ancestor_path)


def check_category_move(new_parent_path: str | None, category_path: str) -> None:
    """A category cannot move under itself or one of its descendants (InvalidProduct naming
    parent_id); None is the root, always allowed."""
    if new_parent_path is not None and is_descendant_path(new_parent_path, category_path):
        raise InvalidProduct(
            "a category cannot move under itself",
            {"fields": {"parent_id": ["Must not be the category or one of its children."]}},
        )


def check_category_empty(category: Any, products: int, children: int) -> None:
    """A category that still holds products or subcategories cannot be deleted."""
    if products or children:
        raise CategoryNotEmpty(
            f"category {category.slug} still holds products or subcategories",
            {"category_id": category.id, "products": products, "children": children},
        )


CATEGORY_FIELDS = ("name", "slug", "description", "position")


def edit_category(category: Any, changes: dict[str, Any]) -> None:
    """Set the plain fields of `changes` (the parent is moved apart, `check_category_move`)."""
    for key in CATEGORY_FIELDS:
        if key in changes:
            setattr(category, key, changes[key])


def ancestor_ids(path: str) -> list[str]:
    """The ids above a category, root first: "/e/a/h/" -> ["e", "a"]."""
    return [a for a in path.strip("/").split("/")[:-1] if a]


def find_node(nodes: Iterable[CategoryNode], category_id: str) -> CategoryNode | None:
    """The node of `category_id` anywhere in the tree."""
    for node in walk(nodes):
        if node.id == category_id:
            return node
    return None


def walk(nodes: Iterable[CategoryNode]) -> Iterator[CategoryNode]:
    """Every node of the tree, parents before their children."""
    for node in nodes:
        yield node
        yield from walk(node.children)


@dataclass
class CategoryDetail:
    """A category's node (with children and counts) and its ancestors [(id, name)], root first."""

    node: CategoryNode
    ancestors: list[tuple[str, str | None]]


# -- ownership -------------------------------------------------------------------------------

REASSIGN_REFUSED = "Only an admin assigns a product to another seller."


def owner_of_new_product(actor: Actor, requested: str | None) -> str | None:
    """The seller_id a new product gets: a seller's own id; whatever an admin names (None: the
    shop's own). Raises InvalidProduct (seller_id) when a seller names another owner."""
    if actor.is_seller:
        if requested not in (None, actor.user_id):
            raise _refused()
        return actor.user_id
    return requested


def check_owner_change(actor: Actor, current: str | None, requested: str | None) -> None:
    """A seller may not hand their product to another seller or to the shop; an admin may."""
    if not actor.sees_everything and requested != current:
        raise _refused()


def _refused() -> InvalidProduct:
    return InvalidProduct(REASSIGN_REFUSED, {"fields": {"seller_id": [REASSIGN_REFUSED]}})


# -- ports -------------------------------------------------------------------------------------
# A product record is a row of the product columns with category_slug, category_name and images
# (a list of image dicts, ordered): what schemas.dump_product turns into the RPC shape. A product
# entity is the stored product itself, changed in place and written at the next flush.


class CatalogRepository(Transactional):
    """Storage of products and categories, within one unit of work (the service commits; a use
    case that changed nothing rolls back through `Transactional`, its events with it)."""

    # product reads

    @abstractmethod
    def get_product(self, product_id: str) -> Any | None:
        """The product record, archived ones included."""

    @abstractmethod
    def get_product_by_slug(self, slug: str, storefront: bool = True) -> Any | None:
        """The product record with that slug (only an active one for the storefront)."""

    @abstractmethod
    def get_products(self, product_ids: list[str]) -> list[Any]:
        """The records of the ids that exist."""

    @abstractmethod
    def featured(self, limit: int) -> list[Any]:
        """Active featured product records, best rated first."""

    @abstractmethod
    def owners(self, product_ids: list[str]) -> dict[str, str | None]:
        """{product_id: seller_id} of the ids that exist (archived ones included)."""

    @abstractmethod
    def seller_product_ids(self, seller_id: str, limit: int) -> list[str]:
        """A seller's product ids, newest first."""

    @abstractmethod
    def product_slugs(self, after: str | None, limit: int, upto: str | None) -> list[Any]:
        """Active products' (id, slug, updated_at) in id order, after `after`, up to `upto`
        inclusive, both compared in the database's order."""

    @abstractmethod
    def product_slug_cuts(self, size: int) -> list[Any]:
        """Active products cut into pages of `size` in id order: (last id, n, lastmod) each."""

    @abstractmethod
    def category_slugs(self) -> list[Any]:
        """Every category's (id, slug, updated_at), parents before their children."""

    # product writes

    @abstractmethod
    def lock_product(self, product_id: str) -> Any | None:
        """The product entity (with its images), locked for update."""

    @abstractmethod
    def category_exists(self, category_id: str) -> bool: ...

    @abstractmethod
    def product_slug_holder(self, slug: str) -> str | None:
        """The id of the product with this slug, if any."""

    @abstractmethod
    def add_product(self, columns: dict[str, Any], images: list[dict[str, Any]]) -> Any:
        """Add a product entity with these columns and images (written at the next flush)."""

    @abstractmethod
    def replace_images(self, product: Any, images: list[dict[str, Any]]) -> None:
        """The product's images become these, in this order."""

    @abstractmethod
    def image(self, image_id: str) -> Any | None:
        """The image entity (id, product_id)."""

    @abstractmethod
    def add_image(self, product_id: str, image: dict[str, Any], position: int) -> None: ...

    @abstractmethod
    def delete_image(self, image: Any) -> None:
        """Delete it at once."""

    @abstractmethod
    def apply_stock(self, product_id: str, available: int, version: int | None) -> bool:
        """Record inventory's availability; True when it changed. An older or repeated
        version changes nothing; a newer one with the same availability is recorded, False."""

    @abstractmethod
    def set_rating(self, product_id: str, average: float, count: int) -> bool:
        """True when the rating changed."""

    @abstractmethod
    def flush(self, slug: str | None = None) -> None:
        """Write pending changes now; with `slug`, a duplicate slug raises SlugTaken."""

    # categories

    @abstractmethod
    def category(self, id_or_slug: str) -> Any | None:
        """The category entity with this id or slug."""

    @abstractmethod
    def category_slug_holder(self, slug: str) -> str | None:
        """The id of the category with this slug, if any."""

    @abstractmethod
    def category_nodes(self) -> list[CategoryNode]:
        """Every category as a node with its own active product count (no children yet)."""

    @abstractmethod
    def category_names(self, category_ids: list[str]) -> dict[str, str]: ...

    @abstractmethod
    def add_category(self, columns: dict[str, Any]) -> None: ...

    @abstractmethod
    def move_category(self, category: Any, parent_id: str | None, new_path: str) -> None:
        """Put `category` under `parent_id` at `new_path`, its descendants' paths with it."""

    @abstractmethod
    def category_contents(self, category_id: str) -> tuple[int, int]:
        """(products, subcategories) in the category itself."""

    @abstractmethod
    def delete_category(self, category: Any) -> None: ...


class ProductSearch(ABC):
    """Product listings and text search: one page per call, over the same transaction."""

    @abstractmethod
    def filters(self, query: dict[str, Any], text: str) -> Any:
        """The listing's filters (ListQuery) resolved once for every strategy tried."""

    @abstractmethod
    def plan(self, text: str) -> SearchPlan:
        """The text's words resolved against the product dictionary (typos, prefixes)."""

    @abstractmethod
    def page(
        self,
        filters: Any,
        strategy: str,
        plan: SearchPlan | None,
        text: str,
        sort: str,
        page: int,
        limit: int,
        facets: bool,
    ) -> ProductPage:
        """A page of products matching the filters and the text by `strategy`, in `sort`."""

    @abstractmethod
    def remember_words(self, *texts: str) -> None:
        """Add the words of a product's name and brand to the dictionary."""
