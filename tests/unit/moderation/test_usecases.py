"""The moderation use cases on fakes of their ports: verdicts recorded once, a person decides when
a model fails, and no transaction is held while a model runs."""

import pytest

from services.moderation.domain import (
    FLAGGED,
    REJECTED,
    RemoteImage,
    UnreadableImage,
    policy_from_settings,
)
from services.moderation.exceptions import DecisionNotFound
from services.moderation.usecases import Moderation
from tests.unit.moderation.fakes import (
    FakeDecisions,
    FakeImageDetector,
    FakeTextClassifier,
)

REVIEW = {
    "event_id": "e-1",
    "review_id": "r-1",
    "product_id": "p-1",
    "user_id": "u-1",
    "title": "Teapot",
    "content": "A rude teapot.",
}


def moderation(text=None, image=None):
    decisions = FakeDecisions()  # the repository carries the transaction
    return Moderation(
        decisions=decisions,
        text_model=text or FakeTextClassifier(),
        image_model=image or FakeImageDetector(),
        policy=lambda: policy_from_settings({}),
    ), decisions


def test_a_rude_review_is_rejected_recorded_and_published_in_one_transaction():
    use_cases, transaction = moderation()
    use_cases.moderate_review(REVIEW, "handle_review_submitted")

    [row] = use_cases.decisions.rows
    assert (row.subject_type, row.subject_id, row.verdict) == ("review", "r-1", REJECTED)
    assert [payload for _, payload in use_cases.decisions.events] == [
        {"decision_id": row.id, "verdict": REJECTED, "product_id": "p-1", "user_id": "u-1"}
    ]
    assert transaction.ended == ["rollback", "commit"]  # the early check ends before the model


def test_a_redelivered_review_is_not_classified_again():
    use_cases, transaction = moderation()
    use_cases.moderate_review(REVIEW, "handle_review_submitted")
    use_cases.moderate_review(REVIEW, "handle_review_submitted")

    assert len(use_cases.text_model.calls) == 1 and len(use_cases.decisions.rows) == 1
    assert transaction.ended == ["rollback", "commit", "rollback"]


def test_a_failing_text_model_flags_the_review_for_an_admin():
    use_cases, _ = moderation(text=FakeTextClassifier(error=RuntimeError("exploded")))
    use_cases.moderate_review(REVIEW, "handle_review_submitted")
    [row] = use_cases.decisions.rows
    assert (row.verdict, row.reasons) == (FLAGGED, ["classifier_error"])


@pytest.mark.parametrize(
    ("error", "verdict", "reason"),
    [
        (UnreadableImage("not an image"), REJECTED, "unreadable_image"),
        (RemoteImage("s3://x"), FLAGGED, "remote_image"),
        (RuntimeError("exploded"), FLAGGED, "classifier_error"),
    ],
)
def test_an_image_the_detector_cannot_judge_is_rejected_or_left_to_an_admin(error, verdict, reason):
    use_cases, _ = moderation(image=FakeImageDetector(error=error))
    use_cases.moderate_media(
        {"event_id": "e-2", "media_id": "m-1", "product_id": None, "path": "/x.png"},
        "handle_media_uploaded",
    )
    [row] = use_cases.decisions.rows
    assert (row.subject_type, row.verdict, row.reasons) == ("media", verdict, [reason])


def test_the_latest_decision_is_found_and_a_missing_one_is_not():
    use_cases, _ = moderation()
    use_cases.moderate_review(REVIEW, "handle_review_submitted")
    assert use_cases.get_decision("review", "r-1").verdict == REJECTED
    with pytest.raises(DecisionNotFound):
        use_cases.get_decision("review", "r-2")
    assert use_cases.list_decisions(None, FLAGGED, 1, 20) == ([], 0)


def test_a_dry_run_decides_without_storing():
    use_cases, transaction = moderation()
    assert use_cases.moderate_text("Fine", "A fine teapot.").verdict == "approved"
    assert use_cases.decisions.rows == [] and transaction.ended == []
