"""The orders repository on a SQLAlchemy session (the worker's): every SQL statement of the
service, behind the verbs of `domain.OrdersRepository`. Events go to the outbox in the same
transaction; the Idempotency-Key and processed-event tables are the common ones (models.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import Date, cast, exists, func, select

from services.common import pagination
from services.common.clock import utcnow
from services.common.database import SqlRepository
from services.common.fields import INT32_MAX
from services.orders import domain
from services.orders.domain import (
    AWAITING_PAYMENT,
    CANCELLED,
    PENDING,
    PURCHASED,
    DayRevenue,
    OrderQuery,
    OrdersRepository,
    ProductSales,
    Sales,
    new_order,
)
from services.orders.exceptions import OrderNotFound
from services.orders.models import (
    Order,
    OrderLine,
    StatusChange,
    idempotency_keys,
    processed_events,
)


class SqlOrdersRepository(SqlRepository, OrdersRepository):
    """`domain.OrdersRepository` on the worker's session (`SqlRepository`: the session, the
    outbox writer, record_event, commit and rollback: the saga commits step by step)."""

    money_max = INT32_MAX  # the money columns are INTEGER

    # -- Idempotency-Keys and processed events -------------------------------------------------

    def run_once(
        self, user_id, key, operation, request_hash, action, resource_id=None, on_stale=None
    ):
        return idempotency_keys.run(
            self.session,
            user_id,
            key,
            operation,
            request_hash,
            action,
            resource_id=resource_id,
            on_stale=on_stale,
        )

    def first_delivery(self, event_id: str | None, consumer: str) -> bool:
        return processed_events.first_delivery(self.session, event_id, consumer)

    def purge(self, keys_before: datetime, events_before: datetime) -> None:
        idempotency_keys.purge(self.session, keys_before)
        processed_events.purge(self.session, events_before)

    # -- orders -----------------------------------------------------------------------------

    def add_order(
        self,
        order_id: str,
        user_id: str,
        cart_id: str,
        quote: dict,
        lines: list,
        address: dict,
        payment_method: str,
    ) -> Order:
        fields = new_order(order_id, user_id, cart_id, quote, address, payment_method, utcnow())
        order = Order(**fields, lines=[OrderLine(**line) for line in lines])
        self.session.add(order)
        self.record_change(order_id, None, PENDING, user_id, "order placed")
        return order

    def get(self, order_id: str, lock: bool = False) -> Order:
        query = select(Order).where(Order.id == order_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        order = self.session.execute(query).scalar_one_or_none()
        if order is None:
            raise OrderNotFound(f"no order {order_id}", {"order_id": order_id})
        return order

    def lock(self, order: Order) -> Order:
        """Lock a loaded order's row; reload it only if its status changed meanwhile."""
        status = self.session.execute(
            select(Order.status).where(Order.id == order.id).with_for_update()
        ).scalar_one()
        if status != order.status:
            self.session.refresh(order)
        return order

    def find(self, order_id: str, lock: bool = False) -> Order | None:
        try:
            return self.get(order_id, lock)
        except OrderNotFound:
            return None

    def record_change(self, order_id, from_status, to_status, changed_by, reason) -> None:
        self.session.add(
            StatusChange(
                order_id=order_id,
                from_status=from_status,
                to_status=to_status,
                changed_by=str(changed_by or "system"),
                reason=reason,
                created_at=utcnow(),
            )
        )

    def history(self, order_id: str) -> list[StatusChange]:
        return list(
            self.session.execute(
                select(StatusChange)
                .where(StatusChange.order_id == order_id)
                .order_by(StatusChange.id)
            ).scalars()
        )

    def list_orders(self, query: OrderQuery) -> tuple[list[Order], int]:
        select_orders = select(Order)
        if query.user_id:
            select_orders = select_orders.where(Order.user_id == query.user_id)
        if query.seller_id:
            select_orders = select_orders.where(
                exists().where(
                    OrderLine.order_id == Order.id, OrderLine.seller_id == query.seller_id
                )
            )
        if query.status:
            select_orders = select_orders.where(Order.status == query.status)
        if query.date_from:
            select_orders = select_orders.where(Order.created_at >= query.date_from)
        if query.date_to:
            select_orders = select_orders.where(Order.created_at < query.date_to)
        total = self.session.execute(
            select(func.count()).select_from(select_orders.subquery())
        ).scalar_one()
        rows = self.session.execute(
            select_orders.order_by(Order.created_at.desc(), Order.id)
            .offset(pagination.offset(query.page, query.limit))
            .limit(query.limit)
        ).scalars()
        return list(rows), total

    def stale(self, statuses, older_than: datetime, limit: int = 50) -> list[str]:
        return list(
            self.session.execute(
                select(Order.id)
                .where(Order.status.in_(statuses), Order.updated_at < older_than)
                .order_by(Order.updated_at)
                .limit(limit)
            ).scalars()
        )

    def expired_unpaid(self, at: datetime, limit: int = 50) -> list[str]:
        return list(
            self.session.execute(
                select(Order.id)
                .where(Order.status == AWAITING_PAYMENT, Order.reservation_expires_at < at)
                .order_by(Order.reservation_expires_at)
                .limit(limit)
            ).scalars()
        )

    def cancelled_but_paid(self, older_than: datetime, limit: int = 50) -> list[str]:
        return list(
            self.session.execute(
                select(Order.id)
                .where(
                    Order.status == CANCELLED,
                    Order.payment_status.in_(domain.PAID),
                    Order.updated_at < older_than,
                )
                .limit(limit)
            ).scalars()
        )

    def has_purchased(self, user_id: str, product_id: str) -> bool:
        found = self.session.execute(
            select(Order.id)
            .join(OrderLine)
            .where(
                Order.user_id == user_id,
                OrderLine.product_id == product_id,
                Order.status.in_(PURCHASED),
            )
            .limit(1)
        ).first()
        return found is not None

    def sales(self, first_day: date, top: int = 10) -> Sales:
        """Revenue per day and currency from `first_day` (days without orders are absent), orders
        by status, the `top` products and the count and total, over orders confirmed or later."""
        since = datetime.combine(first_day, time.min, tzinfo=UTC)
        counted = tuple(PURCHASED)
        day = cast(Order.created_at, Date)
        revenue = self.session.execute(
            select(day, Order.currency, func.sum(Order.total), func.count())
            .where(Order.status.in_(counted), Order.created_at >= since)
            .group_by(day, Order.currency)
            .order_by(day)
        ).all()
        by_status = self.session.execute(
            select(Order.status, func.count()).group_by(Order.status)
        ).all()
        top_rows = self.session.execute(
            select(
                OrderLine.product_id,
                func.max(OrderLine.name),
                func.sum(OrderLine.quantity),
                func.sum(OrderLine.line_total),
                func.max(Order.currency),
            )
            .join(Order)
            .where(Order.status.in_(counted))
            .group_by(OrderLine.product_id)
            .order_by(func.sum(OrderLine.quantity).desc())
            .limit(top)
        ).all()
        totals = self.session.execute(
            select(func.count(), func.coalesce(func.sum(Order.total), 0)).where(
                Order.status.in_(counted)
            )
        ).one()
        return Sales(
            revenue=[DayRevenue(d, c, int(s), int(n)) for d, c, s, n in revenue],
            by_status={status: int(n) for status, n in by_status},
            top_products=[
                ProductSales(p, name, int(q), int(r), c) for p, name, q, r, c in top_rows
            ],
            orders_counted=int(totals[0]),
            amount=int(totals[1]),
        )
