"""The payments repository on a SQLAlchemy session (the worker's, committed by the service's
unit of work, or by a use case of several transactions through `commit`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.common.clock import utcnow
from services.common.database import SqlRepository, insert
from services.payments.domain import PaymentsRepository
from services.payments.exceptions import PaymentNotFound
from services.payments.models import (
    Payment,
    ProviderEvent,
    Refund,
    idempotency_keys,
    processed_events,
)


class SqlPaymentsRepository(SqlRepository, PaymentsRepository):
    """`domain.PaymentsRepository` on the worker's session (`SqlRepository`: the session, the
    outbox writer, record_event, commit and rollback)."""

    def run_once(self, user_id, key, operation, request_hash, action):
        return idempotency_keys.run(self.session, user_id, key, operation, request_hash, action)

    def add(self, **values: Any) -> Payment:
        stamp = utcnow()
        self.session.execute(
            insert(Payment)
            .values(**values, amount_refunded=0, created_at=stamp, updated_at=stamp)
            .on_conflict_do_nothing(index_elements=["order_id"])
        )
        return self.by_order(values["order_id"])

    def by_order(self, order_id: str, lock: bool = False) -> Payment:
        query = select(Payment).where(Payment.order_id == order_id)
        payment = self.session.execute(
            query.with_for_update().execution_options(populate_existing=True) if lock else query
        ).scalar_one_or_none()
        if payment is None:
            raise PaymentNotFound(f"no payment for order {order_id}", {"order_id": order_id})
        return payment

    def find_by_order(self, order_id: str) -> Payment | None:
        return self.session.execute(
            select(Payment).where(Payment.order_id == order_id)
        ).scalar_one_or_none()

    def by_intent(self, intent_id: str, lock: bool = False) -> Payment | None:
        query = select(Payment).where(Payment.intent_id == intent_id)
        return self.session.execute(
            query.with_for_update().execution_options(populate_existing=True) if lock else query
        ).scalar_one_or_none()

    def all(self) -> list[Payment]:
        return list(self.session.execute(select(Payment)).scalars())

    def claim_provider_event(self, event_id: str, event_type: str, intent_id: str | None) -> bool:
        inserted = self.session.execute(
            insert(ProviderEvent)
            .values(id=event_id, type=event_type, intent_id=intent_id, received_at=utcnow())
            .on_conflict_do_nothing()
            .returning(ProviderEvent.id)
        ).first()
        return inserted is not None

    def first_delivery(self, event_id: str | None, consumer: str) -> bool:
        return processed_events.first_delivery(self.session, event_id, consumer)

    def provider_events(self, intent_id: str) -> list[ProviderEvent]:
        return list(
            self.session.execute(
                select(ProviderEvent)
                .where(ProviderEvent.intent_id == intent_id)
                .order_by(ProviderEvent.received_at)
            ).scalars()
        )

    def refunds(self, payment_id: str) -> list[Refund]:
        return list(
            self.session.execute(
                select(Refund).where(Refund.payment_id == payment_id).order_by(Refund.created_at)
            ).scalars()
        )

    def add_refund(
        self,
        refund_id: str,
        payment_id: str,
        provider_refund_id: str | None,
        amount: int,
        status: str,
    ) -> None:
        self.session.add(
            Refund(
                id=refund_id,
                payment_id=payment_id,
                provider_refund_id=provider_refund_id,
                amount=amount,
                status=status,
                created_at=utcnow(),
            )
        )
