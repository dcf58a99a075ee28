"""US social security numbers: full (written or spoken), and the last four digits in context.

A full SSN is 9 digits, grouped 3-2-4 or not. "last four of your social" -> "4821" is redacted
only after such a cue; otherwise four digits are a year, a price or a count.
"""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer

_INVALID = re.compile(r"^(000|666|9\d\d)|^\d{3}00|0000$")


class SsnRecognizer(CuePatternRecognizer):
    NAME = "SsnRecognizer.v1"
    ENTITY = "US_SSN"
    PATTERN = re.compile(
        r"(?<![\w.\-])(\d{3}(?:[ .\-]|, )?\d{2}(?:[ .\-]|, )?\d{4})(?![\w]|[.\-]\d)"
    )
    CUES = frozenset({"ssn", "social", "social security", "security number", "ss"})
    base_score = 0.5
    cue_score = 0.9

    def accept(self, text: str, match: re.Match[str]) -> bool:
        return not _INVALID.search(re.sub(r"\D", "", match.group(1)))


class SsnLastFourRecognizer(CuePatternRecognizer):
    NAME = "SsnLastFourRecognizer.v1"
    ENTITY = "US_SSN"
    PATTERN = re.compile(r"(?<![\w.,$])(\d{4})(?![\w]|[.,]\d)")
    CUES = frozenset({"ssn", "social", "social security", "last four", "last 4"})
    WINDOW = 8
