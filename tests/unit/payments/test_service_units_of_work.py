"""The service's entrypoints through worker_factory with the fakes: one unit of work committed
per entrypoint (reads too), and payments on the wire with UTC ISO 8601 times."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from nameko.testing.services import worker_factory

from services.payments import schemas
from services.payments.exceptions import PaymentNotRefundable
from services.payments.service import PaymentsService
from tests.unit.fakes import FakeClock, FakeDatabase
from tests.unit.payments.fakes import SECOND, FakePayment, FakeProviders, FakeRepository


@pytest.fixture
def service():
    return worker_factory(
        PaymentsService,
        db=FakeDatabase(),
        repo=FakeRepository(FakeClock(tick=SECOND)),
        providers=FakeProviders(),
    )


def test_creating_an_intent_commits_one_unit_of_work_and_reading_it_one_more(service):
    # a read runs in a unit of work too: its read transaction ends with COMMIT (issue 14, round 2)
    created = service.create_intent("order-1", 2500, "EUR", "user-1", "key-1")
    assert service.db.session.commits == 1
    assert service.get_payment("order-1", "user-1") == created
    assert service.db.session.commits == 2
    assert created["created_at"] == "2026-01-01T12:00:01+00:00"


def test_a_refused_refund_rolls_its_unit_of_work_back(service):
    service.create_intent("order-1", 2500, "EUR", "user-1", "key-1")
    with pytest.raises(PaymentNotRefundable):
        service.refund("order-1")
    assert service.db.session.rollbacks >= 1


def test_payment_times_go_out_in_utc_as_they_did_for_utc_values():
    stamp = datetime(2026, 3, 4, 5, 6, 7, 8, tzinfo=UTC)
    payment = FakePayment("p", "o", "u", "simulated", "pi", None, "pending", 1, "EUR", stamp, stamp)
    assert schemas.dump_payment(payment)["created_at"] == stamp.isoformat()
    elsewhere = stamp.astimezone(timezone(timedelta(hours=2)))
    payment.updated_at = elsewhere
    assert schemas.dump_payment(payment)["updated_at"] == "2026-03-04T05:06:07.000008+00:00"
