"""Moderation decides on submitted reviews and uploaded images, publishes and audits verdicts."""

import uuid

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import text

from services.moderation.exceptions import DecisionNotFound
from tests.helpers import engine_for, wait_for


def submit(dispatch, title, content, review_id=None, event_id=None):
    review_id = review_id or str(uuid.uuid4())
    payload = {
        "review_id": review_id,
        "product_id": "prod-1",
        "user_id": "u-1",
        "rating": 4,
        "title": title,
        "content": content,
    }
    if event_id:
        payload["event_id"] = event_id
    dispatch("reviews", "review_submitted", payload)
    return review_id


def verdict_for(seen, subject_id):
    def find():
        return next((e for e in seen["content_moderated"] if e["subject_id"] == subject_id), None)

    return wait_for(find, timeout=15)


@pytest.mark.parametrize(
    ("title", "content", "verdict"),
    [
        ("Lovely kettle", "Boils fast and looks nice. Would buy again.", "approved"),
        ("Garbage", "This is fucking shit and the seller is an asshole.", "rejected"),
        ("Meh", "This design is dumb", "flagged"),
        ("Cheaper", "Half price at http://deals.example.com", "flagged"),
    ],
)
def test_a_submitted_review_gets_a_verdict_with_scores_and_the_model_name(
    moderation, dispatch, seen, title, content, verdict
):
    review_id = submit(dispatch, title, content)
    event = verdict_for(seen, review_id)
    assert event["subject_type"] == "review"
    assert event["verdict"] == verdict
    assert event["model"] == "alt-profanity-check"
    assert event["model_version"] == "1.9.1"
    assert 0 <= event["scores"]["profanity"] <= 1
    assert event["product_id"] == "prod-1"
    assert event["event_id"]

    stored = moderation.get_decision("review", review_id)
    assert stored["verdict"] == verdict
    assert stored["scores"] == event["scores"]
    assert stored["id"] == event["decision_id"]


def test_a_redelivered_event_is_decided_once(moderation, dispatch, seen, config):
    event_id = str(uuid.uuid4())
    review_id = submit(dispatch, "Good", "Does the job.", event_id=event_id)
    submit(dispatch, "Good", "Does the job.", review_id=review_id, event_id=event_id)
    verdict_for(seen, review_id)
    other = submit(dispatch, "Fine", "Also fine.")
    verdict_for(seen, other)  # processed after both deliveries of the first event
    with engine_for(config, "moderation").connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM decisions WHERE subject_id = :id"), {"id": review_id}
        ).scalar_one()
    assert count == 1
    assert [e["subject_id"] for e in seen["content_moderated"]].count(review_id) == 1


def test_many_reviews_at_once_all_get_verdicts(moderation, dispatch, seen):
    ids = [submit(dispatch, f"Review {i}", "Works as described.") for i in range(20)]
    for review_id in ids:
        assert verdict_for(seen, review_id)["verdict"] == "approved"
    page = moderation.list_decisions({"subject_type": "review", "limit": 50})
    assert page["meta"]["total"] == 20


def test_a_generated_product_image_is_approved(moderation, dispatch, seen, media_root):
    path = media_root / "originals" / "photo.jpg"
    path.parent.mkdir()
    pixels = np.random.default_rng(1).integers(0, 255, (600, 800, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    dispatch(
        "media", "media_uploaded", {"media_id": "m-1", "product_id": "prod-1", "path": str(path)}
    )
    event = verdict_for(seen, "m-1")
    assert event["subject_type"] == "media"
    assert event["verdict"] == "approved"
    assert event["model"] == "nudenet"
    assert event["product_id"] == "prod-1"
    assert moderation.get_decision("media", "m-1")["duration_ms"] > 0


def test_an_upload_that_is_not_an_image_is_rejected(moderation, dispatch, seen, media_root):
    path = media_root / "broken.png"
    path.write_bytes(b"\x89PNG but not really")
    dispatch("media", "media_uploaded", {"media_id": "m-2", "product_id": "p", "path": str(path)})
    event = verdict_for(seen, "m-2")
    assert event["verdict"] == "rejected"
    assert event["reasons"] == ["unreadable_image"]


def test_a_path_outside_the_media_root_is_never_read(moderation, dispatch, seen):
    dispatch(
        "media", "media_uploaded", {"media_id": "m-3", "product_id": "p", "path": "/etc/hostname"}
    )
    assert verdict_for(seen, "m-3")["verdict"] == "rejected"


def test_flagged_decisions_form_the_queue(moderation, dispatch, seen):
    flagged = submit(dispatch, "Meh", "This design is dumb")
    clean = submit(dispatch, "Nice", "Very good.")
    verdict_for(seen, flagged)
    verdict_for(seen, clean)
    queue = moderation.list_queue()
    assert [d["subject_id"] for d in queue["data"]] == [flagged]


def test_asking_for_an_unknown_decision_raises_not_found(moderation):
    with pytest.raises(DecisionNotFound):
        moderation.get_decision("review", "nope")


def test_a_dry_run_decides_without_storing(moderation):
    result = moderation.moderate_text("Garbage", "fucking useless shit")
    assert result["verdict"] == "rejected"
    assert moderation.list_decisions()["meta"]["total"] == 0
