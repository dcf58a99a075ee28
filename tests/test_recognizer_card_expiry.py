"""Table-driven tests for CardExpiryRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import CardExpiryRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(CardExpiryRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("written", "the expiration date is 08/27", "08/27"),
        ("spoken", "it expires oh eight twenty seven", "oh eight twenty seven"),
        ("negative", "we have 8 27 inch screens", None),
    ],
)
def test_recognizer_card_expiry_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
