"""The moderation service: offline classifiers decide on reviews and uploaded images.

Consumes `reviews.review_submitted` and `media.media_uploaded`; for each, stores a decision (audit)
and publishes `content_moderated` {decision_id, subject_type, subject_id, verdict, scores, reasons,
model, model_version, product_id} through the outbox, in one transaction. Redeliveries are
recognised by `event_id` and change nothing.

Entrypoints only: each loads its arguments, runs one use case of `usecases.Moderation` on the
worker's session (which the use case commits through the decisions repository, see there) and
dumps the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nameko.dependency_providers import Config

from services.common.database import Database, Repository, unit_of_work
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.messaging import event_handler
from services.common.outbox import OutboxRelay
from services.common.rpc import rpc
from services.common.schemas import load, load_event
from services.common.service import BazaarService
from services.moderation import schemas
from services.moderation.classifiers import ImageModel, TextModel
from services.moderation.dependencies import policy_from_config
from services.moderation.exceptions import DecisionNotFound
from services.moderation.models import Base, dead_letters
from services.moderation.repository import SqlDecisionRepository
from services.moderation.usecases import Moderation


class ModerationService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "moderation"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    decisions = Repository(SqlDecisionRepository)  # with the outbox writer (SqlRepository)
    config = Config()
    text_model = TextModel()
    image_model = ImageModel()

    @contextmanager
    def _moderation(self) -> Iterator[Moderation]:
        """The use cases over the worker's session (the decisions repository's), in one unit of
        work."""
        moderation = Moderation(
            decisions=self.decisions,
            text_model=self.text_model,
            image_model=self.image_model,
            policy=lambda: policy_from_config(self.config),
        )
        with unit_of_work(self.db.session):
            yield moderation

    # -- events ---------------------------------------------------------------------------------

    @event_handler("reviews", "review_submitted")
    @dead_lettered(dead_letters, "reviews", "review_submitted")
    def handle_review_submitted(self, payload):
        event = load_event(schemas.ReviewSubmittedSchema(), payload, "review_submitted")
        if event is None:
            return
        with self._moderation() as moderation:
            moderation.moderate_review(event, "handle_review_submitted")

    @event_handler("media", "media_uploaded")
    @dead_lettered(dead_letters, "media", "media_uploaded")
    def handle_media_uploaded(self, payload):
        event = load_event(schemas.MediaUploadedSchema(), payload, "media_uploaded")
        if event is None:
            return
        with self._moderation() as moderation:
            moderation.moderate_media(event, "handle_media_uploaded")

    # -- RPC ------------------------------------------------------------------------------------

    @rpc(expected_exceptions=(DecisionNotFound,))
    def get_decision(self, subject_type: str, subject_id: str) -> dict:
        """The latest decision on a subject; raises DecisionNotFound."""
        with self._moderation() as moderation:
            return schemas.dump_decision(moderation.get_decision(subject_type, subject_id))

    @rpc
    def list_decisions(self, query: dict | None = None) -> dict:
        """Page of decisions, newest first; `query`: subject_type, verdict, page, limit."""
        params = load(schemas.DecisionQuerySchema(), query or {})
        with self._moderation() as moderation:
            rows, total = moderation.list_decisions(
                params["subject_type"], params["verdict"], params["page"], params["limit"]
            )
        return schemas.dump_decision_page(rows, total, params["page"], params["limit"])

    @rpc
    def list_queue(self, page: int = 1, limit: int = 20) -> dict:
        """Flagged decisions (what waits for a person), newest first."""
        return self.list_decisions({"verdict": "flagged", "page": page, "limit": limit})

    @rpc
    def moderate_text(self, title: str, content: str) -> dict:
        """Dry run: the decision the review policy would make on this text (nothing stored)."""
        with self._moderation() as moderation:
            decision = moderation.moderate_text(str(title), str(content))
        return schemas.dump_dry_run(decision, self.text_model)
