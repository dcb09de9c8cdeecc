"""Moderation rules: turning classifier scores and simple text rules into a verdict; the policy
(thresholds and rule settings) read from config; and the ports the use cases decide through.

No nameko, SQLAlchemy or model code here: classifiers are ports (or plain callables), so these
rules can be tested with fakes and reused by any entrypoint.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.common.ports import Transactional

APPROVED = "approved"
FLAGGED = "flagged"
REJECTED = "rejected"
VERDICTS = (APPROVED, FLAGGED, REJECTED)

REVIEW = "review"
MEDIA = "media"

# Detector classes that make an image unfit for a product page; covered parts, faces, feet... pass.
EXPOSED_CLASSES = frozenset(
    {
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "FEMALE_BREAST_EXPOSED",
        "BUTTOCKS_EXPOSED",
        "ANUS_EXPOSED",
    }
)

_LINK = re.compile(
    r"(https?://|www\.|\b[a-z0-9-]{2,}\.(com|net|org|io|ru|cn|info|biz|xyz|top|shop|ly|me)\b)",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Thresholds:
    """A score at or above `reject` rejects; at or above `flag` waits for an admin."""

    reject: float = 0.9
    flag: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.flag <= self.reject <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= flag <= reject <= 1")

    def verdict(self, score: float) -> str:
        if score >= self.reject:
            return REJECTED
        if score >= self.flag:
            return FLAGGED
        return APPROVED


@dataclass(frozen=True)
class TextRules:
    """The rule-based signals next to the classifier; each rule contributes its score when hit."""

    link_score: float = 0.6
    repeat_run: int = 6
    repeat_score: float = 0.5
    shout_min_letters: int = 12
    shout_ratio: float = 0.7
    shout_score: float = 0.5

    def scores(self, text: str) -> dict[str, float]:
        letters = [c for c in text if c.isalpha()]
        upper = sum(1 for c in letters if c.isupper())
        shouting = (
            len(letters) >= self.shout_min_letters and upper / len(letters) >= self.shout_ratio
        )
        return {
            "links": self.link_score if _LINK.search(text) else 0.0,
            "repeated_characters": self.repeat_score if self._has_run(text) else 0.0,
            "shouting": self.shout_score if shouting else 0.0,
        }

    def _has_run(self, text: str) -> bool:
        run, previous = 0, ""
        for char in text:
            run = run + 1 if char == previous and not char.isspace() else 1
            previous = char
            if run >= self.repeat_run:
                return True
        return False


@dataclass
class Decision:
    """A verdict with the scores that led to it and the names of the signals over the flag line."""

    verdict: str
    scores: dict[str, float]
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "scores": self.scores, "reasons": self.reasons}


def text_segments(title: str, content: str) -> list[str]:
    """What the classifier reads of one review: the whole text, the title, and each sentence, so
    that one rude sentence in a long review is not diluted by the polite ones."""
    whole = f"{title}\n{content}".strip()
    parts = [title.strip()] + [s.strip() for s in _SENTENCE_SPLIT.split(content)]
    segments = [whole] + [p for p in parts if p and p != whole]
    return list(dict.fromkeys(segments))


def decide_text(profanity: float, text: str, rules: TextRules, thresholds: Thresholds) -> Decision:
    """Combine the classifier's profanity probability with the rule scores: the highest decides."""
    scores = {"profanity": round(float(profanity), 4), **rules.scores(text)}
    top = max(scores.values())
    verdict = thresholds.verdict(top)
    reasons = sorted(name for name, score in scores.items() if score >= thresholds.flag)
    return Decision(verdict, {**scores, "max": round(top, 4)}, reasons)


def moderate_texts(
    items: Sequence[tuple[str, str]],
    classify: Callable[[list[str]], Sequence[float]],
    rules: TextRules,
    thresholds: Thresholds,
) -> list[Decision]:
    """Decide many (title, content) pairs with ONE classifier call over all their segments."""
    segments = [text_segments(title, content) for title, content in items]
    flat = [s for group in segments for s in group]
    probabilities = list(classify(flat)) if flat else []
    decisions, start = [], 0
    for (title, content), group in zip(items, segments, strict=True):
        group_scores = probabilities[start : start + len(group)]
        start += len(group)
        decisions.append(
            decide_text(max(group_scores, default=0.0), f"{title}\n{content}", rules, thresholds)
        )
    return decisions


