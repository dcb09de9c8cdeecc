"""The OpenAPI document states the inputs that routes read themselves (no declared schema): the
webhook's Stripe-Signature header and raw body, the multipart image upload, the optional body of
a cancel; and the bounds the schemas enforce reach the document."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.openapi import gateway_spec
from gateway.routes.orders import _optional_reason
from services.common.errors import ValidationFailed


@pytest.fixture(scope="module")
def spec(config):
    return gateway_spec(config)


def test_the_webhook_documents_its_signature_header_and_raw_body(spec):
    operation = spec["paths"]["/api/payments/webhook"]["post"]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert headers["Stripe-Signature"]["required"] is True
    assert operation["requestBody"]["required"] is True
    assert "application/json" in operation["requestBody"]["content"]


def test_the_image_upload_documents_its_multipart_body(spec):
    operation = spec["paths"]["/api/products/{productId}/images"]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["image"]
    assert body["properties"]["image"] == {"type": "string", "format": "binary"}


def test_the_cancel_documents_its_optional_reason(spec):
    operation = spec["paths"]["/api/orders/{orderId}/cancel"]["post"]
    assert operation["requestBody"]["required"] is False
    reason = spec["components"]["schemas"]["CancelBody"]["properties"]["reason"]
    assert reason["maxLength"] == 500


def test_bounds_reach_the_document(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["AdjustStockBody"]["properties"]["delta"]["maximum"] == 1_000_000
    assert schemas["CategoryBody"]["properties"]["position"]["maximum"] == 1_000_000
    page = next(
        p for p in spec["paths"]["/api/products"]["get"]["parameters"] if p.get("name") == "page"
    )
    assert page["schema"]["maximum"] == 10_000


def cancel_request(body) -> Request:
    return Request(
        EnvironBuilder(method="POST", path="/api/orders/o/cancel", json=body).get_environ()
    )


def test_a_cancel_reason_with_nul_is_refused_not_stored():
    with pytest.raises(ValidationFailed) as caught:
        _optional_reason(cancel_request({"reason": "changed\x00my mind"}))
    assert "reason" in caught.value.details["fields"]


def test_a_cancel_reason_that_is_not_a_string_is_refused():
    with pytest.raises(ValidationFailed):
        _optional_reason(cancel_request({"reason": ["a", "b"]}))


def test_a_cancel_without_a_body_has_no_reason():
    assert _optional_reason(Request(EnvironBuilder(method="POST").get_environ())) is None
    assert _optional_reason(cancel_request({"reason": "too slow"})) == "too slow"


def test_path_values_document_the_length_the_gateway_lets_through(spec):
    parameter = spec["paths"]["/api/products/{productId}"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": "string", "minLength": 1, "maxLength": 200}
