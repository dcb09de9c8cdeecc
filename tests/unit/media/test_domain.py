"""The media rules on plain values: when an image is published, where its files are kept."""

from services.media import domain
from services.media.domain import should_publish


def test_an_image_is_published_once_when_processed_and_approved():
    assert should_publish("processed", "approved", False, await_moderation=True)
    assert not should_publish("processed", "pending", False, await_moderation=True)
    assert not should_publish("processed", "flagged", False, await_moderation=True)
    assert not should_publish("processed", "approved", True, await_moderation=True)
    assert not should_publish("pending", "approved", False, await_moderation=True)


def test_without_awaiting_moderation_anything_not_rejected_is_published():
    assert should_publish("processed", "pending", False, await_moderation=False)
    assert not should_publish("processed", "rejected", False, await_moderation=False)


def test_originals_and_variants_have_separate_key_spaces():
    assert domain.original_key("abcd-1", "jpg") == "originals/ab/abcd-1.jpg"
    assert domain.variant_key("abcd-1", "large") == "images/ab/abcd-1/large.webp"
