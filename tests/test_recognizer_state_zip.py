"""Table-driven tests for StateZipRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import StateZipRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(StateZipRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("written", "Austin, TX 78701", "78701"),
        ("written-nocomma", "Denver CO 80202", "80202"),
        ("negative", "we sold 78701 units", None),
    ],
)
def test_recognizer_state_zip_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
