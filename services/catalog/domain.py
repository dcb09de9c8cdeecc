"""Catalog rules: search query parsing, slugs, category trees, product validation.

No nameko, SQLAlchemy or Redis here: the repository (dependencies.py) runs what these functions
decide.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from services.catalog.exceptions import InvalidProduct
from services.common.actor import Actor

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


def slugify(text: str) -> str:
    return "-".join(words(text))[:200] or "item"


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
