"""Every input shape the fuzzer turned into a 500 is a 400 that names the field, at the gateway's
HTTP schemas and again at the services' RPC schemas (a caller of `nameko shell` meets the same
bounds); and the JSON body itself is bounded in nesting."""

from __future__ import annotations

import json

import pytest
from marshmallow import Schema, ValidationError
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.api import MAX_JSON_DEPTH, ApiRoute
from gateway.errors import MalformedJson
from gateway.schemas.accounts import AddressBody, RegisterBody
from gateway.schemas.cart import AddItemBody, CouponBody, CouponUpdateBody, UpdateItemBody
from gateway.schemas.catalog import CategoryBody, ProductBody, ProductPatchBody, ProductQuery
from gateway.schemas.inventory import AdjustStockBody, SetStockBody
from gateway.schemas.orders import AdminOrderQuery, PlaceOrderBody, StatusBody
from gateway.schemas.payments import RefundBody
from gateway.schemas.reviews import ReviewBody, ReviewListQuery
from services.cart.schemas import AddItemArgs, CouponData
from services.catalog.schemas import CategoryInput, ListQuery, ProductChanges, ProductInput
from services.common.errors import ValidationFailed
from services.common.fields import Text
from services.inventory.schemas import AdjustStockInput, SetStockInput
from services.media.schemas import RegisterUploadArgs
from services.reviews.schemas import SubmitReviewSchema

PRODUCT = {"name": "Lamp", "categoryId": "cat-home", "price": "19.99"}
ADDRESS = {
    "firstName": "Sam",
    "lastName": "Shopper",
    "address1": "1 Main St",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}


def refused_fields(schema: Schema, data) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return set(caught.value.messages)


@pytest.mark.parametrize(
    ("schema", "data", "field"),
    [
        # a NUL character (PostgreSQL refuses \u0000 in text)
        (ProductBody(), {**PRODUCT, "name": "Lamp\x00"}, "name"),
        (ProductBody(), {**PRODUCT, "description": "ok\x00"}, "description"),
        (ProductQuery(), {"q": "lamp\x00"}, "q"),
        (
            RegisterBody(),
            {"email": "a@b.co", "password": "x", "firstName": "\x00", "lastName": "B"},
            "firstName",
        ),
        (AddressBody(), {**ADDRESS, "city": "Spring\x00field"}, "city"),
        (
            ReviewBody(),
            {"productId": "prod-1", "rating": 5, "title": "t\x00", "content": "c"},
            "title",
        ),
        (StatusBody(), {"status": "shipped", "note": "\x00"}, "note"),
        (CouponBody(), {"code": "SAVE\x0010", "type": "percent", "percentOff": 10}, "code"),
        # integers beyond a column or an offset
        (ProductQuery(), {"page": str(10**25)}, "page"),
        (ReviewListQuery(), {"page": "99999999999"}, "page"),
        (AdjustStockBody(), {"delta": 10**29, "reason": "fuzz"}, "delta"),
        (SetStockBody(), {"quantity": 2**31}, "quantity"),
        (SetStockBody(), {"quantity": 1, "lowStockThreshold": 2**40}, "lowStockThreshold"),
        (CategoryBody(), {"name": "Lamps", "position": 2**32}, "position"),
        (AddItemBody(), {"productId": "prod-1", "quantity": 10**20}, "quantity"),
        (UpdateItemBody(), {"quantity": 2**31}, "quantity"),
        (
            CouponBody(),
            {"code": "BIG", "type": "percent", "percentOff": 5, "usageLimit": 2**40},
            "usageLimit",
        ),
        # money beyond the order totals' INTEGER columns, or an exponent that never ends
        (ProductBody(), {**PRODUCT, "price": "1e30"}, "price"),
        (ProductBody(), {**PRODUCT, "price": "1e999999999"}, "price"),
        (ProductQuery(), {"maxPrice": "99999999999999999999"}, "maxPrice"),
        (CouponBody(), {"code": "BIG", "type": "fixed", "amountOff": "1e40"}, "amountOff"),
        (RefundBody(), {"orderId": "3f1c2a9e", "amount": "1e30"}, "amount"),
        # times PostgreSQL cannot hold (offset beyond ±15:59, a year outside 1900-9999)
        (CouponUpdateBody(), {"endsAt": "0579-07-15T14:53:07.396676+19:38"}, "endsAt"),
        (AdminOrderQuery(), {"dateTo": "0533-02-03T08:55:57+18:27"}, "dateTo"),
        (AdminOrderQuery(), {"dateFrom": "0001-01-01T00:00:00+05:00"}, "dateFrom"),
        # a trailing newline, which a pattern's `$` lets through, then overflowing the column
        (ProductBody(), {**PRODUCT, "currency": "USD\n"}, "currency"),
        (ProductBody(), {**PRODUCT, "slug": "lamp\n"}, "slug"),
        (AddressBody(), {**ADDRESS, "country": "US\n"}, "country"),
        (AddItemBody(), {"productId": "prod-1\n"}, "productId"),
        (CouponBody(), {"code": "A" * 64 + "\n", "type": "percent", "percentOff": 5}, "code"),
        # a list where a string belongs
        (ProductBody(), {**PRODUCT, "categoryId": ["cat-home"]}, "categoryId"),
        (AddressBody(), {**ADDRESS, "city": ["a", "b"]}, "city"),
        (ProductBody(), {**PRODUCT, "currency": ["USD"], "price": "1"}, "currency"),
        # over-long or malformed ids
        (AddItemBody(), {"productId": "p" * 65}, "productId"),
        (PlaceOrderBody(), {"cartId": "c" * 1000, "addressId": "a"}, "cartId"),
        (PlaceOrderBody(), {"cartId": "ok", "addressId": "a\x00"}, "addressId"),
        (ProductBody(), {**PRODUCT, "categoryId": "x" * 121}, "categoryId"),
        # free-form JSON that could not be read back
        (ProductPatchBody(), {"attributes": {"weight": 10**169}}, "attributes"),
        (ProductPatchBody(), {"attributes": {"a": {"b": {"c": {"d": {"e": 1}}}}}}, "attributes"),
        (ProductPatchBody(), {"attributes": {"k" * 100: "v"}}, "attributes"),
        (ProductPatchBody(), {"attributes": {"v": "x" * 5000}}, "attributes"),
        (ProductPatchBody(), {"attributes": ["not", "an", "object"]}, "attributes"),
    ],
)
def test_the_gateway_refuses_the_shape_with_a_message_naming_the_field(schema, data, field):
    assert field in refused_fields(schema, data)


