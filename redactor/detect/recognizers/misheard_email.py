"""E-mail addresses Whisper mangled: after an e-mail cue, everything up to the domain.

tiny.en writes a spoken "john smith at example dot com" as "john .misset example .com": no
"at", no "@", nothing an e-mail pattern can read. The cue ("my email is", "email me at",
"e-mail address:", or a question ending the previous turn, "And your email address?") says
an address follows; the address runs from there to the first
top-level domain ("example .com", "gmail.com"), at most a few words. Covering the whole
stretch fails closed: a mangled address leaks nothing that remains readable.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.detect.spoken_email import TLDS

_TLD = rf"(?:{TLDS})"
_CUE = (
    r"\b(?:(?:e-?mail(?:\s+(?:address|id))?|mail\s+id)(?:\s+(?:is|it's|was))?\s*:?"
    r"|email\s+me\s+at|mail\s+me\s+at)"
)
# 1-6 words, the last ending in ". tld" / "dot tld" (the normaliser writes "dot" as ".").
_ADDRESS = rf"((?:[\w'@+-]*\.?[\w'@+-]+\s+){{0,5}}?[\w'@+.-]*?\s?\.\s?{_TLD})\b"


# The question in one turn, the address as the next turn ("And your email address?" /
# "It's timothy .hall55 .mail .com."); ASR may end the question with a period.
_LEAD = r"(?:(?:sure|yes|yeah|okay|ok|so|um|uh|it'?s|it\s+is|that'?s|my\s+email\s+is)[,.]?[ \t]+)*"
_ASKED = rf"\be-?mail(?:\s+address)?[ \t]*[?.]?[ \t]*\n[ \t]*{_LEAD}"


class MisheardEmailRecognizer(EntityRecognizer):
    NAME = "MisheardEmailRecognizer.v3"
    ENTITY = "EMAIL_ADDRESS"
    PATTERN = re.compile(rf"(?i){_CUE}\s+{_ADDRESS}|{_ASKED}{_ADDRESS}")
    SCORE = 0.85

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=self.NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out = []
        for m in self.PATTERN.finditer(text):
            group = 1 if m.group(1) is not None else 2
            out.append(RecognizerResult(self.ENTITY, m.start(group), m.end(group), self.SCORE))
        return out
