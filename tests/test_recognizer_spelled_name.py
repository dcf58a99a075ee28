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
        # v3: keyed spellings and the word a spelling spells
        (
            "keyed-for",
            "it is p for peter, r for robert, i, y, a",
            "p for peter, r for robert, i, y, a",
        ),
        (
            "keyed-mixed",
            "it's haque, h, a, q like lima, u for x-ray, e",
            "h, a, q like lima, u for x-ray, e",
        ),
        ("as-in", "S as in Sam, M as in Mary", "S as in Sam, M as in Mary"),
        ("as-in-single", "that was S as in Sam", "S as in Sam"),
        ("echo", "it's Pradeep, P, R, A, D, E, E, P?", "Pradeep"),
        ("echo-dotted", "it's hardik, H. A. R. D. I. K.", "hardik"),
        ("negative-one-like", "i like r n b", None),
        ("negative-like-number", "they want, uh, G R E like ninety-nine percentile", None),
        ("negative-one-keyed", "press a for billing", None),
        ("negative-spaced-commas", "And , I , I , I , I think it 's better", None),
        ("asr-dashes", "Can you spell the last name?\nW -I -L -S -O -N?", "W -I -L -S -O -N"),
        ("negative-dash-plural", "everybody has V C R -s now", None),
        ("negative-article", "I think a for apple is what kids learn", None),
    ],
)
def test_recognizer_spelled_name_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
