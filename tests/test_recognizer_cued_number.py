"""Table-driven tests for CuedNumberRecognizer: 4+ digits after a cue (3+ after a card, SSN or
account cue), as ASR writes cues."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import CuedNumberRecognizer
from redactor.detect.recognizers.cued_number import cue_label
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(CuedNumberRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "asr-last-four",
            "Can I have the last fall of your social?\nThree, one, seven, four, to verify.",
            "Three, one, seven, four",
        ),
        (
            "card-previous-turn",
            "Go ahead with the card number.\nOkay, five one six three nine five",
            "five one six three nine five",
        ),
        ("asr-account", "What is the count number?\nIt is four four two one.", "four four two one"),
        (
            "asr-birth",
            "And your name to birth?\nOh three, one four, eighty five.",
            "Oh three, one four, eighty five",
        ),
        ("address", "And what is the service address?\n4 ,577, Cobblestone Court.", "4 ,577"),
        ("written-pin", "my PIN is 4821", "4821"),
        (
            "compounds-after-cue",
            "Can you confirm your date of birth?\nIt's eleven, eleven, eighty -four.",
            "eleven, eleven, eighty -four",
        ),
        (
            "asr-dashes",
            "Just the last four of your social, please.\nSure, 8 -9 -4 -3.",
            "8 -9 -4 -3",
        ),
        ("asr-split", "the last four of your social?\nSure, 6.\n3 .61.", "6.\n3 .61"),
        ("homophones", "my account number is for two six one", "for two six one"),
        (
            "two-turns-back",
            "What's your member number?\nMm-hmm.\nseven seven one two",
            "seven seven one two",
        ),
        ("ssn-year", "the last four of your social?\nnineteen eighty five", "nineteen eighty five"),
        (
            "dropped-digit-last-four",
            "Just the last four of your social, please.\nYes, it's two, one, one.",
            "two, one, one",
        ),
        ("dropped-digit-card", "What are the last digits on the card?\n8 1 8", "8 1 8"),
        ("negative-two-after-card", "which card?\nthe one with 25 on it", None),
        ("negative-no-cue", "I have four four two one of them", None),
        ("negative-money", "my account has $2,500 in it", None),
        ("negative-money-words", "the card limit is five thousand dollars", None),
        ("negative-unit", "our account has 1500 users", None),
        ("negative-year", "I was born in nineteen eighty five", None),
        ("negative-time", "call me at ten thirty", None),
        ("negative-times", "what number? ten thirty, eleven fifteen", None),
        ("negative-years", "the number was up in nineteen twelve, nineteen thirteen", None),
        ("negative-round", "not so much a number,\none of fifty thousand", None),
        ("negative-short", "what's the code? one two three", None),
        ("negative-far", "account\nyes\nsure\nokay\nfour four two one", None),
        ("negative-ip", "keep getting address 41.173.96.26 blocked", None),
    ],
)
def test_recognizer_cued_number_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("the last fall of your social?\n", "US_SSN"),
        ("Go ahead with the card number.\n", "CREDIT_CARD"),
        ("the count number?\n", "US_BANK_NUMBER"),
        ("your name to birth?\n", "DATE_OF_BIRTH"),
        ("what's a good phone to reach you?\n", "PHONE_NUMBER"),
        ("and the zip?\n", "ZIP_CODE"),
        ("the service address?\n", "STREET_ADDRESS"),
        ("read me the number\n", "NUMBER"),
        ("the number of people was\n", None),
        ("my IP address is\n", None),
    ],
)
def test_recognizer_cued_number_cue_label(text: str, label: str | None) -> None:
    assert cue_label(text, len(text)) == label
