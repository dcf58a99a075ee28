"""Four or more digits after a cue in the same turn or the two before (three after a card,
SSN or account cue): an identifier.

"Go ahead with the card number" / "Okay, five one six three nine five"; "the last four of your
social" / "Three, one, seven, four". Without a cue four digits are a year, a price or a count
and stay readable; with one they are redacted, labelled by the nearest cue. Cues are matched as
ASR writes them: "last fall of your social" (last four), "the count number" (account number),
"name to birth" (date of birth). A number is one run however punctuated
(``redactor.detect.digits``); after a cue, runs with only punctuation between them are one
("eleven, eleven, eighty four").

Still readable after a cue: money and percentages ("$1,500", "two thousand dollars"), counts
with a unit ("1500 people"), a year unless the cue is an SSN's ("born in nineteen eighty
five", "since 1980" after "credit"), and a time or a round count said as words unless the cue
names a card, an SSN or an account ("call me at ten thirty", "not a number, one of fifty
thousand").
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.detect.digits import NumberRun, number_runs
from redactor.detect.recognizers._common import is_amount

MIN_DIGITS = 4
# After a card, SSN or account cue ASR often drops a digit ("two, one, one" for "two oh one
# one"); three digits there are the rest of the value, not a count.
MIN_DIGITS_STRONG = 3
LINES_BACK = 2  # the turn itself and two before it (a backchannel between question and answer)
_LAST_FOUR = r"\blast\s+(?:four|for|fore|fall|floor|4)\b(?!\s+(?:years|months|weeks|days|times))"
CUES: tuple[tuple[str, str], ...] = (
    ("US_SSN", rf"\b(?:your|my|his|her|the)\s+(?:social|ssn)\b|\bs\.?s\.?n\b"
               rf"|\bsocial\s+security\s+(?:number|no)\b|{_LAST_FOUR}"),
    ("CREDIT_CARD", r"\bcard\b|\bcredit\b|\bdebit\b|\bcvv\b|\bcvc\b|\bexpir\w*|\bvisa\b"
                    r"|\bmaster\s?card\b|\bamex\b"),
    ("US_BANK_NUMBER", r"\b(?:ac)?count\s+(?:number|no|num)\b|\baccount\b|\bacct\b|\brouting\b"
                       r"|\b(?:member(?:ship)?|policy|customer|order|case|ticket|id|licen[cs]e)"
                       r"\s+(?:number|no|id)\b|\breference\b|\bconfirmation\b|\bpin\b"
                       r"|\bpass\s?code\b|\bpassport\b|\bsort\s+code\b|\biban\b"),
    ("DATE_OF_BIRTH", r"\bbirth\w*|\bborn\b|\bdob\b|\bd\.?\s?o\.?\s?b\b"),
    ("PHONE_NUMBER", r"\bphone\b|\bcell\b|\bmobile\b|\btelephone\b|\bcall\s+(?:you|me)\b"
                     r"|\breach\s+(?:you|me)\b|\bcall\s?back\b|\bextension\b|\barea\s+code\b"
                     r"|\bfax\b|\bwhatsapp\b"),
    ("ZIP_CODE", r"\bzip\b|\bpostal\b|\bpost\s?code\b"),
    ("STREET_ADDRESS", r"(?<!\bip )(?<!\bmac )(?<!\bemail )(?<!\be-mail )(?<!\bweb )\baddress\b|\blives?\s+(?:at|on)\b"),
    ("NUMBER", r"\bnumber\b(?!\s+of\b)|\bdigits\b|\bcode\b|\bverif\w*"
               r"|\bidentification\b"),
)  # fmt: skip
_CUES = re.compile("|".join(f"(?P<{label}>{rx})" for label, rx in CUES), re.I)
STRONG = frozenset({"US_SSN", "CREDIT_CARD", "US_BANK_NUMBER"})
_UNIT_AFTER = re.compile(
    r"^\s*(?:people|persons|times|years?|months?|weeks?|days?|hours?|minutes?|seconds?|miles?"
    r"|feet|foot|meters?|kilometers?|km|kilos?|kg|lbs?|items?|pages?|words?|calories|steps"
    r"|units|users|employees|students|copies|votes|members|acres|square)\b",
    re.I,
)
_SOFT = re.compile(r"[ \t]*[,.\-]{1,3}[ \t]*(?:\n[ \t]*)?|[ \t]*\n[ \t]*")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_TIME = re.compile(r"^(?:[1-9]|1[0-2])[0-5]\d$")


def cue_label(text: str, start: int) -> str | None:
    """The label of the nearest cue before ``start`` in its turn or the two before it; a
    named kind ("card number") before the bare "number"."""
    lo = start
    for _ in range(LINES_BACK + 1):
        lo = text.rfind("\n", 0, max(lo - 1, 0)) + 1 if lo > 0 else 0
    window = text[max(lo, start - 400) : start]
    best = None
    for m in _CUES.finditer(window):
        if m.lastgroup != "NUMBER" or best is None:
            best = m.lastgroup
    return best


def _readable(text: str, run: NumberRun, label: str) -> bool:
    if is_amount(text, run.start, run.end) or _UNIT_AFTER.match(text[run.end : run.end + 16]):
        return True
    if text[run.end : run.end + 1] == ":" or text[run.start - 1 : run.start] == ":":
        return True  # a time or an IPv6 group, which other recognizers judge
    if _IPV4.fullmatch(text, run.start, run.end):
        return True  # an IP address: the IP recognizer names it
    if all(_YEAR.match(g) for g in run.groups):
        return label != "US_SSN"  # "Credit Karma, since 1980"; but "last four: 1985"
    if label in STRONG:
        return False
    if all(run.clock):
        return True  # "ten thirty, eleven fifteen"
    if len(run.groups) > 1 or run.by_digit >= MIN_DIGITS or not run.spoken[0]:
        return False
    # Said as a time ("ten thirty") or a round count ("one of fifty thousand").
    return bool(_TIME.match(run.digits)) or run.digits.endswith("00")


def _grouped(text: str, runs: tuple[NumberRun, ...]) -> list[NumberRun]:
    """Runs with only punctuation between them as one: after a cue, "eleven, eleven, eighty
    four" is one date, though without one compounds stay apart."""
    out: list[NumberRun] = []
    for run in runs:
        if out and _SOFT.fullmatch(text, out[-1].end, run.start):
            last = out[-1]
            pieces = last.pieces + run.pieces
            if "\n" not in text[last.end : run.start]:  # one stretch of the line
                pieces = (
                    *last.pieces[:-1],
                    (last.pieces[-1][0], run.pieces[0][1]),
                    *run.pieces[1:],
                )
            run = NumberRun(pieces, last.groups + run.groups,
                            last.spoken + run.spoken, last.by_digit + run.by_digit, last.prefix,
                            last.clock + run.clock)  # fmt: skip
            out[-1] = run
        else:
            out.append(run)
    return out


class CuedNumberRecognizer(EntityRecognizer):
    NAME = "CuedNumberRecognizer.v1"
    SCORE = 0.7

    def __init__(self) -> None:
        labels = [label for label, _ in CUES]
        super().__init__(supported_entities=labels, name=self.NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out: list[RecognizerResult] = []
        for run in _grouped(text, number_runs(text)):
            if len(run.digits) < MIN_DIGITS_STRONG:
                continue
            label = "PHONE_NUMBER" if run.prefix else cue_label(text, run.start)
            if label is None or _readable(text, run, label):
                continue
            if len(run.digits) < MIN_DIGITS and label not in STRONG:
                continue
            out.extend(RecognizerResult(label, a, b, self.SCORE) for a, b in run.pieces)
        return out
