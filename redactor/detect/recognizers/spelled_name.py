"""Names spelled letter by letter: "J-O-H-N", "j o h n", "b, e, r", "S as in Sam, M as in Mary",
"p for peter, r like robert, i, y, a".

A spelling is a chain of items, each a single letter or a letter with a key word ("s as in
sugar", "p for peter", "z like zebra"), separated by spaces, commas, periods or hyphens. A
chain counts as a spelled name when it has four or more plain letters, two or more keyed
items, or a keyed item and three items in all; after a spelling cue ("spell", "spelled",
"that's") two items are enough. Three-letter runs without a cue are usually acronyms
("I B M") and stay; a lone "a for apple" or "i like you, a lot" is no spelling.

The word a spelling spells is the name said plainly ("it's Pradeep, P, R, A, D, E, E, P"):
every occurrence of it in the same text is part of the value too.
"""

from __future__ import annotations

import re

from redactor.detect.digits import COMPOUND, UNITS
from redactor.detect.recognizers._base import CuePatternRecognizer
from redactor.detect.recognizers._common import has_context

NUMBER_WORDS = frozenset({*UNITS, *COMPOUND})

_HOW = r"as[ \t]+in|like[ \t]+in|like|for"
_KEY = rf"(?:{_HOW})[ \t]+[a-z]+(?:-[a-z]+)?"
_ITEM = rf"(?<![\w'])[a-z](?![\w'])(?:[ \t]+{_KEY})?"
_SEP = r"(?:[,.]?[ \t]+|[.,\-]|[ \t]-(?-i:(?=[A-Z])))"  # ASR's "W -I -L -S -O -N"
_CHAIN = re.compile(rf"(?i){_ITEM}(?:{_SEP}{_ITEM})*")
_KEYED = re.compile(rf"(?i)(?<![\w'])([a-z])[ \t]+({_HOW})[ \t]+([a-z]+)")
_HEAD = re.compile(rf"(?i)(?<![\w'])([a-z])(?![\w'])(?:[ \t]+{_KEY})?")
_AS_IN = re.compile(r"(?i)(?<![\w'])[a-z][ \t]+(?:as|like)[ \t]+in[ \t]")
CUES = frozenset({"spell", "spelled", "spelling", "spells", "that's", "letters"})
WINDOW = 6


def _chains(text: str, cued_only: bool) -> list[tuple[int, int, str]]:
    """``(start, end, letters)`` of the spellings in ``text``: those that need no cue, or
    (``cued_only``) the short ones that need one."""
    out = []
    for m in _CHAIN.finditer(text):
        chunk = m.group()
        heads = [h.group(1) for h in _HEAD.finditer(chunk)]
        keys = [(k.group(2).lower(), k.group(3).lower()) for k in _KEYED.finditer(chunk)]
        keyed = sum(word not in NUMBER_WORDS for _how, word in keys)
        # "g r e like ninety-nine", "i like r n b": one "like" is no spelling
        firm = sum(how != "like" and word not in NUMBER_WORDS for how, word in keys)
        strong = (
            len(heads) - len(keys) >= 4
            or keyed >= 2
            or (firm == 1 and len(heads) >= 3)
            or bool(_AS_IN.search(chunk))
        )
        if cued_only:
            keep = not strong and len(heads) >= 2 and has_context(text, m.start(), CUES, WINDOW)
        else:
            keep = strong
        if keep:
            out.append((m.start(), m.end(), "".join(heads).lower()))
    return out


def _echoes(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Where the words spelled are said plainly (outside the spellings themselves)."""
    out = []
    for word in {letters for _a, _b, letters in spans if len(letters) >= 2}:
        for m in re.finditer(rf"(?i)(?<![\w']){re.escape(word)}(?:['’]s)?(?![\w'])", text):
            if not any(a <= m.start() < b for a, b, _l in spans):
                out.append(m.span())
    return out


def _found(text: str, cued_only: bool, score: float) -> list[tuple[int, int, float]]:
    """The spellings and where the words they spell are said plainly, at ``score``."""
    spans = _chains(text, cued_only)
    return [(a, b, score) for a, b, _l in spans] + [(a, b, score) for a, b in _echoes(text, spans)]


class SpelledNameRecognizer(CuePatternRecognizer):
    """Spellings that need no cue (four plain letters, or keyed items), and their echoes."""

    NAME = "SpelledNameRecognizer.v3"
    ENTITY = "PERSON"

    def find(self, text: str) -> list[tuple[int, int, float]]:
        return _found(text, cued_only=False, score=0.6)


class CuedSpellingRecognizer(CuePatternRecognizer):
    """Short spellings right after a spelling cue ("spelled S A H"), and their echoes."""

    NAME = "CuedSpellingRecognizer.v2"
    ENTITY = "PERSON"

    def find(self, text: str) -> list[tuple[int, int, float]]:
        return _found(text, cued_only=True, score=0.8)


__all__ = ["CUES", "CuedSpellingRecognizer", "SpelledNameRecognizer"]
