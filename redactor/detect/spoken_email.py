"""Spoken e-mail addresses, found and written out: "priya dot sharma at the rate gmail dot co
dot in" -> "priya.sharma@gmail.co.in".

An address is anchored on its "at" and its domain: "at" (also "at the rate", "at the rate of",
Indian English for "@", or a written "@"), then domain labels joined by "dot", "period",
"point" or ".", ending in a known top-level domain ("dot co dot in" ends in two). A label may
be spelled letter by letter ("g m a i l", "y-a-h-o-o"). The local part is read backwards from
the "at": one word or number, joined to earlier ones by "dot", "underscore", "dash" or the
written characters; digit words after it ("ishwar nine five" -> "ishwar95", "double five" ->
"55"); spelled letters before it ("a y u s misra" -> "ayusmisra"). Right after an e-mail cue
("my email is", "mail id", "write to") one more word belongs to it ("julie ryan at ...",
ASR's spaces inside "julieryan").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["TLDS", "email_runs"]

TLDS = "com|org|net|edu|gov|io|co|us|uk|de|fr|info|biz|me|ca|au|in|ai|app|dev|nz|sg|ae|ie|za|eu"
_DIGIT = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
          "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}  # fmt: skip
_NUMW = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d+)"
_SPELL_SEP = r"(?:[ \t]*[,.\-][ \t]*|[ \t]+)"
_LETTERS = rf"[a-z](?:{_SPELL_SEP}[a-z](?![a-z0-9]))+"
_WORD = r"[a-z0-9]+"
_JOIN = r"(?:[ \t]+(?:dot|period|point|underscore|dash|hyphen)[ \t]+|[._\-])"
_AT = re.compile(r"(?i)[ \t]*@[ \t]*|[ \t]+at(?:[ \t]+the[ \t]+rate(?:[ \t]+of)?)?[ \t]+")
_DOT = r"(?:[ \t]+(?:dot|period|point)[ \t]+|\.)"
_LABEL = rf"(?:{_LETTERS}|[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)"
_DOMAIN = re.compile(
    rf"(?i){_LABEL}(?:{_DOT}{_LABEL})*?{_DOT}(?:{TLDS})(?:{_DOT}(?:{TLDS}))?(?![\w\-])"
)
_LOCAL = re.compile(
    rf"(?i)(?<![\w.\-])(?:{_LETTERS}[ \t]+)?{_WORD}(?:{_JOIN}{_WORD})*"
    rf"(?:[ \t]+(?:(?:double|triple)[ \t]+)?{_NUMW})*$"
)
_CUED_WORD = re.compile(
    r"(?i)(?:e-?mail(?:[ \t]+(?:id|address))?|mail[ \t]+id|write[ \t]+to|send[ \t]+it[ \t]+to)"
    r"(?:[ \t]+is)?[ \t]+(?!(?:is|id|address|was|be|to|it|me|us|at)[ \t])([a-z]+)[ \t]+$"
)
_TOKEN = re.compile(
    r"(?i)(?P<join>[ \t]+(?:dot|period|point|underscore|dash|hyphen)[ \t]+)|"
    r"(?P<rep>(?:double|triple)[ \t]+(?P<rd>[a-z]+|\d))|(?P<w>[a-z0-9]+)|(?P<c>[@._\-])|"
    r"(?P<at>[ \t]+at(?:[ \t]+the[ \t]+rate(?:[ \t]+of)?)?[ \t]+)"
)
_JOIN_CHAR = {
    "dot": ".",
    "period": ".",
    "point": ".",
    "underscore": "_",
    "dash": "-",
    "hyphen": "-",
}
LOOKBACK = 160


def email_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, written)`` for every spoken or half-spoken e-mail address in ``text``.
    Addresses already written in full ("a@b.com") are not yielded: there is nothing to
    rewrite."""
    pos = 0
    for at in _AT.finditer(text):
        if at.start() < pos:
            continue
        dom = _DOMAIN.match(text, at.end())
        if dom is None:
            continue
        lo = max(pos, at.start() - LOOKBACK)
        local = _LOCAL.search(text, lo, at.start())
        if local is None:
            continue
        start = local.start()
        cued = _CUED_WORD.search(text, lo, start)
        if cued is not None and cued.end() == start:
            start = cued.start(1)
        end = dom.end()
        if "@" in text[start:end] and " " not in text[start:end]:
            continue  # written already
        pos = end
        yield start, end, _write(text[start:end])


_SPELLED = re.compile(rf"(?i)(?<![a-z0-9]){_LETTERS}")


def _write(spoken: str) -> str:
    out: list[str] = []
    spoken = _SPELLED.sub(lambda m: re.sub(r"[^A-Za-z]", "", m.group()), spoken)
    for m in _TOKEN.finditer(spoken):
        if m.group("join"):
            out.append(_JOIN_CHAR[m.group("join").strip().lower()])
        elif m.group("rep"):
            d = m.group("rd").lower()
            times = 2 if m.group("rep").lower().startswith("double") else 3
            out.append(_DIGIT.get(d, d) * times)
        elif m.group("at"):
            out.append("@")
        elif m.group("c"):
            out.append(m.group("c"))
        else:
            w = m.group("w").lower()
            out.append(_DIGIT.get(w, w) if out else w)
    return "".join(out)
