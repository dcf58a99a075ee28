"""One value, one decision per recording; low-confidence words widen a redaction."""

from __future__ import annotations

import json

import pytest

from redactor.detect import Detector
from redactor.detect.batch import redact_lines
from redactor.detect.recording import same_value_spans, widen_unsure
from redactor.types import Segment, Span, TextSpan, Transcript, Word


def transcript(*texts: str) -> Transcript:
    return Transcript(tuple(Segment(i, "s", float(i), i + 1.0, t) for i, t in enumerate(texts)))


def covered(t: Transcript, spans: tuple[Span, ...], seg: int) -> list[str]:
    return [t.segments[seg].text[s.start : s.end] for s in spans if s.segment == seg]


@pytest.mark.parametrize(
    ("texts", "seg", "expected"),
    [
        # rolling captions: the next copy of a line in lowercase is the same person
        (("Hi, this is Jane Doe from billing.", "hi, this is jane doe from billing."), 1,
         ["jane doe"]),
        # a part of a detected name, alone later
        (("My name is Priya Raghunathan.", "Thanks, Raghunathan, one moment."), 1,
         ["Raghunathan"]),
        # the same digits said the other way
        (("and the security code?", "seven three one", "so that is 731, right?"), 2, ["731"]),
    ],
)  # fmt: skip
def test_detect_recording_same_value_everywhere(
    detector: Detector, texts: tuple[str, ...], seg: int, expected: list[str]
) -> None:
    t = transcript(*texts)
    assert covered(t, detector.detect(t), seg) == expected


def test_detect_recording_same_value_same_label() -> None:
    text = "call Jane Doe\nJANE DOE again"
    found = same_value_spans(text, [TextSpan(5, 13, "PERSON", 0.8, "x")])
    (extra,) = [s for s in found if s.start != 5]
    assert (text[extra.start : extra.end], extra.label, extra.score) == ("JANE DOE", "PERSON", 0.8)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Mark called\nmark my words", (0, 4)),  # a common word: only in its own case
        ("the code 12 and 12 again", (9, 11)),  # under three digits: no propagation
        ("it was Al\nand so on et al", (7, 9)),  # under three letters
    ],
)
def test_detect_recording_same_value_negative(text: str, span: tuple[int, int]) -> None:
    found = same_value_spans(text, [TextSpan(*span, "PERSON", 0.8, "x")])
    assert all((s.start, s.end) == span for s in found)


@pytest.mark.parametrize(("ids", "shared"), [("aaaa", True), ("abcd", False)])
def test_detect_recording_redact_text_lines_sharing_an_id(
    detector: Detector, ids: str, shared: bool
) -> None:
    """redact-text: consecutive lines with one id are one recording; others stand alone."""
    texts = ["my account number is 48213", "okay", "sure", "so 48213 it is"]
    lines = [json.dumps({"id": i, "text": t}).encode() for i, t in zip(ids, texts, strict=True)]
    out = list(redact_lines(lines, detector))
    assert all(isinstance(r, dict) for r in out)
    assert out[0]["spans"]  # type: ignore[index]
    assert bool(out[3]["spans"]) is shared  # type: ignore[index]


def words(text: str, probs: list[float]) -> tuple[Word, ...]:
    out, pos = [], 0
    for w, p in zip(text.split(" "), probs, strict=True):
        out.append(Word(w, 0.0, 0.0, pos, pos + len(w), p))
        pos += len(w) + 1
    return tuple(out)


def test_detect_recording_low_confidence_neighbours_widen() -> None:
    text = "it is fife five five one two three four okay"
    probs = [0.9, 0.9, 0.2, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.3]
    seg = Segment(0, "s", 0.0, 1.0, text, words(text, probs))
    span = Span(0, text.index("five"), text.index(" okay"), "NUMBER", 0.6, "x")
    (wide,) = widen_unsure(seg, [span])
    assert text[wide.start : wide.end] == "fife five five one two three four okay"


def test_detect_recording_confident_neighbours_do_not_widen() -> None:
    text = "it is five five five one two three four okay"
    seg = Segment(0, "s", 0.0, 1.0, text, words(text, [0.9] * 10))
    span = Span(0, 6, text.index(" okay"), "NUMBER", 0.6, "x")
    assert widen_unsure(seg, [span]) == [span]


def test_detect_recording_widening_never_narrows() -> None:
    text = "five five five"
    seg = Segment(0, "s", 0.0, 1.0, text, words(text, [0.1, 0.1, 0.1]))
    span = Span(0, 0, len(text), "NUMBER", 0.6, "x")
    (wide,) = widen_unsure(seg, [span])
    assert (wide.start, wide.end) == (0, len(text))
