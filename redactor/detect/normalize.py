"""Spoken forms to written forms, with an offset map back to the original text.

ASR text says "four one five, double five" and "john dot smith at example dot com"; pattern
recognizers are written for "415, 55" and "john.smith@example.com". ``normalize`` rewrites the
spoken forms and keeps, for every character of the rewritten text, the span of original
characters it came from, so a span found in the normalised view maps back to the original
characters (and through them to word timestamps).

What is rewritten (everything else is copied through unchanged, one character to one):

- number words and digit words: "six four six" -> "646", "oh" inside a digit run -> "0",
  "double five" -> "55", "twenty twenty five" -> "2025", "four hundred twelve" -> "412";
- spoken e-mail addresses: "at", "dot", "underscore", "dash" between the parts;
- letter-by-letter spelling: "J-O-H-N", "j o h n", "S as in Sam" -> the letters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Normalized", "normalize"]

UNITS = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
REPEAT = {"double": 2, "triple": 3}
NUMBER_WORDS = set(UNITS) | set(TEENS) | set(TENS) | {"hundred", "thousand"} | set(REPEAT)
# "oh"/"o" are digits only between other number words ("four oh five"), never alone.
WEAK = {"oh", "o"}

_TOKEN = re.compile(r"[A-Za-z]+|\d+")
TLDS = r"com|org|net|edu|gov|io|co|us|uk|de|fr|info|biz|me|ca|au"
_SPOKEN_EMAIL = re.compile(
    rf"(?i)\b([a-z0-9]+(?:(?:\s+(?:dot|underscore|dash|hyphen)\s+|[._-])[a-z0-9]+)*)"
    rf"(?:\s+at\s+|\s*@\s*)"
    rf"([a-z0-9]+(?:(?:\s+dot\s+|\.)[a-z0-9]+)*?)(?:\s+dot\s+|\.)({TLDS})\b"
)
_SPOKEN_SEP = re.compile(r"(?i)\s+(dot|underscore|dash|hyphen)\s+|\s*@\s*|\s+at\s+")
_SEP_CHAR = {"dot": ".", "underscore": "_", "dash": "-", "hyphen": "-"}
# Three or more single letters: "J-O-H-N", "j o h n", "J. O. H. N."
_SPELLED = re.compile(r"(?<![\w'])([A-Za-z])(?:(?:\.?[ \-]|\.)([A-Za-z])(?![\w'])){2,}\.?")
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


def _number_runs(text: str) -> Iterable[tuple[int, int, str]]:
    """Yield ``(start, end, digits)`` for each run of number words in ``text``."""
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        if tokens[i][2] not in NUMBER_WORDS:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens):
            gap = text[tokens[j][1] : tokens[j + 1][0]]
            nxt = tokens[j + 1][2]
            if gap.strip(" -") or nxt not in NUMBER_WORDS:
                if nxt == "and" and j + 2 < len(tokens) and tokens[j][2] == "hundred":
                    j += 1  # "one hundred and two"
                    continue
                break
            j += 1
        run = tokens[i : j + 1]
        words = [t[2] for t in run]
        if not (len(words) == 1 and words[0] in WEAK | set(REPEAT)):
            digits = _to_digits(words)
            if digits is not None:
                yield run[0][0], run[-1][1], digits
        i = j + 1


def _to_digits(words: list[str]) -> str | None:
    """Digits for a run of number words; ``None`` where it is not a number."""
    while words and words[0] in WEAK:
        words = words[1:]  # a leading "oh" is an interjection, not a zero
    while words and words[-1] == "and":
        words = words[:-1]
    if not words:
        return None
    if "hundred" in words or "thousand" in words:
        from text_to_num import text2num

        try:
            return str(text2num(" ".join(words), "en"))
        except ValueError:
            return None  # "one hundred thousand two hundred and seventeenth": leave as words
    out: list[str] = []
    k = 0
    while k < len(words):
        w = words[k]
        if w in REPEAT and k + 1 < len(words) and words[k + 1] in UNITS:
            out.append(str(UNITS[words[k + 1]]) * REPEAT[w])
            k += 2
            continue
        if w in TENS:
            if k + 1 < len(words) and words[k + 1] in UNITS and words[k + 1] not in WEAK:
                out.append(str(TENS[w] + UNITS[words[k + 1]]))
                k += 2
            else:
                out.append(str(TENS[w]))
                k += 1
            continue
        if w in TEENS:
            out.append(str(TEENS[w]))
        elif w in UNITS:
            out.append(str(UNITS[w]))
        elif w == "hundred":
            out.append("00" if out else "100")
        elif w == "thousand":
            out.append("000" if out else "1000")
        elif w == "and":
            pass
        else:
            return None
        k += 1
    return "".join(out)


def _email_runs(text: str) -> Iterable[tuple[int, int, str]]:
    for m in _SPOKEN_EMAIL.finditer(text):
        raw = m.group()
        if not re.search(r"(?i)\s(at|dot)\s", raw):
            continue  # already written; nothing to rewrite
        written = _SPOKEN_SEP.sub(
            lambda s: _SEP_CHAR.get(
                (s.group(1) or "").lower(),
                "@" if "@" in s.group() or s.group().strip().lower() == "at" else s.group(),
            ),
            raw,
        )
        yield m.start(), m.end(), re.sub(r"\s+", "", written).lower()


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
    for source in (_email_runs(text), _spelled_runs(text), _number_runs(text)):
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
