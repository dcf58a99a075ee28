"""Table-driven tests for SpelledNameRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import SpelledNameRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(SpelledNameRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "comma-spelled",
            "my surname is jennings, spelled j, e, n, n, i, n, g, s",
            "j, e, n, n, i, n, g, s",
        ),
        ("negative-options", "choose a, b or c", None),
        ("spoken", "my last name is s m i t h", "s m i t h"),
        ("written", "that is J-O-H-N", "J-O-H-N"),
        ("negative-acronym", "I worked at I B M", None),
    ],
)
def test_recognizer_spelled_name_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
