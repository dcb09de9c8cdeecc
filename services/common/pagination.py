"""The page envelope of every list RPC: `{"data": [...], "meta": page_meta(...)}`.

One formula for the number of pages, in integers (a float division would round totals beyond
2**53); pages and limits arrive bounded by `services.common.fields` (page 1..MAX_PAGE, limit
1..MAX_LIMIT), so `limit` is never 0 here.
"""

from __future__ import annotations


def page_meta(page: int, limit: int, total: int) -> dict[str, int]:
    """The meta of one page: 0 pages when there is nothing, else total / limit rounded up."""
    return {"page": page, "limit": limit, "total": total, "total_pages": -(-total // limit)}


def offset(page: int, limit: int) -> int:
    """How many rows come before page `page` (pages count from 1)."""
    return (page - 1) * limit
