"""Unit tables for the dataset exporter's pure parts: gate rules, ranges, dedup, splits."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from redactor.dataset.export import DEFAULT_SPLITS, split_of
from redactor.dataset.gate import Gate, digit_runs
from redactor.dataset.rows import Row, dedup_key, replacement_ranges, speaker_labels
from redactor.spans import split
from redactor.types import RedactedSegment, RedactedTranscript, Span, TextSpan, Transcript, Word


def _row(text: str, replaced: tuple[tuple[int, int, str], ...] = ()) -> Row:
    return Row("rec-1", 0, "agent", 0.0, 1.0, text, "en", replaced)


def _range(text: str, value: str, label: str = "PHONE_NUMBER") -> tuple[int, int, str]:
    a = text.index(value)
    return (a, a + len(value), label)


@pytest.mark.parametrize(
    ("text", "surrogate", "reason"),
    [
        ("It's 646-555-0143.", None, "digit-run"),
        ("It's 646-555-0143.", "646-555-0143", None),
        ("the pin is 4821", None, "digit-run"),
        ("four one one one, one one one one", None, "digit-run"),
        ("six four six, five five five", None, "digit-run"),
        ("call me at 212 555 0199 or 646-555-0143", "646-555-0143", "digit-run"),
        ("we opened in 2019 and moved in 2021", None, None),
        ("it costs 12 dollars for 3 months", None, None),
        ("at 10:30 on the 5th", None, None),
        ("one or two of them", None, None),
        ("write to john.smith@example.com please", None, "email-shape"),
        ("write to zed@example.com please", "zed@example.com", None),
        ("it is john dot smith at example dot com", None, "email-shape"),
        ("my address is at gmail, the usual", None, "email-shape"),
        ("we met at the office dot", None, None),
        ("it's neel underscore raju at the rate yahoo dot co dot in", None, "email-shape"),
        ("priya at the rate of rediffmail, as before", None, "email-shape"),
        ("interest at the rate of five percent", None, None),
        ("Thanks, have a great day!", None, None),
    ],
)
def test_gate_pattern_rules(text: str, surrogate: str | None, reason: str | None) -> None:
    replaced = (_range(text, surrogate),) if surrogate else ()
    assert Gate(None).pattern_reason(_row(text, replaced)) == reason


def test_gate_digit_runs_count_digits_and_words() -> None:
    runs = digit_runs("card 4111 1111, then six four and 12")
    assert [r.digits for r in runs] == [8, 2, 2]


class _Fixed:
    """A fake ``Detector`` that reports fixed spans (offsets into the recording's texts joined
    by newlines)."""

    name = "fixed"

    def __init__(self, spans: list[TextSpan]) -> None:
        self.spans = spans

    def analyze_texts(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        return [[] for _ in texts]

    def analyze_recording(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        out: list[list[TextSpan]] = [[] for _ in texts]
        for i, sp in split(self.spans, [len(t) for t in texts], "\n".join(texts)):
            out[i].append(sp)
        return out

    def detect(self, transcript: Transcript) -> tuple[Span, ...]:
        return ()


FIRST = "I am Brian Mr. Ann Fakely"  # "Ann Fakely" is the surrogate
SECOND = "Hi Dana"


def _at(text: str, base: int = 0) -> tuple[int, int]:
    where = FIRST if base == 0 else SECOND
    a = base + where.index(text)
    return a, a + len(text)


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (_at("Ann Fakely"), [None, None]),  # exactly the surrogate: fake by construction
        (_at("Brian Mr. Ann Fakely"), ["detector:PERSON", None]),  # "Brian" is outside it
        (_at("Mr. Ann Fakely"), [None, None]),  # only "Mr." outside: harmless
        (_at("Dana", len(FIRST) + 1), [None, "detector:PERSON"]),  # the second row
    ],
)
def test_gate_detector_hits_inside_replacements_are_ignored(
    span: tuple[int, int], expected: list[str | None]
) -> None:
    rows = [_row(FIRST, (_range(FIRST, "Ann Fakely", "PERSON"),)), _row(SECOND)]
    hit = TextSpan(span[0], span[1], "PERSON", 0.3)
    assert Gate(_Fixed([hit])).check(rows) == expected


def _seg(text: str, words: list[str], spans: tuple[Span, ...]) -> RedactedSegment:
    out, pos = [], 0
    for w in words:
        a = text.index(w, pos)
        out.append(Word(w, 0.0, 0.1, a, a + len(w)))
        pos = a + len(w)
    return RedactedSegment(0, "agent", 0.0, 1.0, text, tuple(out), spans)


def test_rows_replacement_ranges_follow_the_length_changes() -> None:
    # raw: "hi Jo Li and Al ok" -> spans "Jo Li" (3-8) and "Al" (13-15)
    text = "hi Mary Jones and Bartholomew ok"
    seg = _seg(
        text,
        ["hi", "Mary Jones", "and", "Bartholomew", "ok"],
        (Span(0, 3, 8, "PERSON", 0.9), Span(0, 13, 15, "PERSON", 0.9)),
    )
    ranges = replacement_ranges(seg)
    assert ranges is not None
    assert [text[a:b] for a, b, _ in ranges] == ["Mary Jones", "Bartholomew"]


def test_rows_replacement_ranges_unknown_without_words() -> None:
    seg = RedactedSegment(0, "a", 0.0, 1.0, "hi Mary", (), (Span(0, 3, 5, "PERSON", 0.9),))
    assert replacement_ranges(seg) is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Thanks, have a great day!", "thanks  have a GREAT day", True),
        ("My name is Mary.", "my name is Bob", True),  # both names are replacements
        ("My name is Mary.", "my name is Bob", True),
        ("Thanks.", "Thank you.", False),
    ],
)
def test_rows_dedup_key_normalises(a: str, b: str, same: bool) -> None:
    ra = _row(a, ((11, 15, "PERSON"),) if "Mary" in a else ())
    rb = _row(b, ((11, 14, "PERSON"),) if "Bob" in b else ())
    assert (dedup_key(ra) == dedup_key(rb)) is same


def test_rows_speaker_labels_hide_names() -> None:
    segs = tuple(
        RedactedSegment(i, sp, 0.0, 1.0, "x", ())
        for i, sp in enumerate(["John Smith", "agent", "Alex Carter", "John Smith", "Speaker 2"])
    )
    t = RedactedTranscript(segs, policy="training", operators=(), detector="d")
    assert speaker_labels(t) == {
        "John Smith": "speaker_1",
        "agent": "agent",
        "Alex Carter": "speaker_2",
        "Speaker 2": "speaker_3",  # renumbered too: no clash with a name's label
    }


def test_export_split_of_is_seeded_and_stable() -> None:
    ids = [f"rec-{i}" for i in range(2000)]
    a = [split_of(r, 7, DEFAULT_SPLITS) for r in ids]
    assert a == [split_of(r, 7, DEFAULT_SPLITS) for r in ids]
    assert a != [split_of(r, 8, DEFAULT_SPLITS) for r in ids]
    share = a.count("train") / len(a)
    assert 0.75 < share < 0.85
    assert {"validation", "test"} <= set(a)
