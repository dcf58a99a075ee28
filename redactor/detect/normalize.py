"""Spoken forms to written forms, with an offset map back to the original text.

ASR text says "four one five, double five" and "john dot smith at example dot com"; pattern
recognizers are written for "415, 55" and "john.smith@example.com". ``normalize`` rewrites the
spoken forms and keeps, for every character of the rewritten text, the span of original
characters it came from, so a span found in the normalised view maps back to the original
characters (and through them to word timestamps).

What is rewritten (everything else is copied through unchanged, one character to one):

- spoken numbers, however punctuated (``redactor.detect.digits``): "six four six" -> "646",
  "one, eight, oh, nine" -> "1809", "double five" -> "55", "twenty twenty five" -> "2025",
  "four hundred twelve" -> "412", "plus nine one ..." -> "+91...";
- spoken e-mail addresses (``redactor.detect.spoken_email``): "at", "at the rate", "dot",
  "period", "underscore", "dash" between the parts, spelled labels, digit words;
- letter-by-letter spelling: "J-O-H-N", "j o h n", "S as in Sam" -> the letters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from redactor.detect.digits import number_runs
from redactor.detect.spoken_email import email_runs

__all__ = ["Normalized", "normalize"]

_AREA_CODE = re.compile(r"(?i)area\s+code[ \t]*")
# Three or more single letters: "J-O-H-N", "j o h n", "J. O. H. N."
_SPELLED = re.compile(
    r"(?<![\w'])([A-Za-z])(?:(?:\.?[ \-]|\.|,[ \t]?| -(?=[A-Z]))([A-Za-z])(?![\w'])){2,}\.?"
)
_AS_IN = re.compile(r"(?i)(?<![\w'])([a-z])\s+(?:as|like)\s+in\s+[a-z]+")


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised text and, per rewritten piece, where it came from in the original.

    ``pieces`` holds ``(norm_start, orig_start, orig_end)`` for each rewritten piece, sorted;
    characters between pieces map one to one (with the running offset of the last piece).
    """

    original: str
    text: str
    pieces: tuple[tuple[int, int, int, int], ...]  # norm_start, norm_end, orig_start, orig_end

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span ``[start, end)`` to the original characters it covers."""
        if not self.pieces:
            return start, end
        starts = [p[0] for p in self.pieces]
        a = start
        i = bisect_right(starts, start) - 1
        if i >= 0:
            _, ne, os_, oe = self.pieces[i]
            a = os_ if start < ne else oe + (start - ne)
        b = end
        j = bisect_right(starts, end - 1) - 1
        if j >= 0:
            _, ne, _, oe = self.pieces[j]
            b = oe if end <= ne else oe + (end - ne)
        return a, b


_PUNCT_GAP = re.compile(r"[ \t]*[,.–—]+[ \t]*(?:\n[ \t]*)?|[ \t]*\n[ \t]*")
SHORT = 4  # a shorter run keeps its punctuation ("that's one, one way"; "two, three kids")


def _number_runs(text: str) -> Iterable[tuple[int, int, str]]:
    """Each spoken piece of a number as its digits ("one, eight, oh, nine" -> "1809");
    "plus" becomes "+", "area code" stays words (a cue for the phone pattern), a time
    "10:30"."""
    for run in number_runs(text):
        for k, ((a, b), digits) in enumerate(zip(run.pieces, run.groups, strict=True)):
            if not run.spoken[k]:
                continue
            if len(run.digits) < SHORT and _PUNCT_GAP.search(text, a, b):
                yield from _short_pieces(text, a, b)
                continue
            if run.clock[k]:  # "ten thirty, eleven fifteen": two times, not one phone number
                digits = f"{digits[:-2]}:{digits[-2:]}"
            elif a == run.start and run.prefix == "plus":
                digits = "+" + digits
            elif a == run.start and run.prefix:
                a += _AREA_CODE.match(text, a).end() - a  # type: ignore[union-attr]
            yield a, b, digits


def _short_pieces(text: str, a: int, b: int) -> Iterable[tuple[int, int, str]]:
    """The stretches of a short run between its punctuation, each written on its own."""
    pos = a
    for m in [*_PUNCT_GAP.finditer(text, a, b), None]:
        stop = b if m is None else m.start()
        chunk = text[pos:stop]
        for run in number_runs(chunk):
            if run.spoken[0] and len(run.pieces) == 1:
                yield pos + run.start, pos + run.end, run.digits
        if m is not None:
            pos = m.end()


def _spelled_runs(text: str) -> Iterable[tuple[int, int, str]]:
    for m in _AS_IN.finditer(text):
        yield m.start(), m.end(), m.group(1).lower()
    for m in _SPELLED.finditer(text):
        letters = re.findall(r"[A-Za-z]", m.group())
        yield m.start(), m.end(), "".join(letters).lower()


def normalize(text: str) -> Normalized:
    """Rewrite spoken numbers, e-mails and spellings; keep the map back to ``text``."""
    edits: list[tuple[int, int, str]] = []
    taken = bytearray(len(text))

    # E-mails first: their parts may be number words or spelled letters.
    for source in (email_runs(text), _spelled_runs(text), _number_runs(text)):
        for a, b, new in source:
            if not any(taken[a:b]) and new != text[a:b]:
                edits.append((a, b, new))
                taken[a:b] = b"\x01" * (b - a)
    if not edits:
        return Normalized(text, text, ())
    edits.sort()
    parts: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    pos = 0
    npos = 0
    for a, b, new in edits:
        parts.append(text[pos:a])
        npos += a - pos
        pieces.append((npos, npos + len(new), a, b))
        parts.append(new)
        npos += len(new)
        pos = b
    parts.append(text[pos:])
    return Normalized(text, "".join(parts), tuple(pieces))
