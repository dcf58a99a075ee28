"""Decisions per recording: one value, one decision; unsure words widen a redaction.

Each occurrence of a value used to be judged on its own, so a name redacted in one copy of a
rolling caption stayed plain in the next copy, and a number redacted after its cue stayed
readable where the caller repeated it. Here, once a value is detected anywhere in a recording,
every other occurrence of it is a span too, with the same label (so the same placeholder):

- the same text, whole words, case-insensitive ("Jane Doe" / "jane doe"); a value that is a
  common English word ("Mark") only in the same case, so "mark my words" stays readable;
- each part of a detected name that is no common word ("Jane" after "Jane Doe");
- the same digits however said or written ("555 0187" / "five five five oh one eight seven").

Word probabilities (faster-whisper's ``word.probability``): a low-confidence word next to a
span is covered too, up to ``MAX_UNSURE`` words each side. Whisper is least sure exactly where
it mishears a digit or a name ("fife", "go"), and widening can only hide more, never less.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from redactor.detect.casing import lexicon
from redactor.detect.digits import number_runs
from redactor.types import Segment, Span, TextSpan

__all__ = ["LOW_CONFIDENCE", "MAX_UNSURE", "same_value_spans", "widen_unsure"]

NAME = "SameValue.v1"
LOW_CONFIDENCE = 0.5
MAX_UNSURE = 2
MIN_DIGITS = 3
_TRAILING = " \t.,;:!?"
_NAME_PART = re.compile(r"[^\W\d_]{3,}(?:['’][^\W\d_]+)?")


def _key(value: str) -> str:
    return " ".join(value.casefold().split())


def same_value_spans(text: str, spans: Sequence[TextSpan]) -> list[TextSpan]:
    """Spans for every other occurrence, in ``text``, of each value ``spans`` cover."""
    lex = lexicon()
    exact: dict[str, TextSpan] = {}  # values matched in their own case only
    folded: dict[str, TextSpan] = {}  # values matched whatever the case
    numbers: dict[str, TextSpan] = {}
    for sp in sorted(spans, key=lambda s: s.score):  # the best-scoring span of a value wins
        value = text[sp.start : sp.end].strip(" \t\n.,;:!?")
        if len(value) >= 3 and re.search(r"[^\W\d_]", value):
            common = " " not in value and lex.is_common(value.lower())
            (exact if common else folded)[value if common else _key(value)] = sp
        if sp.label == "PERSON":
            for m in _NAME_PART.finditer(value):
                part = m.group().lower()
                if part not in STOP_WORDS and not lex.is_common(part):
                    folded.setdefault(part, sp)
        for run in number_runs(text[sp.start : sp.end]):
            if len(run.digits) >= MIN_DIGITS:
                numbers[run.digits] = sp
    out: list[TextSpan] = []
    for table, flags in ((folded, re.IGNORECASE), (exact, 0)):
        if not table:
            continue
        alts = sorted(table, key=len, reverse=True)
        pattern = "|".join(r"\s+".join(map(re.escape, v.split())) for v in alts)
        for m in re.finditer(rf"(?<![\w@.])(?:{pattern})(?![\w@])", text, flags):
            src = table[_key(m.group()) if flags else m.group()]
            out.append(TextSpan(m.start(), m.end(), src.label, src.score, NAME))
    for run in number_runs(text) if numbers else ():
        if (num := numbers.get(run.digits)) is not None:
            out.extend(TextSpan(a, b, num.label, num.score, NAME) for a, b in run.pieces)
    return out


def widen_unsure(segment: Segment, spans: Sequence[Span]) -> list[Span]:
    """Each span of ``segment`` grown over low-confidence words right next to it."""
    words = segment.words
    out = []
    for sp in spans:
        inside = [i for i, w in enumerate(words) if w.char_start < sp.end and w.char_end > sp.start]
        a, b = sp.start, sp.end
        if inside:
            lo, hi = inside[0], inside[-1]
            for _ in range(MAX_UNSURE):
                if lo > 0 and words[lo - 1].probability < LOW_CONFIDENCE:
                    lo -= 1
            for _ in range(MAX_UNSURE):
                if hi + 1 < len(words) and words[hi + 1].probability < LOW_CONFIDENCE:
                    hi += 1
            if lo < inside[0]:
                a = min(a, words[lo].char_start)
            if hi > inside[-1]:  # the unsure word, not the punctuation after it
                w = words[hi]
                b = max(
                    b, w.char_start + len(segment.text[w.char_start : w.char_end].rstrip(_TRAILING))
                )
        out.append(Span(sp.segment, a, b, sp.label, sp.score, sp.recognizer))
    return out