def decide_image(detections: Iterable[dict[str, Any]], thresholds: Thresholds) -> Decision:
    """The highest score among exposed-body detections decides; other classes score nothing."""
    scores: dict[str, float] = {}
    for detection in detections:
        label = str(detection.get("class"))
        if label in EXPOSED_CLASSES:
            scores[label] = max(scores.get(label, 0.0), round(float(detection["score"]), 4))
    top = max(scores.values(), default=0.0)
    verdict = thresholds.verdict(top)
    reasons = sorted(label for label, score in scores.items() if score >= thresholds.flag)
    return Decision(verdict, {**scores, "max": top}, reasons)


def unreadable_image(reason: str) -> Decision:
    """A file that cannot be decoded as an image never reaches a product page."""
    return Decision(REJECTED, {"max": 1.0}, [reason])


def classifier_failure(reason: str) -> Decision:
    """When a classifier fails, a person decides: the subject waits in the admin queue."""
    return Decision(FLAGGED, {"max": 0.0}, [reason])


@dataclass(frozen=True)
class Policy:
    """What the moderation decides by: text thresholds and rules, image thresholds."""

    text: Thresholds
    rules: TextRules
    image: Thresholds


def policy_from_settings(block: dict[str, Any]) -> Policy:
    """The policy of config `MODERATION` ({text: {reject, flag, rules: {...}}, image: {reject,
    flag}}): missing values take the defaults, rule settings keep their types."""
    text = block.get("text") or {}
    image = block.get("image") or {}
    rules = text.get("rules") or {}
    return Policy(
        text=Thresholds(reject=float(text.get("reject", 0.9)), flag=float(text.get("flag", 0.5))),
        rules=TextRules(
            **{key: type(getattr(TextRules, key))(value) for key, value in rules.items()}
        ),
        image=Thresholds(
            reject=float(image.get("reject", 0.6)), flag=float(image.get("flag", 0.35))
        ),
    )


# -- ports ---------------------------------------------------------------------------------------


class UnreadableImage(Exception):
    """The file is missing, outside the media root, too large, or not a decodable image."""


class RemoteImage(Exception):
    """The original is in object storage (a URL), which this detector does not fetch."""


class TextClassifier(ABC):
    """A text model: the profanity probability of each text."""

    model: str
    model_version: str

    @abstractmethod
    def classify(self, texts: list[str]) -> list[float]: ...


class ImageDetector(ABC):
    """An image model: what it detects in the image at a path."""

    model: str
    model_version: str

    @abstractmethod
    def detect(self, path: str) -> list[dict[str, Any]]:
        """Detections [{class, score, box}]; raises UnreadableImage, RemoteImage."""


class DecisionRepository(Transactional):
    """The decisions audit trail, in the worker's transaction (`Transactional`). Decisions are
    records with id, subject_type, subject_id, verdict, scores, reasons, model, model_version,
    duration_ms, created_at."""

    @abstractmethod
    def seen(self, event_id: str | None, consumer: str) -> bool:
        """Whether `consumer` has recorded this event already (a cheap early check)."""

    @abstractmethod
    def record(
        self,
        *,
        subject_type: str,
        subject_id: str,
        verdict: Decision,
        model: str,
        model_version: str,
        event_id: str | None,
        consumer: str,
        duration_ms: float,
        extra: dict[str, Any],
    ) -> Any | None:
        """Store the decision, claim the event for `consumer` and write the `content_moderated`
        event {decision_id, subject_type, subject_id, verdict, scores, reasons, model,
        model_version, **extra}: the stored decision, or None when this event was recorded
        before (a redelivery)."""

    @abstractmethod
    def latest(self, subject_type: str, subject_id: str) -> Any | None: ...

    @abstractmethod
    def page(
        self, subject_type: str | None, verdict: str | None, page: int, limit: int
    ) -> tuple[list[Any], int]:
        """(a page of decisions newest first, how many match in all)."""
