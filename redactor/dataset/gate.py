"""The residual-PII gate: a second, stricter pass over every dataset row before it is written.

The first pass (the pipeline's detector at its normal threshold) decided what to replace. The
gate asks again, more suspiciously, and drops a row on any of:

``detector:<LABEL>``
    The same detector at a lower score threshold (``GATE_MIN_SCORE``), over all rows of a
    recording as one document (so context from the previous turn counts), finds an entity
    whose text is not entirely inside a replacement the policy made.
``digit-run``
    ``DIGIT_RUN_MIN`` (4) or more digits in a run outside the replacements, counting digits
    (``4111``) and digit words (``four one one one``, ``oh``) separated by at most
    ``_MAX_SEP`` characters of ``space , . - / ( )``. Four, not five, because a PIN, a card's
    last four and half a phone number are four digits; a lone ``19xx``/``20xx`` token is
    exempt because years are common and not identifying on their own.
``email-shape``
    Outside the replacements: ``x@y.z``, or a spoken address (``smith at example dot com``,
    ``at gmail``).

Replacements are ignored because they are fake by construction (surrogates such as
``555-0143`` would otherwise trip every rule); a detected entity that reaches outside one
(a first name the first pass missed next to a surrogate surname) still trips the gate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from redactor.dataset.rows import Row
from redactor.detect.protocol import Detector
from redactor.detect.spoken_email import TLDS

__all__ = ["DIGIT_RUN_MIN", "GATE_MIN_SCORE", "Gate"]

GATE_MIN_SCORE = 0.25  # the pipeline's detector uses 0.4
DIGIT_RUN_MIN = 4
_MAX_SEP = 3

_DIGIT_WORDS = {
    "zero": 1,
    "oh": 1,
    "o": 1,
    "one": 1,
    "two": 1,
    "three": 1,
    "four": 1,
    "five": 1,
    "six": 1,
    "seven": 1,
    "eight": 1,
    "nine": 1,
    "double": 0,  # "double five": the next word counts twice; approximated as one more
}
_TOKEN = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")
_SEP = re.compile(r"^[\s,.\-/()]*$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SPOKEN_EMAIL = re.compile(
    rf"\b\w+\s+at(?:\s+the\s+rate(?:\s+of)?)?\s+\w+(?:\s+(?:dot|period)\s+\w+)*"
    rf"\s+(?:dot|period)\s+(?:{TLDS})\b"
    r"|\bat(?:\s+the\s+rate(?:\s+of)?)?\s+(?:gmail|yahoo|hotmail|outlook|icloud|aol|protonmail|rediffmail)\b",
    re.I,
)
# Words a detected entity may reach into without being personal data itself.
_HARMLESS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "madam", "the", "a", "an", "and"})


@dataclass(frozen=True, slots=True)
class _Run:
    start: int
    end: int
    digits: int
    tokens: int


def _mask(row: Row) -> str:
    """The row's text with every replacement blanked by a character that breaks any run."""
    chars = list(row.text)
    for a, b, _label in row.replaced:
        chars[a:b] = "\x00" * (b - a)
    return "".join(chars)


def digit_runs(text: str) -> list[_Run]:
    """Runs of digits and digit words, separated only by short separators."""
    runs: list[_Run] = []
    cur: _Run | None = None
    last_end = 0
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        n = len(tok) if tok.isdigit() else _DIGIT_WORDS.get(tok.lower(), -1)
        if n < 0:
            if _SEP.match(tok):
                continue
            cur = None
            continue
        gap = text[last_end : m.start()]
        if cur is not None and _SEP.match(gap) and len(gap) <= _MAX_SEP:
            cur = _Run(cur.start, m.end(), cur.digits + n, cur.tokens + 1)
            runs[-1] = cur
        else:
            cur = _Run(m.start(), m.end(), n, 1)
            runs.append(cur)
        last_end = m.end()
    return runs


class Gate:
    """Scans rows and says, for each, why it must be dropped (None: it may be written)."""

    def __init__(self, analyzer: Detector | None) -> None:
        self.analyzer = analyzer

    def pattern_reason(self, row: Row) -> str | None:
        masked = _mask(row)
        if _EMAIL.search(masked) or _SPOKEN_EMAIL.search(masked):
            return "email-shape"
        for run in digit_runs(masked):
            if run.digits < DIGIT_RUN_MIN:
                continue
            if run.tokens == 1 and _YEAR.match(masked[run.start : run.end]):
                continue
            return "digit-run"
        return None

    def detector_reasons(self, rows: Sequence[Row]) -> list[str | None]:
        """Analyse one recording's rows as one recording (``Detector.analyze_recording``:
        context from the previous turn counts); a reason per row."""
        reasons: list[str | None] = [None] * len(rows)
        if self.analyzer is None or not rows:
            return reasons
        found = self.analyzer.analyze_recording([r.text for r in rows])
        for i, (row, spans) in enumerate(zip(rows, found, strict=True)):
            for sp in spans:
                if reasons[i] is None and _outside(row, sp.start, sp.end):
                    reasons[i] = f"detector:{sp.label}"
        return reasons

    def check(self, rows: Sequence[Row]) -> list[str | None]:
        """A drop reason (or None) for each row; pattern rules first, they are cheaper."""
        reasons = [self.pattern_reason(r) for r in rows]
        pending = [r for r, why in zip(rows, reasons, strict=True) if why is None]
        found = iter(self.detector_reasons(pending))
        return [why if why is not None else next(found) for why in reasons]


def _outside(row: Row, start: int, end: int) -> bool:
    """Whether a detected entity has words of its own outside every replacement."""
    chars = list(row.text[start:end])
    for a, b, _label in row.replaced:
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            chars[lo - start : hi - start] = " " * (hi - lo)
    words = re.findall(r"\w+", "".join(chars))
    return any(w.lower() not in _HARMLESS for w in words)
