"""Table-driven tests for CuedSpellingRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import CuedSpellingRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(CuedSpellingRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("cued", "let me spell it: b o", "b o"),
        ("cued-echo", "so my surname is sah, spelled S A H, okay?", "sah"),
        ("cued-keyed", "spell it M, A like yankee", "M, A like yankee"),
        ("negative", "a b testing is fun", None),
    ],
)
def test_recognizer_cued_spelling_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
