"""Table-driven tests for DigitRunRecognizer: 7+ digits fail closed, however ASR writes them."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import DigitRunRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(DigitRunRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("asr-commas", "My phone number is 646, 555, 281, 9.", "646, 555, 281, 9"),
        (
            "spoken",
            "it is two one two five five five zero one",
            "two one two five five five zero one",
        ),
        (
            "spoken-commas",
            "Sure, one, eight, oh, nine, six, seven, nine, two, nine.",
            "one, eight, oh, nine, six, seven, nine, two, nine",
        ),
        (
            "spoken-periods",
            "It's One. Eight. Oh. Nine. Six. Seven. Two.",
            "One. Eight. Oh. Nine. Six. Seven. Two",
        ),
        (
            "spoken-hyphens",
            "call four-one-five-five-five-five-two",
            "four-one-five-five-five-five-two",
        ),
        ("line-break", "five five five\none two three four", "five five five\none two three four"),
        ("mixed", "it's 5 one 6, 3 nine 5 8", "5 one 6, 3 nine 5 8"),
        (
            "homophones",
            "It is free to five five five go to for one",
            "free to five five five go to for one",
        ),
        (
            "homophone-inside",
            "My number is six o one to two four one nine three seven",
            "six o one to two four one nine three seven",
        ),
        ("won-ate-naught", "one won two ate naught nine nine", "one won two ate naught nine nine"),
        ("double-triple", "double five triple oh one two", "double five triple oh one two"),
        (
            "pairs",
            "five five five, fifty five, twenty one",
            "five five five, fifty five, twenty one",
        ),
        (
            "plus",
            "reach me on plus nine one nine eight four five six seven",
            "plus nine one nine eight four five six seven",
        ),
        (
            "area-code",
            "area code two one two, five five five, zero one",
            "area code two one two, five five five, zero one",
        ),
        (
            "filler",
            "five five five, uh, one two three four",
            "five five five, uh, one two three four",
        ),
        ("negative-short", "press 1 and wait 20 minutes", None),
        ("negative-press-one", "press one for billing, two for sales, three for support", None),
        ("negative-price-words", "it is forty nine ninety nine a month, or five ninety nine", None),
        ("negative-times", "Can we do ten thirty, eleven fifteen or twelve?", None),
        ("negative-money", "the house sold for $1,250,000 last year", None),
        ("negative-money-words", "it was 2,500,000 dollars", None),
        ("negative-people", "a table for two people, or maybe four", None),
        ("negative-one-or-two", "one or two, maybe three", None),
        ("negative-to", "I waited one to two hours for it", None),
        (
            "negative-compounds",
            "a hundred fifty , a hundred and seventy-five thousand dollars",
            None,
        ),
    ],
)
def test_recognizer_digit_run_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)


def test_recognizer_digit_run_backchannel_turn_stays_readable() -> None:
    """A number split by the other speaker's "uh-huh" is one number; the "uh-huh" is not."""
    assert found("five five five\nUh-huh .\none two three four") == [
        "five five five",
        "one two three four",
    ]
