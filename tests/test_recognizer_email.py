"""Table-driven tests for TranscriptEmailRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import TranscriptEmailRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(TranscriptEmailRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("spoken", "it is john dot smith at example dot com", "john dot smith at example dot com"),
        ("mixed", "send email to jack@gmail dot com", "jack@gmail dot com"),
        ("written", "write to info@presidio.site please", "info@presidio.site"),
        ("negative", "meet me at the office dot", None),
    ],
)
def test_recognizer_email_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
