"""Street addresses, written or spoken ("twelve main street" -> "12 main street").

Three shapes start an address: a house number, up to four name words and a street suffix
("12 Main Street", "935 69 Gordon Terrace"); a number, name words and a number
("6750 Koskikatu 25", the European order with a leading block number); after an address cue,
a house number as ASR punctuates it ("4 ,577, Cobblestone Court") or a house number and
words to the end of the answer ("651 Big Fisher Ranch."); and, after an address cue ("lives at", "address", "send it to"), name words and a number ("Via Tasso 129"). A unit
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
# After an address cue, any street type of USPS Publication 28 (appendix C1), and the
# locality words of Indian addresses ("Suresh colony", "Gandhi nagar", "second cross").
CUED_SUFFIXES = (
    rf"{SUFFIXES}|alley|branch|bridge|brooks?|burgs?|bypass|camp|canyon|cape|causeway|centers?|"
    r"circles|cliffs?|club|commons?|corners?|course|courts|coves?|creek|crest|crossroad|curve|"
    r"dale|dam|divide|drives|estates?|extensions?|falls?|ferry|fields?|flats?|fords?|forest|"
    r"forges?|forks?|fort|gateway|glens?|greens?|groves|harbors?|haven|hollow|inlet|islands?|"
    r"isle|junctions?|keys?|knolls?|lakes?|land|landing|lights?|loaf|locks?|lodge|mall|"
    r"manors?|meadows?|mills?|mission|motorway|mount|mountains?|neck|orchard|oval|overpass|"
    r"parks|parkways|passage|pines?|plains?|ports?|points|prairie|radial|ramp|ranch|rapids?|"
    r"rest|ridges|river|roads|route|rue|shoals?|shores?|skyway|springs?|spurs?|squares|"
    r"station|stravenue|stream|throughway|trace|track|trafficway|trailer|tunnel|underpass|"
    r"unions?|valleys?|viaduct|views|villages?|ville|walks|wall|ways|wells?|"
    r"nagar|colony|layout|vihar|enclave|society|residency|apartments?|towers?|complex|cross|"
    r"main|marg|chowk|gali|bazaa?r|peth|wadi|puram|bagh|sector|block|phase|stage"
)
NAME = r"[^\W\d_][\w'’.\-]*"
NUM = r"\d{1,6}[a-zA-Z]?"
UNIT = (
    r"(?:p\.?\s?o\.?\s+box|apt|apartment|suite|ste|unit|flat|box|psc|room|floor|fl|bldg|building|"
    r"house|plot|door|shop|#)(?:\s+(?:number|no\b|num\b))?\.?\s*#?\s*\d{1,6}[a-z]?"
    r"(?:\s*(?:/|slash)\s*\d{1,4}[a-z]?)?"
)
_SUFFIXED = re.compile(
    rf"(?i)(?<![\w.])(?:{NUM}\s+)?{NUM}\s+(?:{NAME}\s+){{1,4}}(?:{SUFFIXES})\b\.?"
)
# After an address cue, a house number as ASR punctuates it ("4 ,577, Cobblestone Court").
_ASR_SUFFIXED = re.compile(
    rf"(?i)(?<![\w.])\d{{1,6}}(?:[ \t]*[,.][ \t]*\d{{1,6}})*[ \t]*[,.]?[ \t]+"
    rf"(?:{NAME}\s+){{1,4}}(?:{CUED_SUFFIXES})\b\.?"
)
# After an address cue, an answer that is a house number and the street's name ("651 Big
# Fisher Ranch.", "505 young divide."): ASR's street types are often no known suffix.
_CUED_HOUSE = re.compile(
    rf"(?im)^[ \t]*(?:(?:sure|yes|yeah|okay|ok|so|um|uh|it'?s|it\s+is|that'?s)[ \t]*,?[ \t]*)*"
    rf"(?P<house>\d{{1,6}}(?:[ \t]*[,.][ \t]*\d{{1,6}})*[ \t]*,?[ \t]+(?P<name>(?:{NAME}[ \t]+){{0,3}}"
    rf"{NAME}))(?=[ \t]*(?:[.!?;]|,[ \t]*\n|\n|$))"
)
_COUNTED = re.compile(
    r"(?i)(?:years?|months?|weeks?|days?|hours?|minutes?|times?|people|percent|dollars?|bucks"
    r"|kids|children|miles?|blocks?|floors?|rooms?|ago|more|less|or|places|addresses|houses"
    r"|homes|locations|different|other)\b"
)
ADDRESS_CUES = frozenset({"address", "live", "lives", "living", "ship", "deliver", "located"})
_NUM_NAME_NUM = re.compile(
    rf"(?i)(?<![\w.,])\d{{1,6}}\s+(?:\d{{1,6}}\s+)?(?:{NAME}\s+){{1,3}}\d{{1,5}}(?![\w])"
)
# Street-type words that come first in many languages ("Rua Cidade de Maracajá 468").
PREFIX = r"rue|rua|r\.|via|viale|calle|c/|avenida|avenue|av\.|strada|piazza|ul\.|chemin|rambla|carrer|travessa|largo|route"
_PREFIXED = re.compile(
    rf"(?i)(?<![\w.])(?:\d{{1,6}}[a-z]?\s+){{0,2}}(?:{PREFIX})(?:\s+{NAME}){{1,6}}?\s+\d{{1,5}}[a-z]?(?![\w])"
)
_NUM_PREFIXED = re.compile(
    rf"(?i)(?<![\w.])(?:\d{{1,6}}[a-z]?\s+){{1,2}}(?:{PREFIX})(?:\s+{NAME}){{1,6}}?(?=\s*(?:[,\n/]|$))"
)
# Particles inside street names ("Rúa do Paseo", "Via delle Coste") that are not stop words.
PARTICLES = frozenset({"do", "de", "da", "di", "du", "des", "del", "della", "delle", "dei",
                       "la", "le", "e", "y", "van", "von", "der", "den", "al", "el", "i"})  # fmt: skip
_NAME_NUM = re.compile(
    rf"(?<![\w.])(?:{NAME}\s+){{1,3}}\d{{1,5}}(?![\w.,\-]\d)(?![\w])"
    r"(?!\s+(?:million|billion|thousand|hundred|percent|times|copies|people)\b)"
)
_NAME_NUM_SUFFIX = re.compile(rf"(?i)(?<![\w.])(?:{NAME}\s+){{1,3}}\d{{1,5}}\s+(?:{SUFFIXES})\b\.?")
_MILITARY = re.compile(
    r"(?i)(?<![\w])(?:(?:USS|USNS|USNV|USCGC)\s+[^\W\d_]+\s*\n\s*)?[AFD]PO\s+A[AEP]\s+\d{5}(?![\w])"
)
_CORNER = re.compile(r"(?i)\b(?:the\s+)?corner\s+of\s+")
_END_PLACE = re.compile(r"\s*(?:$|\n|[?!.,;:]|\s(?:for|and|in|on|to|at|I)\s)")
_UNIT = re.compile(rf"(?i)(?<![\w])(?:{UNIT})(?![\w])")
# One continuation step: separators, then a unit, a postcode, or a short place line.
_NEXT = re.compile(
    rf"(?i)([\s,>]*?(?:\?\?\?[ \t]*)?)(?:({UNIT})|(\d{{3,6}}(?:-\d{{3,4}})?)|"
    rf"((?:[^\W\d_][\w'’.\-]*|\([^\W\d_]+\))(?:[ \t]+(?:[^\W\d_][\w'’.\-]*|\([^\W\d_]+\)|\d{{1,4}}[a-z]?)){{0,3}}))(?![\w])"
)
# Steps an Indian address takes that the place line does not: "second cross", "3rd main",
# and a landmark ("near Hanuman temple", "opposite the bus stand").
_ORDINAL_STEP = re.compile(
    r"(?i)[ \t]*,[ \t]*(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"\d{1,2}(?:st|nd|rd|th))[ \t]+(?:cross|main|stage|phase|block|floor|street|road|lane)\b"
)
_LANDMARK = re.compile(
    rf"(?i)[ \t]*,?[ \t]*(?:near|opposite|opp\.|behind|beside|next[ \t]+to)[ \t]+(?:the[ \t]+)?"
    rf"(?:{NAME}[ \t]+){{0,2}}(?:temple|mandir|masjid|mosque|church|school|college|hospital|"
    rf"bus[ \t]+stop|bus[ \t]+stand|station|market|park|mall|bank|post[ \t]+office|circle|"
    rf"signal|petrol[ \t]+pump)\b"
)
# "my address is ...", "I stay at ...", "send the courier to ...": after such a cue, an answer
# that opens with a house number or a unit is an address up to the end of the clause, city
# and postcode included, whatever its street and locality words.
_ANSWER_CUE = re.compile(
    r"(?i)\b(?:address(?:\s+is)?|addresses\s+are|live[sd]?\s+at|living\s+at|stay(?:ing|s)?\s+at|"
    r"(?:deliver|ship|send|post|courier)\b[^.?!\n]{0,30}?\s(?:to|at)|"
    r"(?:office|shop|house|home|flat|apartment|place)\s+is\s+at|location\s+is|located\s+at|"
    r"reside\s+at|residing\s+at)\s*[:,\-]?[ \t]*"
)
_ANSWER_START = re.compile(
    r"(?i)(?:\d|(?:p\.?\s?o\.?\s+box|apt|apartment|suite|unit|flat|house|h\.?\s?no|plot|door|"
    r"shop|building|bldg|block|room|#)\b)"
)
_ANSWER_END = re.compile(
    r"(?i)[?!;\n]|(?<![\s.](?:st|no|dr|rd|nr))(?<![\s.](?:apt|ave|opp|ste))(?<![\s.]h)\.(?=\s|$)|"
    r",?\s+(?:and|also|but)\s+(?:the|my|i|it|also|please|a|you|your|then|his|her|we|our|"
    r"what|can|could|that|this)\b|"
    r",?\s+(?:and\s+)?(?:thank|thanks|okay|ok|please|sir|ma'am|madam|right|correct|yes|yeah|"
    r"is\s+that|did\s+you|got\s+it)\b"
)
ANSWER_MAX = 160
_NOT_POSTAL = re.compile(r"(?i)\b(?:ip|e-?mail|mail|mac|web|wallet|internet|server|memory)\s+\Z")
_MACHINE = re.compile(r"(?i)\d{1,3}(?:\.\d{1,3}){3}\b|[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,}")
CUES = frozenset(
    {"address", "live", "lives", "living", "located", "send", "sent", "ship", "deliver",
     "street", "move", "moved", "meet", "at", "on", "to", "corner", "station", "off"}
)  # fmt: skip
STOP = (frozenset(STOP_WORDS) - {"via"}) | {
    "and", "or", "but", "please", "thanks", "thank", "ok", "okay", "number", "sir", "ma'am", "madam"
}  # fmt: skip
# Spoken-number words and months: no street name when lowercase ("ninety three point five").
LOWER_STOP = frozenset({"point", "plus", "minus", "times", "divided", "percent", "am", "pm",
                        "oclock", "o'clock", "x", "january", "february", "march", "april",
                        "may", "june", "july", "august", "september", "october", "november",
                        "december"})  # fmt: skip


def _stop(word: str) -> bool:
    return word.lower() in STOP or (word.islower() and word in LOWER_STOP)


def _words_ok(span: str, particles: frozenset[str] = frozenset()) -> bool:
    words = re.findall(r"[^\W\d_]+", span)
    return bool(words) and not any(
        _stop(w) and w.lower() not in particles for w in words[:-1] or words
    )


def _strip_stop(text: str, m: re.Match[str]) -> int:
    """Start of the match after its last stop word before the number ("lives on Via Tasso
    129" -> "Via Tasso 129")."""
    pos = m.start()
    for w in re.finditer(r"\S+", m.group()):
        if w.group()[:1].isdigit():
            break
        if _stop(w.group()):
            pos = m.start() + w.end()
    while pos < m.end() and text[pos].isspace():
        pos += 1
    return pos


class StreetAddressRecognizer(EntityRecognizer):
    NAME = "StreetAddressRecognizer.v3"

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
        for m in _ASR_SUFFIXED.finditer(text):
            if _words_ok(m.group()) and has_context(text, m.start(), ADDRESS_CUES, 16):
                cores.append((m.start(), m.end(), 0.75))
        for m in _CUED_HOUSE.finditer(text):
            a = m.start("house")
            if _COUNTED.match(m.group("name")):
                continue  # "twenty years ago", "3 kids": a count, not a house number
            if _words_ok(m.group("name") + " x") and has_context(text, a, ADDRESS_CUES, 12):
                cores.append((a, m.end(), 0.65))
        for m in _NUM_NAME_NUM.finditer(text):
            inner = re.sub(r"^(?:\d+\s+)+|\s+\d+$", "", m.group()).split()
            if "\n" not in m.group() and not _stop(inner[0]) and not _stop(inner[-1]):
                cores.append((m.start(), m.end(), 0.7))
        for m in _NAME_NUM_SUFFIX.finditer(text):
            a = _strip_stop(text, m)
            if _words_ok(text[a : m.end()]):
                cores.append((a, m.end(), 0.7))
        for pat in (_PREFIXED, _NUM_PREFIXED):
            for m in pat.finditer(text):
                if "\n" not in m.group() and _words_ok(m.group() + " x", PARTICLES):
                    cores.append((m.start(), m.end(), 0.7))
        for m in _MILITARY.finditer(text):
            cores.append((m.start(), m.end(), 0.8))
        for m in _CORNER.finditer(text):
            cores.append((m.start(), _corner_end(text, m.end()), 0.6))
        cased = any(c.isupper() for c in text)
        for m in _NAME_NUM.finditer(text):
            a = _strip_stop(text, m)
            if "\n" in m.group() or not _words_ok(text[a : m.end()] + " x"):
                continue
            if cased and not text[a].isupper():
                continue  # cued name + number in written text: "Via Tasso 129", not "sell 1"
            if has_context(text, a, CUES, 4):
                cores.append((a, m.end(), 0.6))
        for m in _UNIT.finditer(text):
            if not m.group().startswith("#"):  # "#1" alone is a rank, not a unit
                cores.append((m.start(), m.end(), 0.6))
        for a, b in _answers(text):
            cores.append((a, b, 0.7))
        return [
            RecognizerResult("STREET_ADDRESS", a, self._extend(text, b), s) for a, b, s in cores
        ]

    @staticmethod
    def _extend(text: str, end: int) -> int:
        """Run on over following address lines: units, postcodes, short place names."""
        for _ in range(8):
            step = _ORDINAL_STEP.match(text, end) or _LANDMARK.match(text, end)
            if step:
                end = step.end()
                continue
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
            if any(w.lower().strip(".'’-") in STOP and not w.isupper() for w in words):
                break
            end = m.end()
        return end


def _answers(text: str) -> list[tuple[int, int]]:
    """Addresses said after an address cue: from the house number or unit to the clause end."""
    out = []
    for cue in _ANSWER_CUE.finditer(text):
        a = cue.end()
        if not _ANSWER_START.match(text, a) or _NOT_POSTAL.search(text[: cue.start()]):
            continue
        if _MACHINE.match(text, a):
            continue  # "address 41.173.96.26 blocked": an IP address
        if _COUNTED.match(re.sub(r"^[\d\s,.]+", "", text[a : a + 40])):
            continue  # "lived at 3 places", "ship it to 2 people": a count
        stop = _ANSWER_END.search(text, a, a + ANSWER_MAX)
        b = stop.start() if stop else min(len(text), a + ANSWER_MAX)
        b = len(text[:b].rstrip(" ,\t"))
        if b > a:
            out.append((a, b))
    return out


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
