"""Reviews: submit, read a product's published reviews, vote, delete; admin moderation queue."""

from gateway.api import api
from gateway.schemas.reviews import (
    AdminReviewQuery,
    AdminReviewSchema,
    AdminReviewsPage,
    HelpfulVoteSchema,
    ProductReviewsPage,
    ReviewBody,
    ReviewEligibilitySchema,
    ReviewListQuery,
    ReviewSchema,
    ReviewStatusBody,
)

TAGS = ("reviews",)


class ReviewRoutes:
    @api(
        "POST",
        "/api/reviews",
        auth=True,
        body=ReviewBody,
        response=ReviewSchema,
        status=201,
        tags=TAGS,
        summary="Review a product (pending until moderation decides)",
    )
    def submit_review(self, request, user, body):
        return self.reviews_rpc.submit_review(user_id=user.user_id, **body)

    @api(
        "GET",
        "/api/reviews/product/<product_id>",
        query=ReviewListQuery,
        response=ProductReviewsPage,
        tags=TAGS,
        summary="A product's published reviews with its rating summary",
    )
    def list_product_reviews(self, request, query, product_id):
        return self.reviews_rpc.list_reviews(product_id, query)

    @api(
        "GET",
        "/api/reviews/product/<product_id>/eligibility",
        auth=True,
        response=ReviewEligibilitySchema,
        tags=TAGS,
        summary="May I review this product, and would my review show as a verified purchase",
    )
    def review_eligibility(self, request, user, product_id):
        return self.reviews_rpc.review_eligibility(user.user_id, product_id)

    @api(
        "GET",
        "/api/reviews/<review_id>",
        auth="optional",
        response=ReviewSchema,
        tags=TAGS,
        summary="One review (unpublished ones only to their author)",
    )
    def get_review(self, request, user, review_id):
        return self.reviews_rpc.get_review(
            review_id, user.user_id if user else None, bool(user and user.is_admin)
        )

    @api(
        "POST",
        "/api/reviews/<review_id>/helpful",
        auth=True,
        response=HelpfulVoteSchema,
        tags=TAGS,
        summary="Mark a review as helpful (once; not your own)",
    )
    def vote_helpful(self, request, user, review_id):
        return self.reviews_rpc.vote_helpful(review_id, user.user_id)

    @api(
        "DELETE",
        "/api/reviews/<review_id>",
        auth=True,
        status=204,
        tags=TAGS,
        summary="Delete your review (admins: any review)",
    )
    def delete_review(self, request, user, review_id):
        self.reviews_rpc.delete_review(review_id, user.user_id, user.is_admin)


class AdminReviewRoutes:
    @api(
        "GET",
        "/api/admin/reviews",
        roles=("admin",),
        query=AdminReviewQuery,
        response=AdminReviewsPage,
        tags=("admin",),
        summary="Reviews by status (default: flagged ones waiting for a decision)",
    )
    def admin_list_reviews(self, request, user, query):
        return self.reviews_rpc.list_queue(query)

    @api(
        "PATCH",
        "/api/admin/reviews/<review_id>",
        roles=("admin",),
        body=ReviewStatusBody,
        response=AdminReviewSchema,
        tags=("admin",),
        summary="Publish or reject a review",
    )
    def admin_set_review_status(self, request, user, body, review_id):
        return self.reviews_rpc.set_status(review_id, body["status"], user.user_id)
