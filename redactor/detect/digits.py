"""Numbers however ASR writes them: one run of digits across commas, periods and line breaks.

Whisper writes a spoken SSN as "one, eight, oh, nine, six, ..." or "One. Eight. Oh."; a number
said over two segments arrives on two lines; a digit it misheard arrives as a homophone ("to",
"for", "free"). ``number_runs`` finds each run of numerals and number words in a text as one
number: its pieces (character spans) and its digits. The detector fails closed on them (7+
digits always, 4+ after a cue) and the normaliser writes their digits out for the pattern
recognizers.

What joins into one run:

- numerals and number words separated by spaces or hyphens; digits said one by one also across
  commas, periods and one line break ("one, eight, oh, nine", "646, 555, 281, 9");
- "oh"/"o"/"owe" and "naught"/"nil"/"zero" (0), "double"/"triple" X, and compounds read by
  text2num ("fifty five", "nineteen eighty five", "four hundred and twelve");
- homophones of digits ("to"/"too" 2, "for"/"fore" 4, "free" 3, "won" 1, "ate" 8), only in a
  run that says three or more digits one by one, and not at its end before a word ("one, seven,
  four, to verify"): "for two people", "one to two hours" stay words;
- "plus" and "area code" right before a run (they belong to the number);
- two runs around up to four fillers or a backchannel ("uh", "okay", "got it, go on", a turn of
  "mm-hmm" or "M -M -H -M") or one short word
  ("five five five go two four one"), when each side says three or more digits and both seven
  or more: a hesitation or a misheard digit does not split a number.

Not joined: compounds across punctuation ("ten thirty, eleven fifteen" are two times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

__all__ = ["NumberRun", "number_runs"]

UNITS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
         "six": "6", "seven": "7", "eight": "8", "nine": "9", "naught": "0", "nought": "0",
         "nil": "0"}  # fmt: skip
WEAK = {"oh": "0", "o": "0", "owe": "0"}  # a zero only next to other digits
HOMOPHONES = {"to": "2", "too": "2", "for": "4", "fore": "4", "free": "3", "tree": "3",
              "won": "1", "ate": "8"}  # fmt: skip
TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")  # fmt: skip
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
COMPOUND = frozenset({*TEENS, *TENS, "hundred", "thousand"})
_TENS = frozenset(TENS)
REPEAT = {"double": 2, "triple": 3}
FILLERS = frozenset(
    {"uh", "um", "er", "erm", "ah", "hmm", "mm", "mhm", "huh", "hm", "okay", "ok", "yeah",
     "yes", "yep", "right", "sure", "alright", "and", "got", "it", "go", "on", "ahead", "uhhuh",
     "uhuh", "mmhmm", "mhmm"}
)  # fmt: skip
_HUM = re.compile(r"u*h*m*h*m*|m+|h+")  # "mm", "hmm", "uhhuh", "mhm", "m", "h"
MAX_FILLERS = 4  # "got it, go on"
MIN_BY_DIGIT = 3  # digits said one by one before homophones count
DENSE = 6  # ... or number words and numerals in the run, a homophone not opening it
BRIDGE_SIDE = 3
LONG = 7

_WORDS = "|".join(sorted([*UNITS, *WEAK, *HOMOPHONES, *COMPOUND, *REPEAT, "and"], key=len)[::-1])
_CANDIDATE = re.compile(rf"(?i)(?<![\w'’])(?:\d+|(?:{_WORDS}))(?![\w'’])")
_PLAIN = re.compile(r"[ \t]*-?[ \t]*")
_COMMA = re.compile(r"[ \t]*,[ \t]*")
_PUNCT = re.compile(r"[ \t]*(?:[,.\-–—]{1,3}[ \t]*)?(?:\n[ \t]*)?(?:[,.\-–—]{1,3}[ \t]*)?")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PREFIX = re.compile(r"(?i)(?:\b(plus)|\b(area\s+code))[ \t]*$")


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    low: str
    kind: str  # num | unit | weak | homo | compound | rep | and

    @property
    def digit_style(self) -> bool:
        return self.kind in {"num", "unit", "weak", "homo", "rep"}


@dataclass(frozen=True, slots=True)
class NumberRun:
    """One number: its pieces in the text (a backchannel turn between them is not part of
    it), the digits of each piece, and how it was said."""

    pieces: tuple[tuple[int, int], ...]
    groups: tuple[str, ...]
    spoken: tuple[bool, ...]  # per piece: written with any word (the normaliser rewrites it)
    by_digit: int  # digits said one by one (not inside a compound such as "fifty five")
    prefix: str = ""  # "plus" or "area code" opening the first piece
    clock: tuple[bool, ...] = ()  # per piece: said as a time ("ten thirty", "five oh five")

    @property
    def digits(self) -> str:
        return "".join(self.groups)

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]

    def __repr__(self) -> str:
        return f"NumberRun({len(self.pieces)} pieces, {len(self.digits)} digits)"


def _kind(low: str) -> str:
    if low[0].isdigit():
        return "num"
    if low in UNITS:
        return "unit"
    if low in WEAK:
        return "weak"
    if low in HOMOPHONES:
        return "homo"
    if low in REPEAT:
        return "rep"
    if low == "and":
        return "and"
    return "compound"


def _link(text: str, a: _Tok, b: _Tok, by_digit: int) -> str | None:
    """How two neighbouring candidates connect: joined, a bridge, or not at all (None).

    ``by_digit``: digits said one by one so far in ``a``'s chain. Across punctuation only
    digits said one by one join ("one, eight, oh"), or a compound after them ("oh three, one
    four, eighty five"); two compounds stay apart ("ten thirty, eleven fifteen")."""
    gap = text[a.end : b.start]
    if _PLAIN.fullmatch(gap):
        return "join"
    if _PUNCT.fullmatch(gap):
        if a.kind == "rep":  # "double, five" (a comma ASR put between them); not across a stop
            return "join" if b.kind in {"unit", "weak"} and _COMMA.fullmatch(gap) else None
        both = a.digit_style and b.digit_style
        return "join" if both or (a.digit_style and by_digit >= 2) else None
    words = _WORD.findall(gap)
    if not words or len(gap) > 40 or re.search(r"\d", gap):
        return None
    if len(words) <= MAX_FILLERS and all(_filler(w) for w in words):
        return "bridge-line" if "\n" in gap else "bridge"
    if len(words) == 1 and len(words[0]) <= 4 and "\n" not in gap:
        return "bridge"
    return None


def _filler(word: str) -> bool:
    """A hesitation or a backchannel, as ASR writes it ("uh-huh", "got it", "M -M -H -M")."""
    low = word.lower()
    return low.replace("-", "") in FILLERS or bool(_HUM.fullmatch(low.replace("-", "")))


def _chains(text: str) -> list[list[tuple[str, _Tok]]]:
    """Candidates grouped into raw chains; each item is (link to the previous, token)."""
    toks = [_Tok(m.start(), m.end(), m.group().lower(), _kind(m.group().lower()))
            for m in _CANDIDATE.finditer(text)]  # fmt: skip
    chains: list[list[tuple[str, _Tok]]] = []
    for i, t in enumerate(toks):
        link = _link(text, toks[i - 1], t, _by_digit(chains[-1])) if i else None
        if link is None:
            chains.append([("start", t)])
        else:
            chains[-1].append((link, t))
    return chains


def _by_digit(items: list[tuple[str, _Tok]]) -> int:
    """Digits said one by one: digit words (not the "five" of "fifty five"), an "oh" after
    them, single-digit numerals."""
    n = 0
    for k, (link, t) in enumerate(items):
        if t.kind == "num":
            n += len(t.low) == 1
        elif t.kind == "unit":
            after_tens = k and link == "join" and items[k - 1][1].low in _TENS
            n += 0 if after_tens else 1
        elif t.kind == "weak" and k:
            n += 1
    return n


def _one_by_one(items: list[tuple[str, _Tok]]) -> int:
    """Digits said or written one by one, homophones and numerals included (not compounds:
    "a hundred fifty, a hundred seventy five" does not bridge)."""
    homo = sum(t.kind == "homo" for _, t in items)
    return (
        _by_digit(items)
        + homo
        + sum(len(t.low) for _, t in items if t.kind == "num" and len(t.low) > 1)
    )


def _drop(items: list[tuple[str, _Tok]], text: str) -> list[list[tuple[str, _Tok]]]:
    """Split a raw chain where a token cannot be a digit in its place."""
    by_digit = _by_digit(items)
    # A long run said in pairs ("forty two forty one seventy won forty four") takes a
    # homophone after its first word as a digit, as a run said digit by digit does.
    dense = sum(t.kind in {"num", "unit", "weak", "compound"} for _, t in items) >= DENSE
    keep: list[bool] = []
    for k, (_, t) in enumerate(items):
        nxt = items[k + 1][1] if k + 1 < len(items) else None
        prev = items[k - 1][1] if k else None
        if t.kind == "homo":
            inside = k > 0  # (a last one before a word is dropped below: "..., four, to verify")
            after_rep = prev is not None and prev.kind == "rep" and items[k][0] == "join"
            ok = by_digit >= MIN_BY_DIGIT or (dense and inside) or after_rep
        elif t.kind == "rep":
            ok = (
                nxt is not None
                and nxt.kind in {"unit", "weak", "homo"}
                and items[k + 1][0] == "join"
            )
        elif t.kind == "and":
            ok = (prev is not None and prev.low in {"hundred", "thousand"} and nxt is not None
                  and nxt.kind in {"unit", "compound"})  # fmt: skip
        else:
            ok = True
        keep.append(ok)
        # A trailing homophone before a word is the word ("four, to verify"); a leading "oh"
    # before a comma is an interjection ("Oh, five five five"), before a digit a zero.
    for k in range(len(items) - 1, -1, -1):
        t = items[k][1]
        if not keep[k]:
            continue
        if t.kind == "homo" and _WORD.match(text, _skip_space(text, t.end)):
            keep[k] = False
            continue
        break
    for k in range(len(items)):
        if not keep[k]:
            continue
        t = items[k][1]
        plain_next = k + 1 < len(items) and _PLAIN.fullmatch(text[t.end : items[k + 1][1].start])
        if t.kind == "weak" and not plain_next:
            keep[k] = False
            continue
        break
    for k, (_, t) in enumerate(items):  # "double" whose digit was dropped ("a double for me")
        if t.kind == "rep" and keep[k] and not (k + 1 < len(items) and keep[k + 1]):
            keep[k] = False
    out: list[list[tuple[str, _Tok]]] = [[]]
    for (link, t), ok in zip(items, keep, strict=True):
        if not ok:
            out.append([])
            continue
        out[-1].append((link if out[-1] else "start", t))
    return [c for c in out if c]


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _one_number(words: tuple[str, ...]) -> bool:
    """Whether several words can be one number: no digit word right after a digit word ("one
    two" is two digits, though text2num reads "zero seven" as 7)."""
    return not any(a in UNITS and b in UNITS for a, b in pairwise(words))


@lru_cache(maxsize=4096)
def _value(words: tuple[str, ...]) -> str | None:
    from text_to_num import text2num

    try:
        return str(text2num(" ".join(words), "en"))
    except ValueError:
        return None


_HOURS = frozenset({*(w for w, d in UNITS.items() if d != "0"), *TEENS[:3]})
_MINUTES = frozenset(TEENS[3:]) | frozenset(TENS[:4])


def _is_clock(toks: list[_Tok]) -> bool:
    """An hour word and minutes: "ten thirty", "eleven fifteen", "five oh five", "two forty
    five"."""
    if len(toks) < 2 or toks[0].low not in _HOURS:
        return False
    rest = [t.low for t in toks[1:]]
    if len(rest) == 1:
        return rest[0] in _MINUTES
    return len(rest) == 2 and rest[1] in UNITS and (rest[0] in TENS[:4] or rest[0] in WEAK)


def _digits(toks: list[_Tok]) -> str:
    """The digits a piece says; compounds through text2num, longest reading first."""
    out: list[str] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "num":
            out.append(t.low)
        elif t.kind == "weak":
            out.append(WEAK[t.low])
        elif t.kind == "homo":
            out.append(HOMOPHONES[t.low])
        elif t.kind == "rep":
            nxt = toks[k + 1]
            digit = UNITS.get(nxt.low) or WEAK.get(nxt.low) or HOMOPHONES[nxt.low]
            out.append(digit * REPEAT[t.low])
            k += 1
        else:  # unit, compound, and: the longest stretch text2num reads as one number
            j = k
            while j < len(toks) and toks[j].kind in {"unit", "compound", "and"}:
                j += 1
            for stop in range(min(j, k + 6), k, -1):
                words = tuple(x.low for x in toks[k:stop])
                if stop - k > 1 and not _one_number(words):
                    continue
                val = UNITS[t.low] if stop == k + 1 and t.kind == "unit" else _value(words)
                if val is not None:
                    out.append(val)
                    k = stop
                    break
            else:
                k += 1  # an unreadable stray word ("and"): no digits
            continue
        k += 1
    return "".join(out)


def _pieces(items: list[tuple[str, _Tok]], text: str) -> list[NumberRun]:
    """Cut at bridges that do not hold (each side 3+ digits one by one, both 7+); make the
    runs."""
    parts: list[tuple[str, list[tuple[str, _Tok]]]] = []  # (link before, items)
    for link, t in items:
        if link in {"start", "bridge", "bridge-line"}:
            parts.append((link, [("start", t)]))
        else:
            parts[-1][1].append((link, t))
    runs: list[list[tuple[str, list[tuple[str, _Tok]], str]]] = []
    for link, part in parts:
        digits = _digits([t for _, t in part])
        if not digits:
            continue
        if runs and link.startswith("bridge"):
            left = _one_by_one(runs[-1][-1][1])
            total = sum(len(d) for _, _, d in runs[-1]) + len(digits)
            if min(left, _one_by_one(part)) >= BRIDGE_SIDE and total >= LONG:
                runs[-1].append((link, part, digits))
                continue
        runs.append([("start", part, digits)])
    out = []
    for run in runs:
        prefix = ""
        pieces: list[tuple[int, int]] = []
        groups: list[str] = []
        spoken: list[bool] = []
        clock: list[bool] = []
        for link, part, digits in run:
            toks = [t for _, t in part]
            a, b = toks[0].start, toks[-1].end
            if link == "bridge" and pieces:  # same line: the word between is covered too
                pieces[-1] = (pieces[-1][0], b)
                groups[-1] += digits
                spoken[-1] = spoken[-1] or any(t.kind != "num" for t in toks)
                clock[-1] = False
                continue
            if not pieces:
                m = _PREFIX.search(text, max(0, a - 16), a)
                if m:
                    a, prefix = m.start(), "plus" if m.group(1) else "area code"
            pieces.append((a, b))
            groups.append(digits)
            spoken.append(any(t.kind != "num" for t in toks))
            clock.append(_is_clock(toks))
        by_digit = sum(_by_digit(part) for _, part, _ in run)
        out.append(NumberRun(tuple(pieces), tuple(groups), tuple(spoken), by_digit, prefix,
                             tuple(clock)))  # fmt: skip
    return out


@lru_cache(maxsize=16)
def number_runs(text: str) -> tuple[NumberRun, ...]:
    """Every number in ``text``, in order (cached: several recognizers ask for the same text)."""
    out: list[NumberRun] = []
    for chain in _chains(text):
        for sub in _drop(chain, text):
            out.extend(_pieces(sub, text))
    return tuple(out)
