"""One value, one decision per recording; low-confidence words widen a redaction."""

from __future__ import annotations

import json

import pytest

from redactor.detect import Detector
from redactor.detect.batch import redact_lines
from redactor.detect.recording import same_value_spans, unsure_answers, widen_unsure
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


def said(*turns: tuple[str, list[float] | None]) -> tuple[Segment, ...]:
    """Segments of ``(text, word probabilities)``; ``None``: a text transcript (all 1.0)."""
    out = []
    for i, (text, probs) in enumerate(turns):
        ws = words(text, probs if probs is not None else [1.0] * len(text.split(" ")))
        out.append(Segment(i, "s", float(i), i + 1.0, text, ws))
    return tuple(out)


DOB_Q = ("Can you confirm your date of birth?", None)
UNSURE_DOB = ("It's no member I think I think I think", [0.84, 0.26, 0.85, 0.3, 0.18, 0.58,
                                                       0.09, 0.75, 0.09])  # fmt: skip


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # ASR-mangled: a date of birth Whisper could not make out
        ((DOB_Q, UNSURE_DOB), [("no member I think I think I think", "DATE_OF_BIRTH")]),
        # spoken, asked by a request; the cue itself misheard ("last fall of your social")
        ((("Just the last fall of your social, please.", None),
          ("Yes, it's sixty seventeen", [0.98, 0.99, 0.4, 0.35])),
         [("sixty seventeen", "US_SSN")]),
        # a name, asked; the answer two turns on (a backchannel between)
        ((("Who am I speaking with today?", None), ("Mm-hmm.", [0.9]),
          ("It is very strong", [0.69, 0.99, 0.31, 0.07])), [("very strong", "PERSON")]),
        # mono: question and answer in one segment; the next question is confident
        ((("What is your account number? It's free nod ate what is your zip code?",
           [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.2, 0.3, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9]),),
         [("free nod ate", "US_BANK_NUMBER")]),
        # written e-mail cue, an unsure local part
        ((("And your e-mail?", None), ("jay dot smith at gmail", [0.3, 0.6, 0.2, 0.9, 0.9])),
         [("jay dot smith", "EMAIL_ADDRESS")]),
        # negative: a confident answer (the recognizers judge it)
        ((DOB_Q, ("It's the third of May.", [0.9] * 5)), []),
        # negative: unsure words after a statement, not a question
        ((("I was charged twice this month.", None), ("to rescind her my", [0.4, 0.2, 0.3, 0.5])),
         []),
        ((("I need to update my account", None), ("Who am I speaking with", [0.04, 0.99, 0.98,
                                                                              0.99, 0.99])), []),
        # negative: asks for no value ("press one", "how many people")
        ((("For billing, press one. How many people are coming?", None),
          ("for two people", [0.3, 0.4, 0.9])), []),
        # negative: the request is still being said
        ((("Please read me your card number", [0.9, 0.9, 0.9, 0.9, 0.9, 0.3]),), []),
        # negative: text without word probabilities
        ((DOB_Q, ("It's no member I think", None)), []),
        # negative: the question is more than two turns back
        ((DOB_Q, ("Sure.", None), ("One moment.", None), UNSURE_DOB), []),
    ],
)  # fmt: skip
def test_detect_recording_unsure_answers(
    turns: tuple[tuple[str, list[float] | None], ...], expected: list[tuple[str, str]]
) -> None:
    segs = said(*turns)
    found = unsure_answers(segs, [[] for _ in segs])
    assert [(segs[s.segment].text[s.start : s.end], s.label) for s in found] == expected


def test_detect_recording_unsure_answer_only_where_nothing_was_found() -> None:
    segs = said(DOB_Q, UNSURE_DOB)
    span = Span(1, 0, 4, "DATE_OF_BIRTH", 0.8, "x")
    assert unsure_answers(segs, [[], [span]]) == []


def test_detect_recording_unsure_answer_redacted(detector: Detector) -> None:
    t = Transcript(said(DOB_Q, UNSURE_DOB))
    assert covered(t, detector.detect(t), 1) == ["no member I think I think I think"]
