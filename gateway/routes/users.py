"""Users: own profile and addresses, the unsubscribe link of emails; admin list and update of
users."""

from gateway.api import api
from gateway.idempotency import OFF
from gateway.schemas.accounts import (
    AddressBody,
    AddressListSchema,
    AddressSchema,
    AdminUserUpdateBody,
    ProfileUpdateBody,
    UnsubscribeBody,
    UnsubscribeResultSchema,
    UserListQuery,
    UserSchema,
)
from gateway.schemas.base import page_of

TAGS = ("users",)


class UserRoutes:
    @api(
        "GET",
        "/api/users/profile",
        auth=True,
        response=UserSchema,
        tags=TAGS,
        summary="Your profile",
    )
    def get_profile(self, request, user):
        return self.accounts_rpc.get_user(user.user_id)

    @api(
        "PUT",
        "/api/users/profile",
        auth=True,
        body=ProfileUpdateBody,
        response=UserSchema,
        tags=TAGS,
        summary="Update your profile",
    )
    def update_profile(self, request, user, body):
        return self.accounts_rpc.update_profile(user.user_id, body)

    @api(
        "POST",
        "/api/unsubscribe",
        # naturally idempotent (a second click answers the same), and anonymous: a key would have
        # no principal to scope by
        idempotency=OFF,
        body=UnsubscribeBody,
        response=UnsubscribeResultSchema,
        # the token is the credential here: held to the strict limit of the sign-in routes
        rate="auth",
        tags=TAGS,
        summary=(
            "Turn off the emails an unsubscribe link names, signed out (400"
            " INVALID_UNSUBSCRIBE_TOKEN for a bad token)"
        ),
    )
    def unsubscribe(self, request, body):
        return self.accounts_rpc.unsubscribe(body["token"])

    @api(
        "GET",
        "/api/users/addresses",
        auth=True,
        response=AddressListSchema,
        tags=TAGS,
        summary="Your saved addresses",
    )
    def list_addresses(self, request, user):
        return {"data": self.accounts_rpc.list_addresses(user.user_id)}

    @api(
        "POST",
        "/api/users/addresses",
        auth=True,
        body=AddressBody,
        response=AddressSchema,
        status=201,
        tags=TAGS,
        summary="Save an address",
    )
    def add_address(self, request, user, body):
        return self.accounts_rpc.add_address(user.user_id, body)

    @api(
        "PUT",
        "/api/users/addresses/<address_id>",
        auth=True,
        body=AddressBody(partial=True),
        response=AddressSchema,
        tags=TAGS,
        summary="Change a saved address",
    )
    def update_address(self, request, user, body, address_id):
        return self.accounts_rpc.update_address(user.user_id, address_id, body)

    @api(
        "DELETE",
        "/api/users/addresses/<address_id>",
        auth=True,
        status=204,
        tags=TAGS,
        summary="Delete a saved address",
    )
    def delete_address(self, request, user, address_id):
        self.accounts_rpc.delete_address(user.user_id, address_id)


class AdminUserRoutes:
    @api(
        "GET",
        "/api/admin/users",
        roles=("admin",),
        query=UserListQuery,
        response=page_of(UserSchema),
        tags=("admin",),
        summary="List users",
    )
    def admin_list_users(self, request, user, query):
        return self.accounts_rpc.list_users(**query)

    @api(
        "PATCH",
        "/api/admin/users/<user_id>",
        roles=("admin",),
        body=AdminUserUpdateBody,
        response=UserSchema,
        tags=("admin",),
        summary=(
            "Change a user's role or active flag (409 OWN_ADMIN_ACCESS for your own admin access,"
            " LAST_ACTIVE_ADMIN for the last active admin)"
        ),
    )
    def admin_update_user(self, request, user, body, user_id):
        return self.accounts_rpc.admin_update_user(user_id, body, actor_id=user.user_id)
