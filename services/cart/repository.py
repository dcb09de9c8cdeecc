"""Coupons and their redemptions (`SqlCouponRepository`, the `CouponRepository` port) and the
reminder log (`SqlReminderLog`, the `ReminderLog` port) on the worker's SQLAlchemy session; the
service's unit of work commits. Events go to the outbox in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.cart.domain import (
    Coupon,
    CouponRepository,
    Redemption,
    Reminder,
    ReminderCounts,
    ReminderLog,
    code_taken,
    normalize_code,
)
from services.cart.exceptions import CouponNotFound
from services.cart.models import CouponRecord, RedemptionRecord, ReminderRecord
from services.common import pagination
from services.common.database import SqlRepository, insert
from services.common.outbox import OutboxWriter


def to_coupon(record: CouponRecord) -> Coupon:
    return Coupon(
        code=record.code,
        type=record.type,
        value=record.value,
        currency=record.currency,
        min_subtotal=record.min_subtotal,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        usage_limit=record.usage_limit,
        per_customer_limit=record.per_customer_limit,
        times_used=record.times_used,
        active=record.active,
        id=record.id,
    )


class SqlCouponRepository(SqlRepository, CouponRepository):
    """`domain.CouponRepository` on the worker's session; events, commit and rollback from
    `SqlRepository`."""

    def __init__(self, session: Session, outbox: OutboxWriter | None = None):
        super().__init__(session, outbox)
        # the rows `lock` and `redemption_of` read, by id, for `redeem` to change without reading
        # them again (the session's identity map holds unchanged rows only weakly)
        self._held: dict[str, Any] = {}

    # coupons as the rules see them

    def find(self, code: str) -> Coupon | None:
        record = self._find(code)
        return to_coupon(record) if record is not None else None

    def get(self, code: str) -> Coupon:
        return to_coupon(self.get_row(code))

    def lock(self, code: str) -> Coupon:
        record = self._get(code, lock=True)
        self._held[record.id] = record
        return to_coupon(record)

    def customer_uses(self, coupon_id: str | None, user_id: str | None) -> int:
        if not user_id:
            return 0
        return (
            self.session.scalar(
                select(func.count())
                .select_from(RedemptionRecord)
                .where(
                    RedemptionRecord.coupon_id == coupon_id,
                    RedemptionRecord.user_id == user_id,
                    RedemptionRecord.status == "redeemed",
                )
            )
            or 0
        )

    # redemptions

    def redemption_of(self, order_id: str) -> Redemption | None:
        found = self.session.scalar(
            select(RedemptionRecord).where(RedemptionRecord.order_id == order_id)
        )
        if found is None:
            return None
        self._held[found.id] = found
        return Redemption(id=found.id, status=found.status)

    def redeem(
        self, coupon: Coupon, order_id: str, user_id: str | None, existing: Redemption | None
    ) -> None:
        # both rows were read (and the coupon locked) by `lock` and `redemption_of`
        record = self._held[coupon.id]
        if existing is not None:
            redemption = self._held[existing.id]
            redemption.status = "redeemed"
            redemption.coupon_id, redemption.code, redemption.user_id = (
                record.id,
                record.code,
                user_id,
            )
        else:
            self.session.add(
                RedemptionRecord(
                    coupon_id=record.id, code=record.code, order_id=order_id, user_id=user_id
                )
            )
        record.times_used += 1
        self.session.flush()

    def release(self, order_id: str) -> bool:
        found = self.session.scalar(
            select(RedemptionRecord).where(RedemptionRecord.order_id == order_id)
        )
        if found is None:
            return False
        # Lock the coupon first, as a redemption does (`lock`), so the two never wait on each other.
        self.session.scalar(
            select(CouponRecord.id).where(CouponRecord.id == found.coupon_id).with_for_update()
        )
        redemption = self.session.scalar(
            select(RedemptionRecord)
            .where(RedemptionRecord.order_id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if redemption is None or redemption.status != "redeemed":
            return False
        redemption.status = "released"
        self.session.execute(
            update(CouponRecord)
            .where(CouponRecord.id == redemption.coupon_id, CouponRecord.times_used > 0)
            .values(times_used=CouponRecord.times_used - 1)
        )
        self.session.flush()
        return True

    # administration: the records themselves (dumped by schemas.dump_coupon)

    def list_rows(
        self, page: int, limit: int, q: str | None = None, active: bool | None = None
    ) -> tuple[list[CouponRecord], int]:
        query = self._live()
        if q:
            pattern = f"%{q.strip()}%"
            query = query.where(
                or_(CouponRecord.code.ilike(pattern), CouponRecord.description.ilike(pattern))
            )
        if active is not None:
            query = query.where(CouponRecord.active.is_(active))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(CouponRecord.created_at.desc(), CouponRecord.code)
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).all()
        return list(rows), total

    def get_row(self, code: str) -> CouponRecord:
        return self._get(code)

    def add_row(self, values: dict[str, Any]) -> CouponRecord:
        record = CouponRecord(**{**values, "code": normalize_code(values["code"])})
        self.session.add(record)
        try:
            self.session.flush()
        except IntegrityError as exc:
            self.session.rollback()
            raise code_taken(values["code"]) from exc
        return record

    def update_row(self, row: CouponRecord, values: dict[str, Any]) -> None:
        for key, value in values.items():
            setattr(row, key, value)
        try:
            self.session.flush()
        except IntegrityError as exc:
            self.session.rollback()
            raise code_taken(values.get("code", row.code)) from exc

    def remove_row(self, row: CouponRecord) -> None:
        used = self.session.scalar(
            select(func.count())
            .select_from(RedemptionRecord)
            .where(RedemptionRecord.coupon_id == row.id)
        )
        if used:
            row.deleted_at = datetime.now(UTC)
            row.active = False
        else:
            self.session.delete(row)
        self.session.flush()

    def _live(self):
        return select(CouponRecord).where(CouponRecord.deleted_at.is_(None))

    def _find(self, code: str, lock: bool = False) -> CouponRecord | None:
        query = self._live().where(CouponRecord.code == normalize_code(code))
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(query)

    def _get(self, code: str, lock: bool = False) -> CouponRecord:
        record = self._find(code, lock=lock)
        if record is None:
            raise CouponNotFound(
                f"no coupon {normalize_code(code)}", {"code": normalize_code(code)}
            )
        return record


class SqlReminderLog(SqlRepository, ReminderLog):
    """`domain.ReminderLog` over `cart_reminders` on the worker's session (the coupon
    repository's: one unit of work); events, commit and rollback from `SqlRepository`."""

    def last_reminded(self, cart_ids: Sequence[str], since: datetime) -> dict[str, datetime]:
        if not cart_ids:
            return {}
        rows = self.session.execute(
            select(ReminderRecord.cart_id, func.max(ReminderRecord.created_at))
            .where(ReminderRecord.cart_id.in_(list(cart_ids)), ReminderRecord.created_at > since)
            .group_by(ReminderRecord.cart_id)
        )
        return {cart_id: latest for cart_id, latest in rows}

    def add(self, reminder: Reminder) -> bool:
        # ON CONFLICT DO NOTHING on (cart_id, touched_at): a second sweep of the same idle spell
        # (one that crashed before taking the cart out of the index, or ran concurrently)
        # stores nothing, and the use case then announces nothing
        result = self.session.execute(
            insert(ReminderRecord.__table__)
            .values(
                id=reminder.id,
                cart_id=reminder.cart_id,
                user_id=reminder.user_id,
                touched_at=reminder.touched_at,
                created_at=reminder.created_at,
                lines=reminder.lines,
                subtotal=reminder.subtotal,
                currency=reminder.currency,
            )
            .on_conflict_do_nothing(index_elements=["cart_id", "touched_at"])
        )
        return result.rowcount == 1

    def mark_recovered(self, cart_id: str, order_id: str, now: datetime, since: datetime) -> bool:
        latest = (
            select(ReminderRecord.id)
            .where(ReminderRecord.cart_id == cart_id, ReminderRecord.created_at > since)
            .order_by(ReminderRecord.created_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        result = self.session.execute(
            update(ReminderRecord)
            .where(ReminderRecord.id == latest, ReminderRecord.recovered_order_id.is_(None))
            .values(recovered_order_id=order_id, recovered_at=now)
        )
        return result.rowcount == 1

    def counts(self, since: datetime) -> ReminderCounts:
        recovered = ReminderRecord.recovered_order_id.is_not(None)
        sent, recovered_count, value = self.session.execute(
            select(
                func.count(),
                func.count().filter(recovered),
                func.coalesce(func.sum(ReminderRecord.subtotal).filter(recovered), 0),
            )
            .select_from(ReminderRecord)
            .where(ReminderRecord.created_at > since)
        ).one()
        return ReminderCounts(
            sent=int(sent), recovered=int(recovered_count), recovered_value=int(value)
        )
