"""Orders: checkout (with Idempotency-Key), the customer's orders, cancel, history; staff status
and tracking; staff listing and admin dead letters. Another customer's order is a 404; a seller
sees and moves only orders holding their products (orders decides, given the actor)."""

from __future__ import annotations

from gateway.api import api
from gateway.idempotency import SERVICE, idempotency
from gateway.schemas.base import page_of
from gateway.schemas.orders import (
    AdminOrderQuery,
    AdminOrderSchema,
    CancelBody,
    DeadLetterQuery,
    DeadLetterSchema,
    HistorySchema,
    OrderListQuery,
    OrderSchema,
    PlaceOrderBody,
    StatusBody,
    TrackingBody,
)
from services.common.actor import actor_of
from services.common.schemas import load

TAGS = ("orders",)
STAFF = ("seller", "admin")


def is_staff(user) -> bool:
    return user.role in STAFF


def _optional_reason(request) -> str | None:
    """The reason of the optional JSON body {reason}: the body is read here, not declared on the
    route, because a cancel without any body (or content type) is the usual case."""
    data = request.get_json(silent=True) if request.mimetype == "application/json" else None
    if not isinstance(data, dict):
        return None
    return load(CancelBody(), data)["reason"] or None


class OrderRoutes:
    @api(
        "POST",
        "/api/orders",
        idempotency=SERVICE,
        auth=True,
        body=PlaceOrderBody,
        response=OrderSchema,
        status=201,
        tags=TAGS,
        summary="Place an order from a cart (send an Idempotency-Key header)",
    )
    def place_order(self, request, user, body):
        key, digest = idempotency(request, body)
        return self.orders_rpc.place_order(
            user.user_id,
            body["cart_id"],
            shipping_address=body["shipping_address"],
            address_id=body["address_id"],
            payment_method=body["payment_method"],
            idempotency_key=key,
            request_hash=digest,
        )

    @api(
        "GET",
        "/api/orders",
        auth=True,
        query=OrderListQuery,
        response=page_of(OrderSchema),
        tags=TAGS,
        summary="Your orders, newest first",
    )
    def list_orders(self, request, user, query):
        return self.orders_rpc.list_orders(user_id=user.user_id, **query)

    @api(
        "GET",
        "/api/orders/<order_id>",
        auth=True,
        response=OrderSchema,
        tags=TAGS,
        summary="One of your orders (admins: any order; sellers: those holding their products)",
    )
    def get_order(self, request, user, order_id):
        return self.orders_rpc.get_order(
            order_id, user.user_id, is_staff(user), actor=actor_of(user)
        )

    @api(
        "GET",
        "/api/orders/<order_id>/history",
        auth=True,
        response=HistorySchema,
        tags=TAGS,
        summary="Status history: who, when, from, to, why",
    )
    def get_order_history(self, request, user, order_id):
        return self.orders_rpc.get_history(
            order_id, user.user_id, is_staff(user), actor=actor_of(user)
        )

    @api(
        "POST",
        "/api/orders/<order_id>/cancel",
        idempotency=SERVICE,
        auth=True,
        response=OrderSchema,
        tags=TAGS,
        summary="Cancel before shipping (optional JSON {reason}); refunded when paid",
    )
    def cancel_order(self, request, user, order_id):
        key, digest = idempotency(request)
        return self.orders_rpc.cancel_order(
            order_id,
            user.user_id,
            _optional_reason(request),
            user.is_admin,
            idempotency_key=key,
            request_hash=digest,
        )

    @api(
        "PATCH",
        "/api/orders/<order_id>/status",
        idempotency=SERVICE,
        roles=STAFF,
        body=StatusBody,
        response=OrderSchema,
        tags=TAGS,
        summary="Staff: move an order along its lifecycle",
    )
    def update_order_status(self, request, user, body, order_id):
        key, digest = idempotency(request, body)
        return self.orders_rpc.update_status(
            order_id,
            body["status"],
            user.user_id,
            body["note"],
            idempotency_key=key,
            request_hash=digest,
            actor=actor_of(user),
        )

    @api(
        "PUT",
        "/api/orders/<order_id>/tracking",
        idempotency=SERVICE,
        roles=STAFF,
        body=TrackingBody,
        response=OrderSchema,
        tags=TAGS,
        summary="Staff: set carrier, number and URL",
    )
    def set_order_tracking(self, request, user, body, order_id):
        key, digest = idempotency(request, body)
        return self.orders_rpc.set_tracking(
            order_id,
            body["carrier"],
            body["number"],
            body["url"],
            user.user_id,
            idempotency_key=key,
            request_hash=digest,
            actor=actor_of(user),
        )


class AdminOrderRoutes:
    @api(
        "GET",
        "/api/admin/orders",
        roles=STAFF,
        query=AdminOrderQuery,
        response=page_of(OrderSchema),
        tags=("admin",),
        summary="Staff: orders by status, date range and customer (a seller: those holding "
        "their products)",
    )
    def admin_list_orders(self, request, user, query):
        return self.orders_rpc.list_orders(
            user_id=query["customer"],
            seller_id=query["seller"],
            status=query["status"],
            date_from=query["date_from"].isoformat() if query["date_from"] else None,
            date_to=query["date_to"].isoformat() if query["date_to"] else None,
            page=query["page"],
            limit=query["limit"],
            actor=actor_of(user),
        )

    @api(
        "GET",
        "/api/admin/orders/<order_id>",
        roles=STAFF,
        response=AdminOrderSchema,
        tags=("admin",),
        summary="Staff: an order with the statuses it may move to and its whole timeline "
        "(status changes and payment events, oldest first)",
    )
    def admin_get_order(self, request, user, order_id):
        return self.orders_rpc.get_admin_order(order_id, actor_of(user))

    @api(
        "GET",
        "/api/admin/orders/dead-letters",
        roles=("admin",),
        query=DeadLetterQuery,
        response=page_of(DeadLetterSchema),
        tags=("admin",),
        summary="Order events whose handling kept failing",
    )
    def admin_order_dead_letters(self, request, user, query):
        return self.orders_rpc.list_dead_letters(**query)

    @api(
        "POST",
        "/api/admin/orders/dead-letters/<letter_id>/replay",
        roles=("admin",),
        response=DeadLetterSchema,
        tags=("admin",),
        summary="Handle a dead letter again",
    )
    def admin_replay_order_dead_letter(self, request, user, letter_id):
        return self.orders_rpc.replay_dead_letter(letter_id)
