"""Street addresses, written or spoken ("twelve main street" -> "12 main street").

Three shapes start an address: a house number, up to four name words and a street suffix
("12 Main Street", "935 69 Gordon Terrace"); a number, name words and a number
("6750 Koskikatu 25", the European order with a leading block number); and, after an address
cue ("lives at", "address", "send it to"), name words and a number ("Via Tasso 129"). A unit
("Apt. 864", "Suite 170", "PSC 7589, Box 0572") is an address on its own. From there the span
runs on over the lines that follow while they look like address lines (unit, city, region
code, country, postcode), so a multi-line address is one span.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from redactor.detect.recognizers._common import has_context

SUFFIXES = (
    r"street|st|avenue|ave|av|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|"
    r"terrace|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|summit|pass|crescent|"
    r"close|row|alley|plaza|park|heights|hill|hills|grove|gardens|mews|walk|crossing|"
    r"expressway|freeway|pike|loop|run|path|point|ridge|view|vista|streets|turnpike"
)
NAME = r"[^\W\d_][\w'’.\-]*"
NUM = r"\d{1,6}[a-zA-Z]?"
UNIT = r"(?:p\.?\s?o\.?\s+box|apt|apartment|suite|ste|unit|flat|box|psc|room|floor|fl|bldg|building|#)\.?\s*#?\s*\d{1,6}"
_SUFFIXED = re.compile(
    rf"(?i)(?<![\w.])(?:{NUM}\s+)?{NUM}\s+(?:{NAME}\s+){{1,4}}(?:{SUFFIXES})\b\.?"
)
_NUM_NAME_NUM = re.compile(rf"(?i)(?<![\w.,])\d{{1,6}}\s+(?:{NAME}\s+){{1,3}}\d{{1,5}}(?![\w])")
_NAME_NUM = re.compile(rf"(?<![\w.])(?:{NAME}\s+){{1,3}}\d{{1,5}}(?![\w.,]\d)(?![\w])")
_NAME_NUM_SUFFIX = re.compile(rf"(?i)(?<![\w.])(?:{NAME}\s+){{1,3}}\d{{1,5}}\s+(?:{SUFFIXES})\b\.?")
_MILITARY = re.compile(
    r"(?i)(?<![\w])(?:(?:USS|USNS|USNV|USCGC)\s+[^\W\d_]+\s*\n\s*)?[AFD]PO\s+A[AEP]\s+\d{5}(?![\w])"
)
_CORNER = re.compile(r"(?i)\b(?:the\s+)?corner\s+of\s+")
_END_PLACE = re.compile(r"\s*(?:$|\n|[?!.,;:]|\s(?:for|and|in|on|to|at|I)\s)")
_UNIT = re.compile(rf"(?i)(?<![\w])(?:{UNIT})(?![\w])")
# One continuation step: separators, then a unit, a postcode, or a short place line.
_NEXT = re.compile(
    rf"(?i)([\s,>]*?)(?:({UNIT})|(\d{{3,6}}(?:-\d{{3,4}})?)|"
    rf"((?:[^\W\d_][\w'’.\-]*|\([^\W\d_]+\))(?:[ \t]+(?:[^\W\d_][\w'’.\-]*|\([^\W\d_]+\))){{0,3}}))(?![\w])"
)
CUES = frozenset(
    {"address", "live", "lives", "living", "located", "send", "sent", "ship", "deliver",
     "street", "move", "moved", "meet", "at", "on", "to", "corner", "station", "off"}
)  # fmt: skip
STOP = frozenset(STOP_WORDS) | {"and", "or", "but", "please", "thanks", "ok", "point", "plus",
    "minus", "times", "divided", "percent", "am", "pm", "oclock", "o'clock", "x"}  # fmt: skip


def _words_ok(span: str) -> bool:
    words = re.findall(r"[^\W\d_]+", span)
    return bool(words) and not any(w.lower() in STOP for w in words[:-1] or words)


class StreetAddressRecognizer(EntityRecognizer):
    NAME = "StreetAddressRecognizer.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=["STREET_ADDRESS"], name=self.NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        cores: list[tuple[int, int, float]] = []
        for m in _SUFFIXED.finditer(text):
            if _words_ok(m.group()):
                cores.append((m.start(), m.end(), 0.8))
        for m in _NUM_NAME_NUM.finditer(text):
            inner = re.sub(r"^\d+\s+|\s+\d+$", "", m.group()).split()
            if (
                "\n" not in m.group()
                and inner[0].lower() not in STOP
                and inner[-1].lower() not in STOP
            ):
                cores.append((m.start(), m.end(), 0.7))
        for m in _NAME_NUM_SUFFIX.finditer(text):
            if _words_ok(m.group()):
                cores.append((m.start(), m.end(), 0.7))
        for m in _MILITARY.finditer(text):
            cores.append((m.start(), m.end(), 0.8))
        for m in _CORNER.finditer(text):
            cores.append((m.start(), _corner_end(text, m.end()), 0.6))
        for m in _NAME_NUM.finditer(text):
            if "\n" in m.group() or not _words_ok(m.group() + " x"):
                continue
            if has_context(text, m.start(), CUES, 4):
                cores.append((m.start(), m.end(), 0.6))
        for m in _UNIT.finditer(text):
            cores.append((m.start(), m.end(), 0.6))
        return [
            RecognizerResult("STREET_ADDRESS", a, self._extend(text, b), s) for a, b, s in cores
        ]

    @staticmethod
    def _extend(text: str, end: int) -> int:
        """Run on over following address lines: units, postcodes, short place names."""
        for _ in range(8):
            m = _NEXT.match(text, end)
            if not m:
                break
            sep = m.group(1)
            unit, post, place = m.group(2), m.group(3), m.group(4)
            if unit or post:
                end = m.end()
                continue
            if not ("\n" in sep or "," in sep or ">" in sep or _END_PLACE.match(text, m.end())):
                break  # a place name starts a new line, follows a comma, or ends the address
            words = place.split()
            if any(w.lower() in STOP and not w.isupper() for w in words):
                break
            end = m.end()
        return end


def _corner_end(text: str, pos: int) -> int:
    """End of "the corner of X St. and Y": up to ``?!,`` or a line break, across "and"."""
    end = pos
    for m in re.finditer(r"[^\s?!,]+", text[pos : pos + 120]):
        if m.start() and re.search(r"[\n]", text[pos + end - pos : pos + m.start()]):
            break
        end = pos + m.end()
        if m.group().endswith(".") and not re.match(r"\s+and\b", text[end:]):
            break
        if m.start() > 0 and text[pos + m.start() - 1] in "?!,":
            break
        nxt = text[end : end + 1]
        if nxt in {"?", "!", ",", "\n"}:
            break
    return end
