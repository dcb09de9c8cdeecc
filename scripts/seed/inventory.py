"""Demo stock for the demo catalog's products (`prod-1`...), with the movement that explains it.
Idempotent: products that already have stock are left alone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from scripts.seed.catalog import PRODUCT_COUNT, demo_stock
from services.common.config import db_uri


def seed(config: dict[str, Any]) -> None:
    engine = create_engine(db_uri(config, "inventory"))
    rows = [{"p": f"prod-{i}", "q": demo_stock(i)} for i in range(1, PRODUCT_COUNT + 1)]
    try:
        with Session(engine) as session:
            created = session.execute(
                text(
                    "INSERT INTO stock (product_id, on_hand, low_stock_threshold, "
                    "low_stock_alerted) SELECT p, q, 5, q <= 5 FROM "
                    "unnest(CAST(:ps AS text[]), CAST(:qs AS int[])) AS t(p, q) "
                    "ON CONFLICT DO NOTHING RETURNING product_id, on_hand"
                ),
                {"ps": [r["p"] for r in rows], "qs": [r["q"] for r in rows]},
            ).all()
            if created:
                session.execute(
                    text(
                        "INSERT INTO stock_movements (product_id, on_hand_delta, on_hand_after, "
                        "reason) VALUES (:p, :q, :q, 'seed')"
                    ),
                    [{"p": r.product_id, "q": r.on_hand} for r in created],
                )
            session.commit()
        print(f"seeded inventory: {len(created)} stock records")
    finally:
        engine.dispose()
