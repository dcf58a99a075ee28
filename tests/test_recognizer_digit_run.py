"""Table-driven tests for DigitRunRecognizer: spoken, written and negative cases."""

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
        ("negative-short", "press 1 and wait 20 minutes", None),
    ],
)
def test_recognizer_digit_run_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
