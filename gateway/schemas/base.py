"""Base HTTP schemas: camelCase on the wire, money as decimal strings, list envelopes."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields

from services.common.fields import MAX_AMOUNT, Limit, Page, decimal_in_range
from services.common.money import InvalidAmount, exponent, to_decimal_string, to_minor


def camelcase(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class CamelSchema(Schema):
    """Attribute names are snake_case (as in RPC payloads); JSON keys are camelCase."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.data_key = camelcase(field_obj.data_key or field_name)


class Money(fields.Field):
    """Integer minor units inside, decimal string ("19.99") in JSON, in the object's currency
    (attribute `currency`, else USD); an amount loaded is at most `maximum` minor units in
    magnitude (MAX_AMOUNT: it must fit the order totals' INTEGER columns)."""

    def __init__(self, *, maximum: int = MAX_AMOUNT, **kwargs):
        super().__init__(**kwargs)
        self.maximum = maximum

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        currency = (obj.get("currency") if isinstance(obj, dict) else None) or "USD"
        return to_decimal_string(value, currency)

    def _deserialize(self, value, attr, data, **kwargs):
        currency = data.get("currency") if isinstance(data, dict) else None
        # the currency field reports its own error; a wrong-typed one must not break this one
        currency = currency if isinstance(currency, str) and len(currency) == 3 else "USD"
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError('Must be a decimal string such as "19.99".')
        if isinstance(value, str) and len(value) > 40:
            raise ValidationError('Must be a decimal string such as "19.99".')
        try:
            decimal_in_range(value, exponent(currency), self.maximum)
            return to_minor(str(value), currency)
        except InvalidAmount as exc:
            raise ValidationError(str(exc)) from exc


class PageMeta(CamelSchema):
    page = fields.Integer()
    limit = fields.Integer()
    total = fields.Integer()
    total_pages = fields.Integer()


class PageQuery(CamelSchema):
    page = Page()
    limit = Limit()


_envelopes: dict[type[Schema], type[Schema]] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The list envelope `{"data": [item...], "meta": PageMeta}` for an item schema."""
    if item not in _envelopes:
        name = item.__name__.removesuffix("Schema") + "Page"
        _envelopes[item] = type(
            name,
            (CamelSchema,),
            {"data": fields.List(fields.Nested(item)), "meta": fields.Nested(PageMeta)},
        )
    return _envelopes[item]


class ErrorSchema(Schema):
    error = fields.String(metadata={"description": "machine-readable code, e.g. NOT_FOUND"})
    message = fields.String()
    details = fields.Dict()
    requestId = fields.String()