@pytest.mark.parametrize(
    ("schema", "data", "field"),
    [
        (ProductChanges(), {"attributes": {"weight": 10**169}}, "attributes"),
        (ProductInput(), {"name": "\x00", "category_id": "c", "price": 1}, "name"),
        (ProductInput(), {"name": "n", "category_id": "c", "price": 10**20}, "price"),
        (ListQuery(), {"page": 10**25}, "page"),
        (ListQuery(), {"q": "\x00"}, "q"),
        (CategoryInput(), {"name": "Lamps", "position": 2**32}, "position"),
        (AdjustStockInput(), {"product_id": "p", "delta": 10**29, "reason": "r"}, "delta"),
        (SetStockInput(), {"product_id": "p" * 65, "quantity": 1}, "product_id"),
        (SetStockInput(), {"product_id": "p", "quantity": 10**12}, "quantity"),
        (AddItemArgs(), {"cart_id": "c", "product_id": "p", "quantity": 10**20}, "quantity"),
        (
            CouponData(),
            {"code": "BIG", "type": "fixed", "value": 2**31, "min_subtotal": 0},
            "value",
        ),
        (CouponData(), {"code": "C" * 64 + "\n", "type": "fixed", "value": 1}, "code"),
        # the multipart filename of an image upload, stored in media.filename
        (
            RegisterUploadArgs(),
            {"product_id": "p", "filename": "a\x00.png", "content_b64": ""},
            "filename",
        ),
        (
            RegisterUploadArgs(),
            {"product_id": "p", "filename": "a" * 300, "content_b64": ""},
            "filename",
        ),
        (
            SubmitReviewSchema(),
            {"user_id": "u", "product_id": "p", "rating": 5, "title": "t", "content": "\x00"},
            "content",
        ),
    ],
)
def test_the_services_refuse_the_same_shapes_over_rpc(schema, data, field):
    assert field in refused_fields(schema, data)


def test_the_largest_accepted_values_load_at_the_gateway():
    body = ProductBody().load(
        {
            **PRODUCT,
            "name": "N" * 200,
            "price": "100000.00",
            "description": "line one\nline two\t" + "d" * 19000,
            "attributes": {"k" * 64: {"n": [2**53 - 1, -(2**53 - 1), 0.5]}},
        }
    )
    assert body["price"] == 10_000_000
    assert AdjustStockBody().load({"delta": -1_000_000, "reason": "count"})["delta"] == -1_000_000
    assert CategoryBody().load({"name": "Lamps", "position": 1_000_000})["position"] == 1_000_000


# -- the JSON body ------------------------------------------------------------------------------


class AnyBody(Schema):
    class Meta:
        unknown = "include"


def load_body(raw: bytes):
    route = ApiRoute("POST", "/api/test", body=AnyBody)
    environ = EnvironBuilder(
        method="POST", path="/api/test", data=raw, content_type="application/json"
    ).get_environ()
    return route._load_body(Request(environ))


def test_a_body_nested_past_the_parsers_recursion_limit_is_malformed_json_not_a_500():
    with pytest.raises(MalformedJson):
        load_body(b'{"a":' + b"[" * 200_000 + b"]" * 200_000 + b"}")


def test_a_body_nested_deeper_than_the_limit_is_refused():
    deep = {"a": 1}
    for _ in range(MAX_JSON_DEPTH):
        deep = {"a": deep}
    with pytest.raises(MalformedJson) as caught:
        load_body(json.dumps(deep).encode())
    assert caught.value.details == {"limit": MAX_JSON_DEPTH}


def test_a_body_at_the_depth_limit_is_loaded():
    deep: dict = {"a": 1}
    for _ in range(MAX_JSON_DEPTH - 1):
        deep = {"a": deep}
    assert load_body(json.dumps(deep).encode()) == deep


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json(constant):
    with pytest.raises(MalformedJson):
        load_body(b'{"price": ' + constant + b"}")


def test_a_refused_field_is_a_validation_error_naming_it():
    class Named(Schema):
        name = Text(max_length=5)

    route = ApiRoute("POST", "/api/test", body=Named)
    environ = EnvironBuilder(
        method="POST", path="/api/test", json={"name": "a\x00"}, content_type="application/json"
    ).get_environ()
    with pytest.raises(ValidationFailed) as caught:
        route._load_body(Request(environ))
    assert caught.value.details == {"fields": {"name": ["Must not contain NUL characters."]}}
