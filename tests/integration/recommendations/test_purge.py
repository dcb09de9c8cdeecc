"""The hourly purge on the real database: old event ids and old votes go (customer_pairs would
grow with every order forever), a hub product keeps only its best co-purchases, and what stays
is what the ranking reads."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.recommendations.repository import SqlRecommendationsRepository
from tests.helpers import engine_for

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def test_purge_forgets_old_votes_and_ids_and_trims_hub_products(config):
    with Session(engine_for(config, "recommendations")) as session:
        repo = SqlRecommendationsRepository(session)
        assert repo.first_delivery("old-event", "handle_order_confirmed")
        session.execute(
            text("UPDATE processed_events SET processed_at = :at"),
            {"at": NOW - timedelta(days=30)},
        )
        assert repo.first_delivery("new-event", "handle_order_confirmed")
        repo.record_customer_pairs("u-old", [("a", "b")], NOW - timedelta(days=200))
        repo.record_customer_pairs("u-new", [("a", "b")], NOW - timedelta(days=10))
        pairs = [("hub", f"p{n:02d}") for n in range(5)]
        for n, pair in enumerate(pairs):
            repo.add_co_purchases([pair], weight=float(n + 1), at=NOW)
        session.commit()

        deleted = repo.purge(NOW - timedelta(days=7), 3, NOW - timedelta(days=180))
        session.commit()

        assert not repo.first_delivery("new-event", "handle_order_confirmed")  # kept
        assert repo.first_delivery("old-event", "handle_order_confirmed")  # forgotten
        session.rollback()
    with engine_for(config, "recommendations").connect() as conn:
        voters = conn.execute(text("SELECT user_id FROM customer_pairs")).scalars().all()
        kept = (
            conn.execute(
                text(
                    "SELECT other_id FROM co_purchases WHERE product_id = 'hub' ORDER BY score DESC"
                )
            )
            .scalars()
            .all()
        )
    assert voters == ["u-new"]
    assert kept == ["p04", "p03", "p02"]  # the best three of the hub; the others' own row stays
    assert deleted == 2
