"""Moderation rules: turning classifier scores and simple text rules into a verdict.

No nameko, SQLAlchemy or model code here: classifiers are passed in as plain callables, so these
rules can be tested with fakes and reused by any entrypoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
