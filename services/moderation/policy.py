"""The moderation policy read from config `MODERATION` (thresholds and rule settings)."""

from __future__ import annotations

from dataclasses import dataclass

from services.moderation.classifiers import settings
from services.moderation.domain import TextRules, Thresholds


@dataclass(frozen=True)
class Policy:
    text: Thresholds
    rules: TextRules
    image: Thresholds


def policy_from_config(config: dict) -> Policy:
    block = settings(config)
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
