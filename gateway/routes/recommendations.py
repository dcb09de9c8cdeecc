"""Recommendations: "customers also bought" and similar products of a product, trending products
(both public and cached until the service announces `recommendations_changed`), the shopper's
recently viewed products (personal: never cached), and the admin's dead letters."""

from __future__ import annotations

from gateway.api import api
from gateway.idempotency import OFF
from gateway.schemas.base import page_of
from gateway.schemas.orders import DeadLetterQuery, DeadLetterSchema
from gateway.schemas.recommendations import (
    RecentlyViewedQuery,
    RecentlyViewedSchema,
    RecommendationsQuery,
    RecommendationsSchema,
    TrendingQuery,
    ViewBody,
)
from services.common.errors import ValidationFailed

TAGS = ("recommendations",)
NAMESPACE = "recommendations"
# The two public reads are `auth="optional"`: anyone may call them, and only an anonymous call is
# served from the response cache (gateway/api.py), so a signed-in read always reaches the service
# (docs/design/recommendations.md §0: the benchmark's uncached figure, and room to personalise).


def _viewer(user, cart_id: str | None) -> dict:
    """Whose history a request reads or writes: a signed-in user's own (any cartId sent is
    ignored: the browser may still hold a guest id), else the guest cart's, whose unguessable id
    is the capability. A guest without one is told which field is missing."""
    if user is not None:
        return {"user_id": user.user_id}
    if not cart_id:
        raise ValidationFailed(
            "invalid request", {"fields": {"cartId": ["Required when not signed in."]}}
        )
    return {"cart_id": cart_id}


class RecommendationRoutes:
    @api(
        "GET",
        "/api/products/<product_id>/recommendations",
        auth="optional",
        query=RecommendationsQuery,
        response=RecommendationsSchema,
        cache=NAMESPACE,
        tags=TAGS,
        summary="Products bought with this one, or similar ones (meta.source says which list "
        "answered)",
    )
    def get_recommendations(self, request, user, query, product_id):
        return self.recommendations_rpc.recommend(
            product_id,
            kind=query["kind"],
            limit=query["limit"],
            include_out_of_stock=query["include_out_of_stock"],
        )

    @api(
        "GET",
        "/api/recommendations/trending",
        auth="optional",
        query=TrendingQuery,
        response=RecommendationsSchema,
        cache=NAMESPACE,
        tags=TAGS,
        summary="Products selling fastest lately, in the whole shop or one category",
    )
    def get_trending(self, request, user, query):
        return self.recommendations_rpc.trending(
            category=query.get("category"), limit=query["limit"]
        )

    @api(
        "GET",
        "/api/recently-viewed",
        auth="optional",
        query=RecentlyViewedQuery,
        response=RecentlyViewedSchema,
        tags=TAGS,
        summary="Products you viewed lately, most recent first (guests: by their cart's id)",
    )
    def get_recently_viewed(self, request, user, query):
        return self.recommendations_rpc.recently_viewed(
            **_viewer(user, query.get("cart_id")), limit=query["limit"]
        )

    # not keyed: viewing a product twice is viewing it (the later time counts), and a guest's
    # POST has no capability in its path to scope a key by
    @api(
        "POST",
        "/api/recently-viewed",
        auth="optional",
        body=ViewBody,
        status=204,
        idempotency=OFF,
        tags=TAGS,
        summary="Note that you viewed a product (guests: send their cart's id)",
    )
    def record_view(self, request, user, body):
        self.recommendations_rpc.record_view(
            body["product_id"], **_viewer(user, body.get("cart_id"))
        )


class AdminRecommendationRoutes:
    @api(
        "GET",
        "/api/admin/recommendations/dead-letters",
        roles=("admin",),
        query=DeadLetterQuery,
        response=page_of(DeadLetterSchema),
        tags=("admin",),
        summary="Recommendation events whose handling kept failing",
    )
    def admin_recommendation_dead_letters(self, request, user, query):
        return self.recommendations_rpc.list_dead_letters(**query)

    @api(
        "POST",
        "/api/admin/recommendations/dead-letters/<letter_id>/replay",
        roles=("admin",),
        response=DeadLetterSchema,
        tags=("admin",),
        summary="Handle a dead letter again",
    )
    def admin_replay_recommendation_dead_letter(self, request, user, letter_id):
        return self.recommendations_rpc.replay_dead_letter(letter_id)
