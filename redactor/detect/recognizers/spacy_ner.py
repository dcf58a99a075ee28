"""spaCy's statistical NER as a Presidio recognizer: PERSON and places.

The engine runs spaCy itself (only the ``ner`` component, batched with ``nlp.pipe``) and
hands the entities in through ``NlpArtifacts``; this recognizer only maps labels. Dates,
organisations and nationalities are left readable: they are rarely personal on their own and
a transcript without them is hard to use.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

LABELS = {"PERSON": ("PERSON", 0.85), "GPE": ("LOCATION", 0.85), "LOC": ("LOCATION", 0.7),
          "FAC": ("LOCATION", 0.6)}  # fmt: skip
_JUNK = re.compile(r"^[\W\d_]*$|\d")


class SpacyNerRecognizer(EntityRecognizer):
    NAME = "SpacyNerRecognizer.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON", "LOCATION"], name=self.NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        out = []
        for ent in nlp_artifacts.entities:
            mapped = LABELS.get(ent.label_)
            if mapped is None or (_JUNK.search(ent.text) and mapped[0] == "PERSON"):
                continue
            out.append(RecognizerResult(mapped[0], ent.start_char, ent.end_char, mapped[1]))
        return out
