"""Table-driven tests for AnsweredNameRecognizer: the turn after a name question."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import AnsweredNameRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(AnsweredNameRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        # ASR-mangled: "Abigail Noble" as tiny.en wrote it from a telephone-band voice
        (
            "asr-mangled",
            "Who am I speaking with today?\nThis is heavy, scalable.",
            "heavy, scalable",
        ),
        ("spoken", "may i have your full name please\nyeah my name is ravi teja", "ravi teja"),
        ("written", "What is your last name?\nIt's Okonkwo-Baptiste.", "Okonkwo-Baptiste"),
        ("stops-at-sentence", "who is this?\nit's anita. I called about my card", "anita"),
        (
            "negative-question-back",
            "May I have your name please?\nSorry, can you repeat that?",
            None,
        ),
        ("negative-not-a-name", "What is your name?\nuh, it's for my wife actually", None),
        (
            "negative-long-answer",
            "What's your name?\nwell I was told I would not need to give it to anyone",
            None,
        ),
        ("negative-digits", "What's your name?\n4 5 6", None),
        (
            "stereo-a-line-later",
            "Who am I speaking with today?\nI was charged twice this month, and I want a refund.\nThis is heavy, scalable.",
            "heavy, scalable",
        ),
        (
            "negative-later-line-without-intro",
            "Who am I speaking with today?\nI was charged twice this month, and I want a refund.\nNo idea.",
            None,
        ),
        ("negative-no-question", "Thanks for calling.\nThis is heavy, scalable.", None),
    ],
)
def test_recognizer_answered_name_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
