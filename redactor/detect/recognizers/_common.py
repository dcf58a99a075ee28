"""Helpers shared by the recognizers: context look-back and digit counting.

Context is looked for in the text *before* a match, across line breaks: the detector joins a
transcript's turns with newlines, so the agent's "what's the card number?" is context for the
customer's answer on the next line.
"""

from __future__ import annotations

import re
from itertools import pairwise

_WORD = re.compile(r"[^\W_]+(?:'[a-z]+)?")


def words_before(text: str, start: int, n: int = 12) -> list[str]:
    """The last ``n`` words (lowercase) before ``start``."""
    chunk = text[max(0, start - 12 * n) : start].lower()
    return _WORD.findall(chunk)[-n:]


def has_context(text: str, start: int, cues: frozenset[str], n: int = 12) -> bool:
    """Whether a cue word, or a two-word cue phrase, occurs in the ``n`` words before."""
    ws = words_before(text, start, n)
    if any(w in cues for w in ws):
        return True
    return any(f"{a} {b}" in cues for a, b in pairwise(ws))


def digit_count(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class ContextPatternRecognizer:
    """Mixin body for regex recognizers whose score depends on cue words before the match.

    ``base_score`` applies without a cue (``None``: no span at all without one); ``cue_score``
    with one. Subclasses set the class attributes and may override ``accept``.
    """

    ENTITY = ""
    PATTERN: re.Pattern[str] = re.compile(r"(?!)")
    CUES: frozenset[str] = frozenset()
    WINDOW = 12
    base_score: float | None = None
    cue_score = 0.8

    def accept(self, text: str, match: re.Match[str]) -> bool:
        return True

    def find(self, text: str) -> list[tuple[int, int, float]]:
        out = []
        for m in self.PATTERN.finditer(text):
            if not self.accept(text, m):
                continue
            start, end = m.span(1) if m.re.groups else m.span()
            if has_context(text, start, self.CUES, self.WINDOW):
                out.append((start, end, self.cue_score))
            elif self.base_score is not None:
                out.append((start, end, self.base_score))
        return out


_MONEY_BEFORE = re.compile(r"[$£€¥]\s*$|\b(?:usd|eur|gbp|rs\.?|inr)\s*$", re.I)
_MONEY_AFTER = re.compile(
    r"^\s*(?:dollars?|bucks|cents?|pounds?|euros?|rupees?|percent|per\s*cent|%|k\b|grand\b)", re.I
)


def is_amount(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is money or a percentage, not an identifier."""
    return bool(
        _MONEY_BEFORE.search(text[max(0, start - 6) : start])
        or _MONEY_AFTER.match(text[end : end + 12])
    )
