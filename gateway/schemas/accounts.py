"""HTTP schemas of the auth, users and admin-user routes."""

from marshmallow import fields, validate

from gateway.schemas.base import CamelSchema, PageQuery
from services.common.fields import Email, Text


def _name(**kwargs) -> Text:
    return Text(min_length=1, max_length=100, **kwargs)


class UserSchema(CamelSchema):
    id = fields.String()
    email = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String(allow_none=True)
    role = fields.String()
    is_active = fields.Boolean()
    cart_reminders = fields.Boolean(
        metadata={"description": "emailed about items left in the cart (abandoned-cart reminders)"}
    )
    created_at = fields.String()
    updated_at = fields.String()


class RegisterBody(CamelSchema):
    email = Email(required=True)
    password = Text(required=True, min_length=1, max_length=256)
    first_name = _name(required=True)
    last_name = _name(required=True)


class LoginBody(CamelSchema):
    email = Text(required=True, min_length=1, max_length=254)
    password = Text(required=True, min_length=1, max_length=256)


class RefreshBody(CamelSchema):
    refresh_token = Text(required=True, min_length=1, max_length=512)


class ForgotPasswordBody(CamelSchema):
    email = Text(required=True, min_length=1, max_length=254)


class ResetPasswordBody(CamelSchema):
    token = Text(required=True, min_length=1, max_length=512)
    password = Text(required=True, min_length=1, max_length=256)


class AuthResultSchema(CamelSchema):
    user = fields.Nested(UserSchema)
    access_token = fields.String()
    refresh_token = fields.String()
    expires_in = fields.Integer()


class ProfileUpdateBody(CamelSchema):
    first_name = _name()
    last_name = _name()
    phone = Text(allow_none=True, max_length=32)
    cart_reminders = fields.Boolean(
        metadata={"description": "false: no more emails about items left in the cart"}
    )


class UnsubscribeBody(CamelSchema):
    token = Text(
        required=True,
        min_length=1,
        max_length=512,
        metadata={"description": "the token of an email's unsubscribe link (?token=...)"},
    )


class UnsubscribeResultSchema(CamelSchema):
    topic = fields.String(metadata={"description": "what was turned off: cart_reminders"})
    unsubscribed = fields.Boolean()


class AddressBody(CamelSchema):
    first_name = _name(required=True)
    last_name = _name(required=True)
    address1 = Text(required=True, min_length=1, max_length=200)
    address2 = Text(allow_none=True, max_length=200)
    city = Text(required=True, min_length=1, max_length=100)
    state = Text(allow_none=True, max_length=100)
    postal_code = Text(required=True, min_length=1, max_length=20)
    country = Text(
        required=True,
        max_length=2,
        validate=validate.Regexp(r"^[A-Z]{2}$", error="ISO 3166 alpha-2 code"),
    )
    phone = Text(allow_none=True, max_length=32)
    is_default = fields.Boolean()


class AddressSchema(AddressBody):
    id = fields.String()


class AddressListSchema(CamelSchema):
    data = fields.List(fields.Nested(AddressSchema))


class UserListQuery(PageQuery):
    q = Text(max_length=100)
    role = fields.String(validate=validate.OneOf(["customer", "seller", "admin"]))


class AdminUserUpdateBody(CamelSchema):
    role = fields.String(validate=validate.OneOf(["customer", "seller", "admin"]))
    is_active = fields.Boolean()


class PasswordRuleSchema(CamelSchema):
    id = fields.String(
        metadata={"description": "min_length, max_length, letter, digit, common or email"}
    )
    label = fields.String(metadata={"description": "the requirement, as a form states it"})
    text = fields.String(metadata={"description": "the field error when it is broken"})


class PasswordPolicySchema(CamelSchema):
    min_length = fields.Integer(metadata={"description": "characters"})
    max_length = fields.Integer(metadata={"description": "characters"})
    requires_letter = fields.Boolean()
    requires_digit = fields.Boolean()
    email_local_part_min = fields.Integer(
        metadata={
            "description": "the email's name part is refused inside the password from this length"
        }
    )
    rules = fields.List(fields.Nested(PasswordRuleSchema))
