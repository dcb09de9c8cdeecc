"""Moderation rules on plain values: thresholds, text rules, batching, image verdicts."""

import pytest

from services.moderation.domain import (
    APPROVED,
    FLAGGED,
    REJECTED,
    TextRules,
    Thresholds,
    decide_image,
    decide_text,
    moderate_texts,
    text_segments,
)

RULES = TextRules()
THRESHOLDS = Thresholds(reject=0.9, flag=0.5)


@pytest.mark.parametrize(
    ("score", "verdict"),
    [
        (0.0, APPROVED),
        (0.49, APPROVED),
        (0.5, FLAGGED),
        (0.89, FLAGGED),
        (0.9, REJECTED),
        (1, REJECTED),
    ],
)
def test_thresholds_map_a_score_to_a_verdict(score, verdict):
    assert THRESHOLDS.verdict(score) == verdict


def test_thresholds_refuse_a_flag_line_above_the_reject_line():
    with pytest.raises(ValueError):
        Thresholds(reject=0.4, flag=0.5)


def test_a_link_flags_an_otherwise_clean_text():
    decision = decide_text(0.01, "Buy cheaper at www.example-shop.com today", RULES, THRESHOLDS)
    assert decision.verdict == FLAGGED
    assert decision.reasons == ["links"]


def test_shouting_flags_a_text_written_in_capitals():
    decision = decide_text(0.01, "THIS IS THE BEST KETTLE I HAVE EVER OWNED", RULES, THRESHOLDS)
    assert decision.verdict == FLAGGED
    assert decision.reasons == ["shouting"]


def test_a_few_capital_letters_are_not_shouting():
    assert (
        decide_text(0.01, "Works with USB-C and HDMI. Great!", RULES, THRESHOLDS).verdict
        == APPROVED
    )


def test_long_runs_of_one_character_flag_a_text():
    decision = decide_text(0.01, "soooooooo good!!!!!!!!", RULES, THRESHOLDS)
    assert decision.verdict == FLAGGED
    assert "repeated_characters" in decision.reasons


def test_ordinary_emphasis_is_not_a_repeated_character_run():
    assert decide_text(0.01, "Sooo good!!", RULES, THRESHOLDS).verdict == APPROVED


def test_the_classifier_score_rejects_above_the_reject_line():
    decision = decide_text(0.97, "whatever", RULES, THRESHOLDS)
    assert decision.verdict == REJECTED
    assert decision.scores["profanity"] == 0.97
    assert decision.scores["max"] == 0.97


def test_segments_include_the_whole_text_the_title_and_each_sentence():
    segments = text_segments("Nice", "Works well. The lid is awful! Fast delivery?\nWould buy")
    assert segments == [
        "Nice\nWorks well. The lid is awful! Fast delivery?\nWould buy",
        "Nice",
        "Works well.",
        "The lid is awful!",
        "Fast delivery?",
        "Would buy",
    ]


def test_many_reviews_are_classified_in_one_call_and_one_rude_sentence_decides():
    calls = []

    def classify(texts):
        calls.append(list(texts))
        return [0.95 if "rude" in text else 0.05 for text in texts]

    decisions = moderate_texts(
        [("Great", "Lovely. Works."), ("Fine", "Mostly fine. One rude sentence here.")],
        classify,
        RULES,
        THRESHOLDS,
    )
    assert len(calls) == 1
    assert [d.verdict for d in decisions] == [APPROVED, REJECTED]


def test_an_image_with_only_covered_or_harmless_detections_is_approved():
    detections = [
        {"class": "FACE_FEMALE", "score": 0.91},
        {"class": "FEET_EXPOSED", "score": 0.8},
        {"class": "BELLY_COVERED", "score": 0.7},
    ]
    decision = decide_image(detections, Thresholds(reject=0.6, flag=0.35))
    assert decision.verdict == APPROVED
    assert decision.scores == {"max": 0.0}


def test_exposed_detections_flag_or_reject_an_image_by_their_highest_score():
    image = Thresholds(reject=0.6, flag=0.35)
    borderline = [{"class": "BUTTOCKS_EXPOSED", "score": 0.4}]
    explicit = [*borderline, {"class": "FEMALE_BREAST_EXPOSED", "score": 0.82}]
    assert decide_image(borderline, image).verdict == FLAGGED
    decision = decide_image(explicit, image)
    assert decision.verdict == REJECTED
    assert decision.reasons == ["BUTTOCKS_EXPOSED", "FEMALE_BREAST_EXPOSED"]
    assert decision.scores["max"] == 0.82
