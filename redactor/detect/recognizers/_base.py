"""A Presidio ``EntityRecognizer`` over ``ContextPatternRecognizer.find``."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.detect.recognizers._common import ContextPatternRecognizer


class CuePatternRecognizer(ContextPatternRecognizer, EntityRecognizer):
    NAME = ""

    def __init__(self) -> None:
        EntityRecognizer.__init__(self, supported_entities=[self.ENTITY], name=self.NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [RecognizerResult(self.ENTITY, a, b, s) for a, b, s in self.find(text)]
