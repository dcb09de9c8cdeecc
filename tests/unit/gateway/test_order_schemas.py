"""The order routes' statuses are the orders domain's own list, declared as an enum in the OpenAPI
document, so the web client is generated with it instead of keeping a copy."""

import pytest
from marshmallow import ValidationError

from gateway.openapi import gateway_spec
from gateway.schemas.orders import StatusBody
from services.orders.domain import STATUSES


def test_every_domain_status_is_accepted_and_nothing_else():
    for status in STATUSES:
        assert StatusBody().load({"status": status})["status"] == status
    with pytest.raises(ValidationError) as refused:
        StatusBody().load({"status": "lost_in_transit"})
    assert "status" in refused.value.messages


def test_the_openapi_document_declares_the_domain_statuses_on_orders(config):
    schemas = gateway_spec(config)["components"]["schemas"]
    statuses = list(STATUSES)
    assert schemas["StatusBody"]["properties"]["status"]["enum"] == statuses
    assert schemas["Order"]["properties"]["status"]["enum"] == statuses
    assert schemas["AdminOrder"]["properties"]["allowedTransitions"]["items"]["enum"] == statuses
    assert schemas["HistoryEntry"]["properties"]["toStatus"]["enum"] == statuses
