"""Span arithmetic, one rule each, for detection and redaction alike: widen, merge, split.

Detection (``redactor.detect``) finds ``TextSpan``s in a text; redaction (``redactor.redact``)
applies ``Span``s, the same thing anchored to a segment. Both go through these functions, so
``redact-text`` output and a stored redaction cover the same characters:

- ``widen``: to the whole word (a half-covered word still leaks: "jane.doe", "555-0187",
  "O'Brien"), keeping sentence punctuation the detector did not cover readable
  ("is 555-1234." redacts "555-1234") and a possessive "'s" ("Meza's" -> "[PERSON]'s").
- ``merge``: overlapping spans become one, and so do same-label spans with only a short run of
  spaces, commas or hyphens between them ("646, 555, 2819"); the label and recognizer of the
  higher-scoring (then longer) part win.
- ``split``: spans of a document made of texts joined by newlines, cut back into each text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from redactor.types import Span, TextSpan

__all__ = ["in_segment", "merge", "split", "widen"]

S = TypeVar("S", Span, TextSpan)
_WORD_CHAR = re.compile(r"\w")
# What holds a word together besides letters and digits ("jane.doe", "555-0187", "O'Brien",
# "03/14/85"). Brackets, quotes, "@", ":", "=", "|" end it, so "(Jonas Nielsen)" keeps its
# brackets and "user@2001:db8::1" its "user" (an e-mail is the e-mail recognizer's whole span).
JOINERS = frozenset(".-_+'’/")
_POSSESSIVE = re.compile(r"['’]s\b")
MAX_GAP = 3


def _joins(ch: str) -> bool:
    return ch.isalnum() or ch in JOINERS


def widen(text: str, spans: Iterable[S]) -> list[S]:
    """Each span grown to the edges of the tokens it touches."""
    out = []
    for sp in spans:
        a, b = sp.start, sp.end
        while a > 0 and _joins(text[a - 1]):
            a -= 1
        while b < len(text) and _joins(text[b]):
            if _POSSESSIVE.match(text, b) and b > a and text[b - 1].isalpha():
                break  # "Meza's": the name, not its "'s"
            b += 1
        while b > a and text[b - 1] in ".,;:!?" and b - 1 >= sp.end:
            b -= 1
        while b > a and text[b - 1].isspace():
            b -= 1
        while a < b and text[a].isspace():
            a += 1
        out.append(replace(sp, start=a, end=b))
    return out


def merge(spans: Sequence[S], text: str) -> list[S]:
    """Overlapping spans, and same-label spans with a short gap of ``" ,-"``, become one."""
    merged: list[S] = []
    for sp in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged:
            last = merged[-1]
            gap = text[last.end : sp.start] if sp.start > last.end else ""
            if sp.start < last.end or (
                last.label == sp.label and gap.strip(" ,-") == "" and len(gap) <= MAX_GAP
            ):
                keep = (
                    last
                    if (last.score, last.end - last.start) >= (sp.score, sp.end - sp.start)
                    else sp
                )
                merged[-1] = replace(
                    last, end=max(last.end, sp.end), label=keep.label,
                    score=max(last.score, sp.score), recognizer=keep.recognizer,
                )  # fmt: skip
                continue
        merged.append(sp)
    return merged


def split(
    spans: Sequence[TextSpan], lengths: Sequence[int], doc: str
) -> list[tuple[int, TextSpan]]:
    """Cut spans of ``doc`` (texts of ``lengths`` joined by newlines) at the joins: for each
    piece with a letter or digit, the text's index and the span in that text."""
    starts = []
    pos = 0
    for n in lengths:
        starts.append(pos)
        pos += n + 1
    out: list[tuple[int, TextSpan]] = []
    for sp in spans:
        for i, (a, n) in enumerate(zip(starts, lengths, strict=True)):
            lo, hi = max(sp.start, a), min(sp.end, a + n)
            if lo < hi and _WORD_CHAR.search(doc, lo, hi):
                out.append((i, replace(sp, start=lo - a, end=hi - a)))
    return out


def in_segment(index: int, sp: TextSpan) -> Span:
    """The span anchored to segment ``index``."""
    return Span(index, sp.start, sp.end, sp.label, sp.score, sp.recognizer)
