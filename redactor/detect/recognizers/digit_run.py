"""Fail closed on long numbers: 7+ digits, however Whisper punctuates them.

Whisper writes a spoken phone or card number as ``646, 555, 281, 9`` or ``4111 1111 ...``;
stock Presidio labels that DATE_TIME or nothing. Any run of seven or more digits, with only
spaces, commas, hyphens and dots between the groups, is redacted as a number.
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


class DigitRunRecognizer(PatternRecognizer):
    NAME = "DigitRunRecognizer.v1"
    # A digit, then (separators + digit) repeated: at least 7 digits in all.
    PATTERN = r"(?<![\w.])\d(?:[ ,.\-]{0,3}\d){6,}(?![\w])"

    def __init__(self) -> None:
        super().__init__(
            supported_entity="NUMBER",
            name=self.NAME,
            patterns=[Pattern("digit_run_7plus", self.PATTERN, 0.6)],
        )
