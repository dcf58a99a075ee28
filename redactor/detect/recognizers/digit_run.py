"""Fail closed on long numbers: 7+ digits, however Whisper writes and punctuates them.

Whisper writes a spoken phone or card number as ``646, 555, 281, 9``, ``4111 1111 ...``,
``one, eight, oh, nine, ...`` or over two segments; stock Presidio labels that DATE_TIME or
nothing. Any number of seven or more digits (``redactor.detect.digits``: numerals, digit words,
homophones inside a digit run, "oh", "double") is redacted, each piece of it, unless it is an
amount of money ("$1,250,000", "2,000,000 dollars").
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.detect.digits import LONG, number_runs
from redactor.detect.recognizers._common import is_amount


class DigitRunRecognizer(EntityRecognizer):
    NAME = "DigitRunRecognizer.v2"
    SCORE = 0.6

    def __init__(self) -> None:
        super().__init__(supported_entities=["NUMBER"], name=self.NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            RecognizerResult("NUMBER", a, b, self.SCORE)
            for run in number_runs(text)
            if len(run.digits) >= LONG and not is_amount(text, run.start, run.end)
            for a, b in run.pieces
        ]
