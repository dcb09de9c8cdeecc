"""The moderation service: offline classifiers decide on reviews and uploaded images.

Consumes `reviews.review_submitted` and `media.media_uploaded`; for each, stores a decision (audit)
and publishes `content_moderated` {decision_id, subject_type, subject_id, verdict, scores, reasons,
model, model_version, product_id} through the outbox, in one transaction. Redeliveries are
recognised by `event_id` and change nothing.
"""

from __future__ import annotations

import logging
import time

from marshmallow import ValidationError
from nameko.dependency_providers import Config

from services.common.database import Database
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.messaging import event_handler
from services.common.outbox import Outbox, OutboxRelay
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.moderation.classifiers import ImageModel, RemoteImage, TextModel, UnreadableImage
from services.moderation.dependencies import DecisionRepository
from services.moderation.domain import (
    MEDIA,
    REVIEW,
    classifier_failure,
    decide_image,
    moderate_texts,
    unreadable_image,
)
from services.moderation.exceptions import DecisionNotFound
from services.moderation.models import Base, dead_letters
from services.moderation.policy import policy_from_config
from services.moderation.schemas import (
    DecisionQuerySchema,
    MediaUploadedSchema,
    ReviewSubmittedSchema,
)

log = logging.getLogger(__name__)


class ModerationService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "moderation"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    outbox = Outbox()
    config = Config()
    text_model = TextModel()
    image_model = ImageModel()

    # -- events ---------------------------------------------------------------------------------

    @event_handler("reviews", "review_submitted")
    @dead_lettered(dead_letters, "reviews", "review_submitted")
    def handle_review_submitted(self, payload):
        event = self._load_event(ReviewSubmittedSchema(), payload, "review_submitted")
        if event is None or self._seen(event, "handle_review_submitted"):
            return
        policy = policy_from_config(self.config)
        started = time.perf_counter()
        try:
            [decision] = moderate_texts(
                [(event["title"], event["content"])],
                self.text_model.classify,
                policy.rules,
                policy.text,
            )
        except Exception:
            log.exception("text classifier failed on review %s", event["review_id"])
            decision = classifier_failure("classifier_error")
        self._record(
            REVIEW,
            event["review_id"],
            decision,
            self.text_model,
            event,
            "handle_review_submitted",
            started,
            {"product_id": event["product_id"], "user_id": event["user_id"]},
        )

    @event_handler("media", "media_uploaded")
    @dead_lettered(dead_letters, "media", "media_uploaded")
    def handle_media_uploaded(self, payload):
        event = self._load_event(MediaUploadedSchema(), payload, "media_uploaded")
        if event is None or self._seen(event, "handle_media_uploaded"):
            return
        policy = policy_from_config(self.config)
        started = time.perf_counter()
        try:
            decision = decide_image(self.image_model.detect(event["path"]), policy.image)
        except RemoteImage:
            log.warning("media %s is in remote storage: an admin decides", event["media_id"])
            decision = classifier_failure("remote_image")
        except UnreadableImage as exc:
            log.warning("media %s rejected: %s", event["media_id"], exc)
            decision = unreadable_image("unreadable_image")
        except Exception:
            log.exception("image detector failed on media %s", event["media_id"])
            decision = classifier_failure("classifier_error")
        self._record(
            MEDIA,
            event["media_id"],
            decision,
            self.image_model,
            event,
            "handle_media_uploaded",
            started,
            {"product_id": event["product_id"]},
        )

    # -- RPC ------------------------------------------------------------------------------------

    @rpc(expected_exceptions=(DecisionNotFound,))
    def get_decision(self, subject_type: str, subject_id: str) -> dict:
        """The latest decision on a subject; raises DecisionNotFound."""
        return DecisionRepository(self.db.session).latest(subject_type, subject_id)

    @rpc
    def list_decisions(self, query: dict | None = None) -> dict:
        """Page of decisions, newest first; `query`: subject_type, verdict, page, limit."""
        params = load(DecisionQuerySchema(), query or {})
        return DecisionRepository(self.db.session).page(
            params["subject_type"], params["verdict"], params["page"], params["limit"]
        )

    @rpc
    def list_queue(self, page: int = 1, limit: int = 20) -> dict:
        """Flagged decisions (what waits for a person), newest first."""
        return self.list_decisions({"verdict": "flagged", "page": page, "limit": limit})

    @rpc
    def moderate_text(self, title: str, content: str) -> dict:
        """Dry run: the decision the review policy would make on this text (nothing stored)."""
        policy = policy_from_config(self.config)
        [decision] = moderate_texts(
            [(str(title), str(content))], self.text_model.classify, policy.rules, policy.text
        )
        return {
            **decision.as_dict(),
            "model": self.text_model.model,
            "model_version": self.text_model.model_version,
        }

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _load_event(schema, payload, event_type: str) -> dict | None:
        try:
            return schema.load(payload if isinstance(payload, dict) else {})
        except ValidationError as exc:
            log.error("dropping malformed %s event: %s", event_type, exc.messages)
            return None

    def _seen(self, event: dict, consumer: str) -> bool:
        """A cheap redelivery check before inference; the claim in `_record` is the real guard.
        The session is released so no connection is held while a model runs."""
        seen = DecisionRepository(self.db.session).seen(event["event_id"], consumer)
        self.db.session.rollback()
        return seen

    def _record(self, subject_type, subject_id, decision, model, event, consumer, started, extra):
        session = self.db.session
        stored = DecisionRepository(session).record(
            subject_type=subject_type,
            subject_id=subject_id,
            verdict=decision,
            model=model.model,
            model_version=model.model_version,
            event_id=event["event_id"],
            consumer=consumer,
            duration_ms=(time.perf_counter() - started) * 1000,
            extra=extra,
        )
        if stored is None:
            session.rollback()
            return
        session.commit()
        log.info(
            "%s %s %s (%s) in %.1fms",
            subject_type,
            subject_id,
            decision.verdict,
            ",".join(decision.reasons) or "clean",
            stored["duration_ms"],
        )
