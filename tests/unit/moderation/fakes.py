"""Hand-written fakes of the moderation ports: an in-memory decisions repository (its
transaction recorded by tests/unit/fakes.py's `RecordedTransaction`, with the order in which the
use case ended it) and scripted classifiers."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from services.moderation import domain
from tests.unit.fakes import RecordedTransaction


class FakeDecisions(RecordedTransaction, domain.DecisionRepository):
    def __init__(self):
        super().__init__()
        self.rows: list[SimpleNamespace] = []
        self.claims: set[tuple[str, str]] = set()
        self.ended: list[str] = []  # "commit" / "rollback", in order

    def commit(self):
        self.ended.append("commit")
        super().commit()

    def rollback(self):
        self.ended.append("rollback")
        super().rollback()

    def seen(self, event_id, consumer):
        return bool(event_id) and (event_id, consumer) in self.claims

    def record(
        self,
        *,
        subject_type,
        subject_id,
        verdict,
        model,
        model_version,
        event_id,
        consumer,
        duration_ms,
        extra,
    ):
        if event_id and (event_id, consumer) in self.claims:
            return None
        if event_id:
            self.claims.add((event_id, consumer))
        row = SimpleNamespace(
            id=f"d-{len(self.rows) + 1}",
            subject_type=subject_type,
            subject_id=subject_id,
            verdict=verdict.verdict,
            scores=verdict.scores,
            reasons=verdict.reasons,
            model=model,
            model_version=model_version,
            duration_ms=round(duration_ms, 2),
            created_at=datetime(2026, 1, 2, tzinfo=UTC),
        )
        self.rows.append(row)
        self.record_event(
            "content_moderated", {"decision_id": row.id, "verdict": row.verdict, **extra}
        )
        return row

    def latest(self, subject_type, subject_id):
        found = [
            r for r in self.rows if (r.subject_type, r.subject_id) == (subject_type, subject_id)
        ]
        return found[-1] if found else None

    def page(self, subject_type, verdict, page, limit):
        rows = [
            r
            for r in reversed(self.rows)
            if (not subject_type or r.subject_type == subject_type)
            and (not verdict or r.verdict == verdict)
        ]
        return rows[(page - 1) * limit : page * limit], len(rows)


class FakeTextClassifier(domain.TextClassifier):
    model, model_version = "fake-text", "1"

    def __init__(self, rude_words=("rude",), error: Exception | None = None):
        self.rude_words = rude_words
        self.error = error
        self.calls: list[list[str]] = []

    def classify(self, texts):
        self.calls.append(list(texts))
        if self.error:
            raise self.error
        return [0.99 if any(w in t for w in self.rude_words) else 0.01 for t in texts]


class FakeImageDetector(domain.ImageDetector):
    model, model_version = "fake-image", "1"

    def __init__(self, detections=(), error: Exception | None = None):
        self.detections = list(detections)
        self.error = error

    def detect(self, path):
        if self.error:
            raise self.error
        return self.detections
