"""Carts: guest carts by their unguessable id, the signed-in user's one cart, lines, coupon,
merge on sign-in. Another user's cart is a 404."""

from gateway.api import api
from gateway.schemas.cart import (
    AddItemBody,
    CartSchema,
    CouponCodeBody,
    MergeBody,
    StorefrontConfigSchema,
    UpdateItemBody,
)

TAGS = ("cart",)


def _uid(user):
    return user.user_id if user is not None else None


class CartRoutes:
    @api(
        "GET",
        "/api/storefront/config",
        response=StorefrontConfigSchema,
        # on every home page; fixed until the cart service is redeployed (the TTL bounds it)
        cache="config",
        tags=TAGS,
        summary="What the storefront states: free-shipping threshold, most per line, few left",
    )
    def get_storefront_config(self, request):
        return self.cart_rpc.storefront_options()

    @api(
        "POST",
        "/api/cart",
        auth="optional",
        response=CartSchema,
        status=201,
        tags=TAGS,
        summary="Create a guest cart, or get your own when signed in",
    )
    def create_cart(self, request, user):
        return self.cart_rpc.create_cart(_uid(user))

    @api(
        "GET",
        "/api/cart",
        auth=True,
        response=CartSchema,
        tags=TAGS,
        summary="Your cart (created if needed)",
    )
    def get_my_cart(self, request, user):
        return self.cart_rpc.get_user_cart(user.user_id)

    @api(
        "POST",
        "/api/cart/merge",
        auth=True,
        body=MergeBody,
        response=CartSchema,
        tags=TAGS,
        summary="Fold a guest cart into yours after signing in",
    )
    def merge_carts(self, request, user, body):
        return self.cart_rpc.merge_carts(body["guest_cart_id"], user.user_id)

    @api(
        "GET",
        "/api/cart/<cart_id>",
        auth="optional",
        response=CartSchema,
        tags=TAGS,
        summary="A cart, priced now",
    )
    def get_cart(self, request, user, cart_id):
        return self.cart_rpc.get_cart(cart_id, _uid(user))

    @api(
        "DELETE",
        "/api/cart/<cart_id>",
        auth="optional",
        status=204,
        tags=TAGS,
        summary="Delete a cart",
    )
    def delete_cart(self, request, user, cart_id):
        self.cart_rpc.delete_cart(cart_id, _uid(user))

    @api(
        "POST",
        "/api/cart/<cart_id>/items",
        auth="optional",
        body=AddItemBody,
        response=CartSchema,
        tags=TAGS,
        summary="Add units of a product",
    )
    def add_item(self, request, user, body, cart_id):
        return self.cart_rpc.add_item(cart_id, body["product_id"], body["quantity"], _uid(user))

    @api(
        "PUT",
        "/api/cart/<cart_id>/items/<product_id>",
        auth="optional",
        body=UpdateItemBody,
        response=CartSchema,
        tags=TAGS,
        summary="Set a line's quantity (0 removes it)",
    )
    def update_item(self, request, user, body, cart_id, product_id):
        return self.cart_rpc.update_item(cart_id, product_id, body["quantity"], _uid(user))

    @api(
        "DELETE",
        "/api/cart/<cart_id>/items/<product_id>",
        auth="optional",
        response=CartSchema,
        tags=TAGS,
        summary="Remove a line",
    )
    def remove_item(self, request, user, cart_id, product_id):
        return self.cart_rpc.remove_item(cart_id, product_id, _uid(user))

    @api(
        "POST",
        "/api/cart/<cart_id>/coupon",
        auth="optional",
        body=CouponCodeBody,
        response=CartSchema,
        tags=TAGS,
        summary="Apply a coupon code",
    )
    def apply_coupon(self, request, user, body, cart_id):
        return self.cart_rpc.apply_coupon(cart_id, body["code"], _uid(user))

    @api(
        "DELETE",
        "/api/cart/<cart_id>/coupon",
        auth="optional",
        response=CartSchema,
        tags=TAGS,
        summary="Remove the coupon",
    )
    def remove_coupon(self, request, user, cart_id):
        return self.cart_rpc.remove_coupon(cart_id, _uid(user))
