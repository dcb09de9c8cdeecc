"""RPC argument schemas (validated in the service) and the JSON shapes of results."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_load, validate

from services.accounts import domain
from services.common import pagination
from services.common.clock import iso
from services.common.fields import CleanText, Limit, Page, Text


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _normalise_email(value: Any) -> Any:
    return domain.normalise_email(value) if isinstance(value, str) else value


def _blank_to_none(value: Any) -> Any:
    value = _strip(value)
    return None if value == "" else value


def _name(**kwargs: Any) -> fields.String:
    return Text(pre_load=_strip, min_length=1, max_length=100, **kwargs)


def _optional(max_length: int) -> fields.String:
    return Text(pre_load=_blank_to_none, allow_none=True, max_length=max_length)


class Email(fields.Email):
    def __init__(self, **kwargs: Any):
        super().__init__(
            pre_load=_normalise_email,
            validate=[validate.Length(max=320), CleanText()],
            **kwargs,
        )


class RegisterSchema(Schema):
    email = Email(required=True)
    password = fields.String(required=True)
    first_name = _name(required=True)
    last_name = _name(required=True)


class CredentialsSchema(Schema):
    # not validated as an email: a malformed one is simply not found (401, not 400)
    email = Text(required=True, max_length=320)
    password = Text(required=True, max_length=1024)


class TokenSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=512))


class ResetRequestSchema(Schema):
    """A password reset request: an `email` that is not a string of at most 320 characters loads
    as None (never an error: the request says nothing about which emails have accounts)."""

    email = fields.String(load_default=None, allow_none=True)

    @pre_load
    def drop_what_is_no_email(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        email = data.get("email")
        return {"email": email if isinstance(email, str) and len(email) <= 320 else None}


class ResetPasswordSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=512))
    password = fields.String(required=True)


class UserIdSchema(Schema):
    user_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class ProfileChangesSchema(Schema):
    first_name = _name()
    last_name = _name()
    phone = _optional(32)
    cart_reminders = fields.Boolean(truthy={True}, falsy={False})


class ReminderPreferencesSchema(Schema):
    user_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(max=domain.MAX_REMINDER_USERS),
    )


class UnsubscribeTokenSchema(Schema):
    user_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    topic = fields.String(
        load_default="cart_reminders", validate=validate.OneOf(domain.UNSUBSCRIBE_TOPICS)
    )


class AddressSchema(Schema):
    first_name = _name(required=True)
    last_name = _name(required=True)
    address1 = Text(pre_load=_strip, required=True, min_length=1, max_length=200)
    address2 = _optional(200)
    city = Text(pre_load=_strip, required=True, min_length=1, max_length=100)
    state = _optional(100)
    postal_code = Text(pre_load=_strip, required=True, min_length=1, max_length=20)
    country = fields.String(
        pre_load=lambda v: _strip(v).upper() if isinstance(v, str) else v,
        required=True,
        validate=validate.Regexp(r"^[A-Z]{2}$", error="Must be an ISO 3166-1 alpha-2 code."),
    )
    phone = _optional(32)
    is_default = fields.Boolean(load_default=False)


class AddressChangesSchema(AddressSchema):
    """Every address field, all optional (`load(..., partial=True)`)."""


class ListUsersSchema(Schema):
    page = Page()
    limit = Limit()
    q = Text(load_default=None, allow_none=True, pre_load=_blank_to_none, max_length=100)
    role = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(domain.ROLES))


class AdminChangesSchema(Schema):
    role = fields.String(validate=validate.OneOf(domain.ROLES))
    is_active = fields.Boolean(truthy={True}, falsy={False})


# --- results ---------------------------------------------------------------------------------


def dump_user(user: domain.User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "role": user.role,
        "is_active": user.is_active,
        "cart_reminders": user.cart_reminders,
        "created_at": iso(user.created_at),
        "updated_at": iso(user.updated_at),
    }


def dump_auth(result: domain.AuthResult) -> dict[str, Any]:
    return {
        "user": dump_user(result.user),
        "access_token": result.access_token,
        "refresh_token": result.refresh_token,
        "expires_in": result.expires_in,
    }


def dump_address(address: domain.Address) -> dict[str, Any]:
    return {
        "id": address.id,
        "first_name": address.first_name,
        "last_name": address.last_name,
        "address1": address.address1,
        "address2": address.address2,
        "city": address.city,
        "state": address.state,
        "postal_code": address.postal_code,
        "country": address.country,
        "phone": address.phone,
        "is_default": address.is_default,
    }


def dump_user_page(page: domain.Page) -> dict[str, Any]:
    return {
        "data": [dump_user(user) for user in page.items],
        "meta": pagination.page_meta(page.page, page.limit, page.total),
    }
