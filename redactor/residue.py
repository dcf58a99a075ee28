"""What of a personal value can still be read from a text: the judge of redacted output.

Used where the engine must prove a redaction held (the audio check re-transcribes redacted
audio and looks for what is still audible) and where it is measured (bench/bench_spoken.py,
the fixture tests). It is deliberately independent of the detector: a detector rule that
misses a spoken form must not also blind the judge.

Digits are read the way a listener would: numerals and digit words ("six four six"), "oh",
"nought", "double five", pairs and years ("fifty five", "nineteen eighty five"), "four hundred
twelve", ordinals ("March fourth"), and the homophones Whisper writes for digits ("to", "for",
"free", "won", "ate") where they stand next to another digit. Punctuation never separates
digits: "646, 555, 28 19" is one run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DigitRun", "digit_runs", "digit_stream", "recoverable", "squashed"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
_ZEROS = {"oh", "o", "nought", "naught", "nil"}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 2, "thirty": 3, "forty": 4, "fifty": 5, "sixty": 6, "seventy": 7, "eighty": 8,
    "ninety": 9,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
# Whisper's homophones of digits; digits only next to another digit ("free to five").
_HOMOPHONES = {"to": 2, "too": 2, "for": 4, "fore": 4, "free": 3, "tree": 3, "won": 1, "ate": 8}
_REPEAT = {"double": 2, "triple": 3}
_TOKEN = re.compile(r"\d+|[A-Za-z]+(?:'[A-Za-z]+)?")
_PLACEHOLDER = re.compile(r"\[[A-Z_]+(?:_\d+)?\]|<[A-Z_]+>")


@dataclass(frozen=True, slots=True)
class DigitRun:
    """Consecutive digit tokens; ``first``/``last`` index the words they came from."""

    digits: str
    first: int
    last: int

    def __repr__(self) -> str:
        return f"DigitRun(<{len(self.digits)} digits>, words {self.first}-{self.last})"


def _tokens(words: Sequence[str]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for i, w in enumerate(words):
        out.extend((m.group(0).lower(), i) for m in _TOKEN.finditer(_PLACEHOLDER.sub(" ", w)))
    return out


def _strict(tok: str) -> bool:
    return tok.isdigit() or tok in _UNITS or tok in _TEENS or tok in _TENS or tok in _ORDINALS


def _read(toks: list[str]) -> list[tuple[int, int, str]]:
    """``(first token, last token, digits)`` for every number said in ``toks``."""
    out: list[tuple[int, int, str]] = []
    i, n = 0, len(toks)

    # a homophone is a digit next to a digit, or next to a homophone that is one ("free to 5")
    digitish = [_strict(t) for t in toks]
    changed = True
    while changed:
        changed = False
        for j, t in enumerate(toks):
            homophone = not digitish[j] and (t in _ZEROS or t in _HOMOPHONES)
            if homophone and ((j > 0 and digitish[j - 1]) or (j + 1 < n and digitish[j + 1])):
                digitish[j] = changed = True

    def near_digit(j: int) -> bool:
        return digitish[j]

    while i < n:
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < n else ""
        if t.isdigit():
            if len(t) == 2 and t[1] == "0" and t[0] != "0" and i + 1 < n:  # "40 to" is 42
                unit = _UNITS.get(nxt) or (_HOMOPHONES.get(nxt) if digitish[i + 1] else None)
                if unit:
                    out.append((i, i + 1, f"{t[0]}{unit}"))
                    i += 2
                    continue
            out.append((i, i, t))
        elif t in _UNITS:
            out.append((i, i, str(_UNITS[t])))
        elif t in _TEENS or (t in _ORDINALS and _ORDINALS[t] >= 10):
            out.append((i, i, str(_TEENS.get(t) or _ORDINALS[t])))
        elif t in _ORDINALS:
            out.append((i, i, str(_ORDINALS[t])))
        elif t in _TENS:
            if _UNITS.get(nxt) or (nxt in _ORDINALS and _ORDINALS[nxt] < 10):
                unit = _UNITS.get(nxt) or _ORDINALS[nxt]
                out.append((i, i + 1, f"{_TENS[t]}{unit}"))
                i += 2
                continue
            out.append((i, i, f"{_TENS[t]}0"))
        elif t in _REPEAT and nxt and (_strict(nxt) or nxt in _ZEROS):
            digit = "0" if nxt in _ZEROS else (nxt if nxt.isdigit() else str(_UNITS.get(nxt, "")))
            if len(digit) == 1:
                out.append((i, i + 1, digit * _REPEAT[t]))
                i += 2
                continue
        elif t == "hundred" and out and out[-1][1] == i - 1:
            rest = _read(toks[i + 1 : i + 3])
            if rest and rest[0][0] == 0 and len(rest[0][2]) <= 2:
                out.append((i, i + 1 + rest[0][1], rest[0][2].rjust(2, "0")))
                i += 2 + rest[0][1]
                continue
            out.append((i, i, "00"))
        elif (t in _ZEROS or t in _HOMOPHONES) and near_digit(i):
            out.append((i, i, "0" if t in _ZEROS else str(_HOMOPHONES[t])))
        i += 1
    return out


def digit_runs(words: Sequence[str]) -> list[DigitRun]:
    """Runs of digits in ``words`` (e.g. a segment's word list); a non-digit word ends a run,
    punctuation does not. Placeholders such as ``[PHONE_NUMBER_1]`` are not digits."""
    toks = _tokens(words)
    runs: list[DigitRun] = []
    prev_tok = -2
    for a, b, digits in _read([t for t, _ in toks]):
        first, last = toks[a][1], toks[b][1]
        if runs and a == prev_tok + 1:
            r = runs[-1]
            runs[-1] = DigitRun(r.digits + digits, r.first, last)
        else:
            runs.append(DigitRun(digits, first, last))
        prev_tok = b
    return runs


def digit_stream(text: str) -> str:
    """Every digit said in ``text``, in order, with nothing between: what a reader who
    ignores words and punctuation can piece together."""
    return "".join(r.digits for r in digit_runs([text]))


def squashed(text: str) -> str:
    """Lower-case letters and digits only, spoken separators ("dot", "underscore") dropped and
    digit words read as digits: how a spoken e-mail address is pieced back together."""
    toks = [t for t, _ in _tokens([text])]
    digits = {a: (b, d) for a, b, d in _read(toks)}
    out, i = [], 0
    while i < len(toks):
        if i in digits:
            b, d = digits[i]
            out.append(d)
            i = b + 1
            continue
        if toks[i] not in {"dot", "underscore", "dash", "hyphen", "period"}:
            out.append(toks[i].replace("'", ""))
        i += 1
    return "".join(out)


def _words(text: str) -> set[str]:
    return {m.group(0).lower() for m in re.finditer(r"[A-Za-z]+", _PLACEHOLDER.sub(" ", text))}


def _spelled(text: str) -> list[str]:
    """Runs of three or more single letters ("W H I T E", "w-h-i-t-e"), joined."""
    out, cur = [], []
    for m in re.finditer(r"[A-Za-z]+", _PLACEHOLDER.sub(" | ", text)):
        if len(m.group(0)) == 1:
            cur.append(m.group(0).lower())
            continue
        if len(cur) >= 3:
            out.append("".join(cur))
        cur = []
    if len(cur) >= 3:
        out.append("".join(cur))
    return out


def recoverable(kind: str, value: str, text: str) -> bool:
    """Whether ``value`` (of type ``kind``) can still be read from ``text``.

    Numbers: all but at most three of the value's digits appear together in the text's digit
    stream (a value of four digits or fewer: all of them). People: the
    surname as a word, or spelled with at most one letter hidden. E-mail: the local part,
    pieced together. Street addresses: the street's name (without its suffix) as words.
    Dates of birth (ISO ``YYYY-MM-DD``): the year, or month and day together.
    """
    if kind == "PERSON":
        surname = value.split()[-1].lower()
        if surname in _words(text):
            return True
        return any(
            surname in run or (len(run) >= len(surname) - 1 >= 3 and run in surname)
            for run in _spelled(text)
        )
    if kind == "EMAIL_ADDRESS":
        local = re.sub(r"[^a-z0-9]", "", value.split("@")[0].lower())
        return local in squashed(text)
    if kind == "STREET_ADDRESS":
        parts = value.split()[1:-1] or value.split()[1:]
        return all(p.lower() in _words(text) for p in parts)
    if kind == "DATE_OF_BIRTH":
        y, m, d = value.split("-")
        stream = digit_stream(text)
        if y in stream or f"{m}{d}{y[2:]}" in stream or f"{int(m)}{int(d)}{y[2:]}" in stream:
            return True
        month = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ][int(m) - 1]
        for seg in text.splitlines():
            low = seg.lower()
            if month in _words(low) and str(int(d)) in digit_stream(low.split(month, 1)[1][:24]):
                return True
        return False
    digits = re.sub(r"\D", "", value)
    if not digits:
        return False
    # at most three digits hidden is no protection: a thousand guesses
    need = max(min(4, len(digits)), len(digits) - 3)
    stream = digit_stream(text)
    return any(digits[i : i + need] in stream for i in range(len(digits) - need + 1))
