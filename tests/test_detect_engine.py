"""The detector on transcripts: stitching across segments, previous-turn context, allow-list,
readable times and prices, the normalisation map, and no low-score junk."""

from __future__ import annotations

import pytest

from redactor.detect import Detector, PresidioDetector
from redactor.detect.normalize import normalize
from redactor.types import Segment, Transcript


def transcript(*turns: tuple[str, str]) -> Transcript:
    return Transcript(
        tuple(Segment(i, who, float(i), i + 1.0, text) for i, (who, text) in enumerate(turns))
    )


def covered(t: Transcript, spans: tuple, seg: int) -> str:
    text = t.segments[seg].text
    mask = [False] * len(text)
    for sp in spans:
        if sp.segment == seg:
            mask[sp.start : sp.end] = [True] * (sp.end - sp.start)
    return "".join(c for c, m in zip(text, mask, strict=True) if m)


@pytest.mark.parametrize(
    ("text", "norm", "piece"),
    [
        ("six four six, five five five", "646555", "six four six, five five five"),
        ("one, eight, oh, nine", "1809", "one, eight, oh, nine"),
        ("ten thirty, eleven fifteen", "10:30, 11:15", "ten thirty"),
        ("double five oh one", "5501", "double five oh one"),
        ("twenty twenty five", "2025", "twenty twenty five"),
        (
            "john dot smith at example dot com",
            "john.smith@example.com",
            "john dot smith at example dot com",
        ),
        ("J-O-H-N", "john", "J-O-H-N"),
        ("oh i see", "oh i see", ""),
    ],
)
def test_detect_normalize_maps_back(text: str, norm: str, piece: str) -> None:
    n = normalize(text)
    assert n.text == norm
    if piece:
        a, b = n.to_original(0, len(n.text.split(",")[0]))
        assert text[a:b] == piece


def test_detect_number_split_across_segments_is_one_entity(detector: Detector) -> None:
    t = transcript(("customer", "the card is 4111 1111"), ("customer", "1111 1111"))
    spans = detector.detect(t)
    assert covered(t, spans, 0).replace(" ", "").endswith("41111111")
    assert covered(t, spans, 1).replace(" ", "") == "11111111"


def test_detect_previous_turn_is_context(detector: Detector) -> None:
    t = transcript(("agent", "and the security code on the back?"), ("customer", "seven three one"))
    assert covered(t, detector.detect(t), 1) == "seven three one"


@pytest.mark.parametrize(
    "text",
    [
        "the call took twenty five minutes",
        "the plan is 49.99 a month",
        "press 1 for billing",
        "we have three kids and two dogs",
        "see you at 10:30 tomorrow",
    ],
)
def test_detect_keeps_times_prices_counts_readable(detector: Detector, text: str) -> None:
    assert detector.analyze_texts([text]) == [[]]


@pytest.mark.slow  # runs the real detector or speech model
def test_detect_allow_list_keeps_operator_terms() -> None:
    det = PresidioDetector(allow_list=["Cathy"])
    assert det.analyze_texts(["I talked to Cathy about it"]) == [[]]
    assert PresidioDetector().analyze_texts(["I talked to Cathy about it"])[0]


def test_detect_no_low_score_spans(detector: Detector) -> None:
    spans = detector.analyze_texts(["My number is 212 555 0147 and my id is 123456"])[0]
    assert spans and all(s.score >= detector.min_score for s in spans)


def test_detect_fails_closed_on_long_digit_runs(detector: Detector) -> None:
    text = "reference 12.34.56.78 and 9 8 7 6 5 4 3"
    spans = detector.analyze_texts([text])[0]
    got = "".join(text[s.start : s.end] for s in spans)
    assert "12.34.56.78" in got and "9 8 7 6 5 4 3" in got


@pytest.mark.parametrize(
    ("turns", "seg", "value"),
    [
        (("Your social, please?", "Sure, one, eight, oh, nine, six, seven, nine, two, nine."), 1,
         "one, eight, oh, nine, six, seven, nine, two, nine"),
        (("Can I have the last fall of your social?", "Three, one, seven, four, to verify."), 1,
         "Three, one, seven, four"),
        (("And what is the service address?", "4 ,577, Cobblestone Court. Spring field."), 1,
         "4 ,577, Cobblestone Court. Spring field."),
        (("Go ahead with the card number.", "Okay, five one six three nine five"), 1,
         "five one six three nine five"),
        (("My number is six o one to two", "four one nine three seven."), 0,
         "six o one to two"),
    ],
)  # fmt: skip
def test_detect_spoken_numbers_fail_closed_across_turns(
    detector: Detector, turns: tuple[str, str], seg: int, value: str
) -> None:
    t = transcript(*((f"s{i}", text) for i, text in enumerate(turns)))
    assert covered(t, detector.detect(t), seg).replace(" ", "") == value.replace(" ", "")


def test_detect_number_split_by_backchannel_leaves_the_backchannel(detector: Detector) -> None:
    t = transcript(
        ("customer", "five five five"), ("agent", "Uh-huh."), ("customer", "one two three four")
    )
    spans = detector.detect(t)
    assert covered(t, spans, 0) == "five five five"
    assert covered(t, spans, 1) == ""
    assert covered(t, spans, 2) == "one two three four"
