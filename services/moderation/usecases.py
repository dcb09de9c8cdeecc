"""The moderation use cases: one class, `Moderation`, over the ports of `domain` (the decisions
repository, which carries the worker's transaction, the text classifier, the image detector) and
the policy: a decision is recorded with its `content_moderated` event in one transaction, and no
connection is held while a model runs.

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/moderation/fakes.py`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.moderation.domain import (
    MEDIA,
    REVIEW,
    Decision,
    DecisionRepository,
    ImageDetector,
    Policy,
    RemoteImage,
    TextClassifier,
    UnreadableImage,
    classifier_failure,
    decide_image,
    moderate_texts,
    unreadable_image,
)
from services.moderation.exceptions import DecisionNotFound

log = logging.getLogger(__name__)


@dataclass
class Moderation:
    """The moderation use cases over one worker's transaction (the decisions repository's
    `commit` and `rollback`); `policy` reads the policy in force."""

    decisions: DecisionRepository
    text_model: TextClassifier
    image_model: ImageDetector
    policy: Callable[[], Policy]
    timer: Callable[[], float] = time.perf_counter

    # -- events ----------------------------------------------------------------------------------

    def moderate_review(self, event: dict, consumer: str) -> None:
        """Decide on a submitted review (a failing classifier flags it for an admin), record
        the decision and publish `content_moderated` {..., product_id, user_id}; a redelivered
        event changes nothing."""
        if self._seen(event, consumer):
            return
        policy = self.policy()
        started = self.timer()
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
            consumer,
            started,
            {"product_id": event["product_id"], "user_id": event["user_id"]},
        )

    def moderate_media(self, event: dict, consumer: str) -> None:
        """Decide on an uploaded image: rejected when unreadable, flagged for an admin when
        remote or when the detector fails; record and publish as for reviews {..., product_id}."""
        if self._seen(event, consumer):
            return
        policy = self.policy()
        started = self.timer()
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
            consumer,
            started,
            {"product_id": event["product_id"]},
        )

    # -- reads -----------------------------------------------------------------------------------

    def get_decision(self, subject_type: str, subject_id: str) -> Any:
        """The latest decision on a subject; raises DecisionNotFound."""
        decision = self.decisions.latest(subject_type, subject_id)
        if decision is None:
            raise DecisionNotFound(
                f"no decision for {subject_type} {subject_id}",
                {"subject_type": subject_type, "subject_id": subject_id},
            )
        return decision

    def list_decisions(
        self, subject_type: str | None, verdict: str | None, page: int, limit: int
    ) -> tuple[list[Any], int]:
        """(a page of decisions newest first, how many match)."""
        return self.decisions.page(subject_type, verdict, page, limit)

    def moderate_text(self, title: str, content: str) -> Decision:
        """Dry run: the decision the review policy would make on this text (nothing stored)."""
        policy = self.policy()
        [decision] = moderate_texts(
            [(title, content)], self.text_model.classify, policy.rules, policy.text
        )
        return decision

    # -- steps -----------------------------------------------------------------------------------

    def _seen(self, event: dict, consumer: str) -> bool:
        """A cheap redelivery check before inference; the claim in `_record` is the real guard.
        The transaction ends so no connection is held while a model runs."""
        seen = self.decisions.seen(event["event_id"], consumer)
        self.decisions.rollback()
        return seen

    def _record(
        self,
        subject_type: str,
        subject_id: str,
        decision: Decision,
        model: TextClassifier | ImageDetector,
        event: dict,
        consumer: str,
        started: float,
        extra: dict[str, Any],
    ) -> None:
        stored = self.decisions.record(
            subject_type=subject_type,
            subject_id=subject_id,
            verdict=decision,
            model=model.model,
            model_version=model.model_version,
            event_id=event["event_id"],
            consumer=consumer,
            duration_ms=(self.timer() - started) * 1000,
            extra=extra,
        )
        if stored is None:
            self.decisions.rollback()
            return
        duration_ms = stored.duration_ms  # read before the commit, which may expire the record
        self.decisions.commit()
        log.info(
            "%s %s %s (%s) in %.1fms",
            subject_type,
            subject_id,
            decision.verdict,
            ",".join(decision.reasons) or "clean",
            duration_ms,
        )
