"""HTTP schemas of the auth, users and admin-user routes."""

from marshmallow import fields, validate

from gateway.schemas.base import CamelSchema, PageQuery

_NAME = validate.Length(min=1, max=100)


class UserSchema(CamelSchema):
    id = fields.String()
    email = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String(allow_none=True)
    role = fields.String()
    is_active = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()


class RegisterBody(CamelSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))
    first_name = fields.String(required=True, validate=_NAME)
    last_name = fields.String(required=True, validate=_NAME)


class LoginBody(CamelSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class RefreshBody(CamelSchema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=512))


class ForgotPasswordBody(CamelSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class ResetPasswordBody(CamelSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=512))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class AuthResultSchema(CamelSchema):
    user = fields.Nested(UserSchema)
    access_token = fields.String()
    refresh_token = fields.String()
    expires_in = fields.Integer()


class ProfileUpdateBody(CamelSchema):
    first_name = fields.String(validate=_NAME)
    last_name = fields.String(validate=_NAME)
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))


class AddressBody(CamelSchema):
    first_name = fields.String(required=True, validate=_NAME)
    last_name = fields.String(required=True, validate=_NAME)
    address1 = fields.String(required=True, validate=validate.Length(min=1, max=200))
    address2 = fields.String(allow_none=True, validate=validate.Length(max=200))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    state = fields.String(allow_none=True, validate=validate.Length(max=100))
    postal_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    country = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Z]{2}$", error="ISO 3166 alpha-2 code")
    )
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    is_default = fields.Boolean()


class AddressSchema(AddressBody):
    id = fields.String()


class AddressListSchema(CamelSchema):
    data = fields.List(fields.Nested(AddressSchema))


class UserListQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=100))
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
