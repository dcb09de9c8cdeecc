"""When a model fails, a person decides: the subject is flagged, never silently dropped."""

from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import text
from sqlalchemy.orm import Session

from services.common.outbox import OutboxWriter
from services.moderation.repository import SqlDecisionRepository
from services.moderation.service import ModerationService
from tests.helpers import engine_for


class BrokenModel:
    model = "alt-profanity-check"
    model_version = "1.9.1"

    def classify(self, texts):
        raise RuntimeError("model exploded")

    def detect(self, path):
        raise RuntimeError("model exploded")


@pytest.fixture
def service(config):
    engine = engine_for(config, "moderation")
    with Session(engine) as session:
        yield worker_factory(
            ModerationService,
            db=SimpleNamespace(session=session),
            decisions=SqlDecisionRepository(session, OutboxWriter()),
            config=config,
            text_model=BrokenModel(),
            image_model=BrokenModel(),
        )


def stored(config):
    with engine_for(config, "moderation").connect() as conn:
        decisions = conn.execute(text("SELECT verdict, reasons FROM decisions")).all()
        events = conn.execute(text("SELECT event_type, payload FROM outbox")).all()
    return decisions, events


def test_a_failing_text_model_flags_the_review_for_an_admin(service, config):
    service.handle_review_submitted(
        {"event_id": "e-1", "review_id": "r-1", "product_id": "p", "title": "t", "content": "c"}
    )
    decisions, events = stored(config)
    assert [(d.verdict, d.reasons) for d in decisions] == [("flagged", ["classifier_error"])]
    assert events[0].event_type == "content_moderated"
    assert events[0].payload["verdict"] == "flagged"


def test_a_failing_image_model_flags_the_upload(service, config):
    service.handle_media_uploaded({"event_id": "e-2", "media_id": "m-1", "path": "/x.png"})
    decisions, _ = stored(config)
    assert [(d.verdict, d.reasons) for d in decisions] == [("flagged", ["classifier_error"])]


def test_a_malformed_event_is_dropped_without_a_decision(service, config):
    service.handle_review_submitted({"title": "no ids"})
    assert stored(config) == ([], [])
