"""Names spelled letter by letter: "J-O-H-N", "j o h n", "b, e, r", "S as in Sam, M as in Mary".

Four or more single letters in a row, or two or more after a spelling cue ("spell", "spelled",
"that's"), or any "X as in Y". Three-letter runs without a cue are usually acronyms
("I B M") and stay.
"""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer

_LETTERS = r"(?<![\w'])[A-Za-z](?:(?:\.?[ \-]|\.|,[ \t]?| -(?=[A-Z]))[A-Za-z](?![\w'])){{{n},}}\.?"


class SpelledNameRecognizer(CuePatternRecognizer):
    NAME = "SpelledNameRecognizer.v2"
    ENTITY = "PERSON"
    PATTERN = re.compile(_LETTERS.format(n=3))
    base_score = 0.6


class CuedSpellingRecognizer(CuePatternRecognizer):
    NAME = "CuedSpellingRecognizer.v1"
    ENTITY = "PERSON"
    PATTERN = re.compile(
        r"(?i)(?<![\w'])[a-z]\s+(?:as|like)\s+in\s+[a-z]+(?:,?\s+[a-z]\s+(?:as|like)\s+in\s+[a-z]+)*"
        r"|" + _LETTERS.format(n=1)
    )
    CUES = frozenset({"spell", "spelled", "spelling", "spells", "that's", "letters"})
    WINDOW = 6

    def accept(self, text: str, match: re.Match[str]) -> bool:
        return (
            " as in " in match.group().lower()
            or " like in " in match.group().lower()
            or _cued(text, match.start())
        )

    def find(self, text: str) -> list[tuple[int, int, float]]:
        return [
            (m.start(), m.end(), 0.8) for m in self.PATTERN.finditer(text) if self.accept(text, m)
        ]


def _cued(text: str, start: int) -> bool:
    from redactor.detect.recognizers._common import has_context

    return has_context(text, start, CuedSpellingRecognizer.CUES, CuedSpellingRecognizer.WINDOW)
