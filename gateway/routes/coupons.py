"""Coupons, for admins: list, create, change, delete (by code)."""

from gateway.api import api
from gateway.schemas.base import page_of
from gateway.schemas.cart import CouponBody, CouponListQuery, CouponSchema, CouponUpdateBody

TAGS = ("admin", "coupons")
ADMIN = ("admin",)


class CouponRoutes:
    @api(
        "GET",
        "/api/admin/coupons",
        roles=ADMIN,
        query=CouponListQuery,
        response=page_of(CouponSchema),
        tags=TAGS,
        summary="List coupons",
    )
    def list_coupons(self, request, user, query):
        return self.cart_rpc.list_coupons(**query)

    @api(
        "POST",
        "/api/admin/coupons",
        roles=ADMIN,
        body=CouponBody,
        response=CouponSchema,
        status=201,
        tags=TAGS,
        summary="Create a coupon",
    )
    def create_coupon(self, request, user, body):
        return self.cart_rpc.create_coupon(body)

    @api(
        "GET",
        "/api/admin/coupons/<code>",
        roles=ADMIN,
        response=CouponSchema,
        tags=TAGS,
        summary="A coupon",
    )
    def get_coupon(self, request, user, code):
        return self.cart_rpc.get_coupon(code)

    @api(
        "PUT",
        "/api/admin/coupons/<code>",
        roles=ADMIN,
        body=CouponUpdateBody,
        response=CouponSchema,
        tags=TAGS,
        summary="Change a coupon",
    )
    def update_coupon(self, request, user, body, code):
        return self.cart_rpc.update_coupon(code, body)

    @api(
        "DELETE",
        "/api/admin/coupons/<code>",
        roles=ADMIN,
        status=204,
        tags=TAGS,
        summary="Delete a coupon (kept as deleted if it was ever redeemed)",
    )
    def delete_coupon(self, request, user, code):
        self.cart_rpc.delete_coupon(code)
