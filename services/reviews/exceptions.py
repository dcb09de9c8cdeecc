"""Errors the reviews service raises; callers receive them as themselves (see common.errors)."""

from services.common.errors import BazaarError, Conflict, Forbidden, NotFound, ValidationFailed


class ReviewsError(BazaarError):
    """Base of the reviews service's errors."""


class ReviewNotFound(ReviewsError, NotFound):
    """No such review (or not one the caller may see)."""


class ReviewProductNotFound(ReviewsError, NotFound):
    """The product to review does not exist or is not on sale."""


class ReviewExists(ReviewsError, Conflict):
    """This user has already reviewed this product."""


class AlreadyVoted(ReviewsError, Conflict):
    """This user has already marked this review as helpful."""


class OwnReviewVote(ReviewsError, Forbidden):
    """Authors cannot vote on their own reviews."""


class InvalidReviewStatus(ReviewsError, ValidationFailed):
    """This status change is not allowed."""
