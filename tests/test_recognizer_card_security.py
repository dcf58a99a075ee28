"""Table-driven tests for CardSecurityCodeRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import CardSecurityCodeRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(CardSecurityCodeRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("spoken", "and the security code on the back?\nseven three one", "seven three one"),
        ("written", "CVV 731", "731"),
        ("negative", "press 1 then wait 731 seconds", None),
        ("negative-price", "the plan is 129 dollars", None),
    ],
)
def test_recognizer_card_security_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
