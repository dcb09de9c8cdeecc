"""Product listings and text search in PostgreSQL: `SqlProductSearch`, the `domain.ProductSearch`
port on one SQLAlchemy session, with the dictionary of product words (`search_terms`) that typos
are corrected against, and `LexiconCache`, how query words resolved in it, per process.

A page costs the same whether it holds 20 products or the table a million: one statement for the
page's ids, the total and the facets, one for the page's rows (with their images). Which match
strategy runs when is the domain's (`domain.search_with_fallback`); the SQL of each is here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text

from services.catalog import domain
from services.catalog.models import Category, SearchTerm
from services.catalog.repository import category_by_id_or_slug, product_rows
from services.common import pagination
from services.common.database import SqlRepository, insert

COUNT_CAP = 5000  # matches counted exactly (see SqlProductSearch.page)

SORT_SQL = {
    "relevance": "rank DESC, p.id",
    "price_asc": "p.price ASC, p.id",
    "price_desc": "p.price DESC, p.id",
    "newest": "p.created_at DESC, p.id",
    "rating": "p.rating_average DESC, p.rating_count DESC, p.id",
}

# Resolves every query word against the dictionary in one round trip.
LEXICON_SQL = text(
    """
    WITH t AS (
        SELECT token,
               EXISTS (SELECT 1 FROM search_terms WHERE word = token) AS known,
               EXISTS (SELECT 1 FROM search_terms WHERE word LIKE token || '%') AS has_prefix
        FROM unnest(CAST(:tokens AS text[])) AS token
    )
    SELECT t.token, t.known, t.has_prefix,
           COALESCE(s.words, '{}') AS corrections, COALESCE(s.scores, '{}') AS scores
    FROM t LEFT JOIN LATERAL (
        SELECT array_agg(word ORDER BY sim DESC, word) AS words,
               array_agg(sim ORDER BY sim DESC, word) AS scores
        FROM (SELECT word, similarity(word, t.token) AS sim FROM search_terms
              WHERE NOT t.has_prefix AND length(t.token) >= 4 AND word % t.token
              ORDER BY sim DESC, word LIMIT 3) AS close_words
    ) AS s ON true
    """
)


class LexiconCache:
    """How query words resolved against the dictionary, per process, for `ttl` seconds: most
    searches repeat words, and this saves them a round trip. A word added to the dictionary is
    recognised at the latest `ttl` seconds later."""

    def __init__(self, size: int = 20_000, ttl: float = 60.0):
        self.size, self.ttl = size, ttl
        self.entries: dict[str, tuple[float, tuple]] = {}

    def get(self, token: str) -> tuple | None:
        found = self.entries.get(token)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, token: str, value: tuple) -> tuple:
        if len(self.entries) >= self.size:
            self.entries.clear()
        self.entries[token] = (time.monotonic() + self.ttl, value)
        return value

    def clear(self) -> None:
        self.entries.clear()


LEXICON_CACHE = LexiconCache()


@dataclass
class Filters:
    """A listing's WHERE clauses and their parameters, and the brand filter as a tsquery (for
    a text search, so the full-text index narrows by brand too)."""

    where: list[str]
    params: dict[str, Any]
    brand_tsq: str | None


class SqlProductSearch(SqlRepository, domain.ProductSearch):
    """The port on the worker's session (`SqlRepository`), the repository's session too: the
    words it remembers are committed or rolled back with the product's change."""

    def filters(self, query: dict, text_query: str) -> Filters:
        status = query.get("status") or "active"
        where = ["TRUE"] if status == "any" else ["p.status = :status"]
        params: dict[str, Any] = {} if status == "any" else {"status": status}
        if query.get("ids"):
            params["ids"] = list(query["ids"])
            where.append("p.id = ANY(:ids)")
        if query.get("seller_id"):
            params["seller_id"] = query["seller_id"]
            where.append("p.seller_id = :seller_id")
        if query.get("category"):
            params["cats"] = self._descendant_ids(query["category"])
            where.append("p.category_id = ANY(:cats)")
        brand_tsq = None
        if query.get("brand"):
            brands = [b.strip().lower() for b in query["brand"].split(",") if b.strip()]
            params["brands"] = brands
            brand_tsq = domain.brand_tsquery(brands) if text_query else None
            # with a text query the GIN index already narrows by brand (brand_tsq): filtering
            # on a form the brand index cannot serve keeps the planner off a 25k-row bitmap
            brand_expr = "lower(p.brand || '')" if brand_tsq else "lower(p.brand)"
            where.append(f"{brand_expr} = ANY(:brands)")
        if query.get("min_price") is not None:
            params["min_price"] = query["min_price"]
            where.append("p.price >= :min_price")
        if query.get("max_price") is not None:
            params["max_price"] = query["max_price"]
            where.append("p.price <= :max_price")
        if query.get("in_stock"):
            where.append("p.available > 0")
        elif query.get("in_stock") is False:
            where.append("p.available <= 0")
        if query.get("featured") is not None:
            params["featured"] = query["featured"]
            where.append("p.featured = :featured")
        return Filters(where, params, brand_tsq)

    def _descendant_ids(self, id_or_slug: str) -> list[str]:
        root = category_by_id_or_slug(self.session, id_or_slug)
        if root is None:
            return []
        return list(
            self.session.execute(
                select(Category.id).where(Category.path.startswith(root.path))
            ).scalars()
        )

    def plan(self, text_query: str) -> domain.SearchPlan:
        tokens = [w for w in domain.words(text_query) if len(w) >= domain.MIN_TERM_LENGTH]
        tokens = tokens[: domain.MAX_TERMS]
        if not tokens:
            return domain.SearchPlan([])
        entries = {t: LEXICON_CACHE.get(t) for t in tokens}
        missing = [t for t, entry in entries.items() if entry is None]
        if missing:
            for row in self.session.execute(LEXICON_SQL, {"tokens": missing}):
                best = row.scores[0] if row.scores else 0
                close = [
                    w for w, s in zip(row.corrections, row.scores, strict=False) if s >= best - 0.05
                ]
                entries[row.token] = LEXICON_CACHE.put(
                    row.token, (row.known, row.has_prefix, close)
                )
        return domain.plan_search(
            text_query,
            known=lambda t: bool(entries.get(t) and entries[t][0]),
            has_prefix=lambda t: bool(entries.get(t) and entries[t][1]),
            corrections=lambda t: list(entries[t][2]) if entries.get(t) else [],
        )

    def page(
        self,
        filters: Filters,
        strategy: str,
        plan: domain.SearchPlan | None,
        text_query: str,
        sort: str,
        page: int,
        limit: int,
        facets: bool,
    ) -> domain.ProductPage:
        match_where, rank, match_params = self._match(strategy, plan, text_query, filters.brand_tsq)
        return self._page(
            filters.where + match_where,
            {**filters.params, **match_params},
            rank,
            sort,
            page,
            limit,
            facets,
        )

    def _match(
        self, mode: str, plan: domain.SearchPlan | None, raw: str, brand_tsq: str | None = None
    ):
        if mode == domain.NO_MATCH or (plan is None and mode != domain.TRIGRAM):
            return [], "0", {}
        if mode == domain.TRIGRAM:
            phrase = plan.corrected_text() if plan else domain.normalise(raw)
            return (
                ["CAST(:phrase AS text) <% p.search_text"],
                "word_similarity(CAST(:phrase AS text), p.search_text)",
                {"phrase": phrase},
            )
        tsq = "to_tsquery('english', CAST(:tsq AS text))"
        return (
            [f"p.search_vector @@ {tsq}"],
            # full-text weights A/B/C: a match in the name counts most, then brand, then
            # description (trigram closeness ranks only the fallback: it costs as much again)
            f"ts_rank(p.search_vector, {tsq})",
            # the brand filter joins the full-text query too (weight B = the brand field), so the
            # GIN index intersects both and only the rows of that brand are fetched
            {"tsq": f"({plan.tsquery(mode)}) & {brand_tsq}" if brand_tsq else plan.tsquery(mode)},
        )

    def _page(self, where, params, rank, sort, page, limit, with_facets) -> domain.ProductPage:
        """The page's ids, the total and the facets in one statement over the matching rows (a
        materialised CTE, read once); then the page's full rows by primary key.

        Like Elasticsearch's default `track_total_hits`, counting stops at COUNT_CAP matches: a
        broader query reports `total_relation: "gte"`, and its facets and relevance ranking cover
        those first matches. Page order for the other sorts is always exact (an index-ordered
        query of its own).
        """
        clause = " AND ".join(where)
        relevance = sort == "relevance" and rank != "0"
        order = SORT_SQL[sort] if relevance or sort != "relevance" else SORT_SQL["newest"]
        if with_facets:
            totals = (
                "m.category_id, m.brand, count(*), min(m.price), max(m.price), "
                "GROUPING(m.category_id), GROUPING(m.brand), "
                "(SELECT c.slug FROM categories c WHERE c.id = m.category_id), "
                "(SELECT c.name FROM categories c WHERE c.id = m.category_id) FROM m "
                "GROUP BY GROUPING SETS ((m.category_id), (m.brand), ())"
            )
        else:  # the total and price range only: GROUPING() needs a grouped column
            totals = "NULL, NULL, count(*), min(m.price), max(m.price), 1, 1, NULL, NULL FROM m"
        if relevance:
            page_sql = (
                f"SELECT p.id, row_number() OVER (ORDER BY {order}) AS n FROM m p "  # noqa: S608
                f"ORDER BY {order} LIMIT :limit OFFSET :offset"
            )
        else:
            page_sql = (
                f"SELECT p.id, row_number() OVER (ORDER BY {order}) AS n FROM products p "  # noqa: S608
                f"WHERE {clause} ORDER BY {order} LIMIT :limit OFFSET :offset"
            )
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608
            "SELECT p.id, p.category_id, p.brand, p.price, "
            f"{rank if relevance else '0'} AS rank FROM products p WHERE {clause} "
            f"LIMIT :cap), pg AS ({page_sql}) "
            "SELECT 0 AS kind, pg.id, NULL AS category_id, NULL AS brand, pg.n AS n, "
            "NULL::bigint AS lo, NULL::bigint AS hi, 0 AS g_cat, 0 AS g_brand, "
            "NULL AS category_slug, NULL AS category_name FROM pg "
            f"UNION ALL SELECT 1, NULL, {totals}"
        )
        params = {
            **params,
            "limit": limit,
            "offset": pagination.offset(page, limit),
            "cap": COUNT_CAP + 1,
        }
        page_ids: list[tuple[int, str]] = []
        total, low, high = 0, None, None
        categories, brands = [], []
        for row in self.session.execute(text(sql), params):
            if row.kind == 0:
                page_ids.append((row.n, row.id))
            elif row.g_cat and row.g_brand:
                total, low, high = row.n, row.lo, row.hi
            elif not row.g_cat:
                categories.append(
                    {
                        "id": row.category_id,
                        "slug": row.category_slug,
                        "name": row.category_name,
                        "count": row.n,
                    }
                )
            else:
                brands.append({"brand": row.brand, "count": row.n})
        ids = [pid for _, pid in sorted(page_ids)]
        rows = (
            {r.id: r for r in product_rows(self.session, "p.id = ANY(:ids)", {"ids": ids})}
            if ids
            else {}
        )
        meta = pagination.page_meta(page, limit, min(total, COUNT_CAP))
        meta["total_relation"] = "gte" if total > COUNT_CAP else "eq"
        if with_facets:
            meta["facets"] = self._facets(categories, brands, low, high)
        return domain.ProductPage([rows[pid] for pid in ids if pid in rows], meta)

    @staticmethod
    def _facets(categories: list[dict], brands: list[dict], low, high) -> dict:
        categories.sort(key=lambda f: (-f["count"], f["name"] or ""))
        brands.sort(key=lambda f: (-f["count"], f["brand"]))
        return {
            "categories": categories,
            "brands": brands[:50],
            "price": {"min": low, "max": high},
        }

    def remember_words(self, *texts: str) -> None:
        found = domain.lexicon_words(*texts)
        if found:
            LEXICON_CACHE.clear()  # this process sees its own new words at once
            self.session.execute(
                insert(SearchTerm).on_conflict_do_nothing(),
                [{"word": w[:64]} for w in sorted(found)],
            )
