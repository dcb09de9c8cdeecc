"""review_eligibility loads its arguments at the RPC boundary: a bad one is a ValidationFailed
(400 at the gateway) before orders or the database is asked anything."""

import pytest
from nameko.testing.services import worker_factory

from services.common.errors import ValidationFailed
from services.reviews.service import ReviewsService


class UntouchableDb:
    @property
    def session(self):
        raise AssertionError("the database must not be used for invalid input")


@pytest.mark.parametrize(
    ("user_id", "product_id", "field"),
    [(None, "p-1", "user_id"), ("u-1", "", "product_id"), ("u-1", "p" * 65, "product_id")],
)
def test_eligibility_refuses_a_missing_or_oversized_id(user_id, product_id, field):
    service = worker_factory(ReviewsService, db=UntouchableDb())
    with pytest.raises(ValidationFailed) as raised:
        service.review_eligibility(user_id, product_id)
    assert set(raised.value.details["fields"]) == {field}
    service.orders_rpc.has_purchased.assert_not_called()
