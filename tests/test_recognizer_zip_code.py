"""Table-driven tests for ZipCodeRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import ZipCodeRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(ZipCodeRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("spoken", "the zip code is nine four one zero five", "nine four one zero five"),
        ("written", "zip: 94105", "94105"),
        ("negative", "about 94105 people live there", None),
    ],
)
def test_recognizer_zip_code_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
