"""Demo coupons (idempotent: a code that already exists is left as it is)."""

from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from services.cart.models import CouponRecord
from services.common.config import db_uri

COUPONS = [
    {
        "code": "WELCOME10",
        "description": "10% off your first order",
        "type": "percent",
        "value": 10,
        "per_customer_limit": 1,
    },
    {
        "code": "SAVE5",
        "description": "$5 off orders of $50 or more",
        "type": "fixed",
        "value": 500,
        "min_subtotal": 5000,
    },
    {
        "code": "LIMITED20",
        "description": "20% off, first 100 orders",
        "type": "percent",
        "value": 20,
        "usage_limit": 100,
    },
]


def seed(config: dict) -> None:
    engine = create_engine(db_uri(config, "cart"))
    try:
        with Session(engine) as session, session.begin():
            existing = set(
                session.scalars(select(CouponRecord.code).where(CouponRecord.deleted_at.is_(None)))
            )
            for coupon in COUPONS:
                if coupon["code"] not in existing:
                    session.add(CouponRecord(**coupon))
    finally:
        engine.dispose()
