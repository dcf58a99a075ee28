"""Which words are proper nouns, from how English text capitalises them; truecasing.

ASR text is often all lowercase (or all caps), so case cannot say what is a name. spaCy's
``spacy-lookups-data`` ships ``en_lexeme_prob``: case-sensitive log probabilities of about a
million tokens from a large English corpus. A word written "Obama" far more often than
"obama" is a proper noun; one written "players" more often than "Players" is a common word;
one never seen lowercase ("Schramm", "Peretti") is a name or a foreign word. This is a
maintained resource, not a hand-typed list, and it covers surnames and foreign names that
Faker's locale lists lack.

``truecase`` rewrites a lowercase (or all-caps) text with those proper nouns capitalised,
keeping every character offset, so the NER model (trained on cased text) sees "tell Raju"
instead of "tell raju" and its entities still point into the original text.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

__all__ = ["INTERJECTIONS", "Lexicon", "NerView", "is_uncased", "lexicon", "ner_view", "truecase"]

# A word counts as proper when its capitalised form is this much (natural log) more likely.
PROPER_MARGIN = 0.5
# Rarer than this (natural log, about 1 in 5 million tokens) a lowercase word is no everyday
# English word, however it is written: "avinash", "sudha" and "dubey" are mostly lowercase in
# that corpus (user names, handles), yet no one says them but as names.
RARE_LOGPROB = -15.5
NEVER_LOWER = 99.0
_WORD = re.compile(r"[^\W\d_]+")
# Sentence openers that English capitalises about as often as names ("Oh", "Yeah").
INTERJECTIONS = frozenset(
    {"oh", "hi", "hey", "hello", "wow", "yeah", "yep", "yes", "no", "nope", "well", "okay",
     "ok", "um", "uh", "ah", "hm", "hmm", "thanks", "dear", "gee", "jeez", "ooh", "bye"}
)  # fmt: skip
_LINE = re.compile(r"[^\n]+")
# A capital that says something: not opening the line or a sentence, and not "I".
_CASED_WORD = re.compile(r"(?<![.!?]\s)(?<!^)(?<![.!?]\s\s)\b(?!I\b)[A-Z]")
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z'’]+(?:[ \t]+[A-Z][A-Z'’]+)+\b")


@dataclass(frozen=True)
class Lexicon:
    """Lowercase word sets: ``common`` (mostly written lowercase) and ``proper`` (mostly
    capitalised, or never seen lowercase). A word in neither was never seen at all."""

    common: frozenset[str]
    proper: dict[str, float]  # word -> how much likelier capitalised (natural log)
    frequent: frozenset[str] = frozenset()  # lowercase words at least ``RARE_LOGPROB`` likely

    def is_common(self, word: str) -> bool:
        return word in self.common or word in STOP_WORDS

    def is_proper(self, word: str, margin: float = PROPER_MARGIN) -> bool:
        """Capitalised at least ``e**margin`` times as often as not (never seen lowercase:
        always); interjections that open sentences ("Oh", "Yep") stay under about 1.6."""
        return self.proper.get(word, -1.0) >= margin

    def is_rare(self, word: str) -> bool:
        """Not an everyday word: rarer than ``RARE_LOGPROB`` lowercase, and no stop word."""
        return word not in self.frequent and word not in STOP_WORDS

    def is_known(self, word: str) -> bool:
        return word in self.common or word in self.proper


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Built once per process from ``en_lexeme_prob``; the two word sets are cached on disk
    (``$XDG_CACHE_HOME/redactor``), since deriving them takes seconds and loading them not."""
    cache = _cache_path()
    if cache is not None and cache.exists():
        try:
            common, proper, frequent = cache.read_text(encoding="utf-8").split("\n\n", 2)
            pairs = (item.rsplit(":", 1) for item in proper.split())
            return Lexicon(
                frozenset(common.split()),
                {w: float(r) for w, r in pairs},
                frozenset(frequent.split()),
            )
        except (OSError, ValueError):
            pass
    lex = _derive()
    if cache is not None and lex.common:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(" ".join(sorted(lex.common)) + "\n\n" + " ".join(f"{w}:{r:.2f}" for w, r in sorted(lex.proper.items()))
                           + "\n\n" + " ".join(sorted(lex.frequent)), encoding="utf-8")  # fmt: skip
            tmp.replace(cache)
        except OSError:  # a read-only home only costs the derivation next time
            pass
    return lex


def _cache_path() -> Path | None:
    try:
        version = metadata.version("spacy-lookups-data")
    except metadata.PackageNotFoundError:
        return None
    from redactor.environment import read_environment

    root = read_environment().cache_dir or Path.home() / ".cache"
    return root / "redactor" / f"lexicon-v3-{version}-{PROPER_MARGIN}-{RARE_LOGPROB}.txt"


def _derive() -> Lexicon:
    try:
        ref = resources.files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
        with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
            probs: dict[str, float] = json.load(f)
    except (ModuleNotFoundError, FileNotFoundError):  # degrade to stop words only
        return Lexicon(frozenset(), {})
    common: set[str] = set()
    proper: dict[str, float] = {}
    frequent: set[str] = set()
    for tok, p in probs.items():
        if not tok.isalpha():
            continue
        if tok.islower():
            if p >= RARE_LOGPROB:
                frequent.add(tok)
            t = probs.get(tok.capitalize())
            if t is None or p + PROPER_MARGIN >= t:
                common.add(tok)
            else:
                proper[tok] = t - p
        elif tok[0].isupper() and tok[1:].islower() and tok.lower() not in probs:
            proper[tok.lower()] = NEVER_LOWER
    return Lexicon(frozenset(common), proper, frozenset(frequent))


def is_uncased(text: str) -> bool:
    """Whether case carries no information: no capital after the first letter, or all caps."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return True
    upper = sum(c.isupper() for c in letters[1:])
    return upper == 0 or upper >= 0.9 * (len(letters) - 1)


def truecase(text: str, names: frozenset[str] = frozenset()) -> str:
    """The text with proper nouns (and ``names``) capitalised; same length, same offsets.

    Uncased text is rewritten whole. In cased text, a line with no capital beyond its
    sentence openings and "I" ("My email is john dot smith ...", as ASR writes it) gets its
    proper nouns capitalised, and all-caps runs of two or more words ("DOOGIE HOWSER") are
    rewritten; elsewhere the writer's case is the better guide.
    """
    chars = list(text)
    if is_uncased(text):
        _recase(text, chars, 0, len(text), names, lower_first=True)
        return "".join(chars)
    for line in _LINE.finditer(text):
        if not _CASED_WORD.search(line.group()):
            _recase(text, chars, line.start(), line.end(), names, lower_first=False)
    for m in _CAPS_RUN.finditer(text):
        _recase(text, chars, m.start(), m.end(), names, lower_first=True)
    return "".join(chars)


def _recase(
    text: str, chars: list[str], a: int, b: int, names: frozenset[str], lower_first: bool
) -> None:
    lex = lexicon()
    for m in _WORD.finditer(text, a, b):
        w = m.group().lower()
        if len(w) != len(m.group()):
            continue  # a case change that alters length would shift offsets
        cut = text[m.end() : m.end() + 1] == "-" and not text[m.end() + 1 : m.end() + 2].isalpha()
        cap = w == "i" or (
            len(w) > 1
            and not cut  # a cut-off word ("Bri-"), not a name
            and w not in INTERJECTIONS
            and not lex.is_common(w)
            and (lex.is_proper(w) or w in names or not lex.is_known(w))
        )
        new = w.capitalize() if cap else w
        if lower_first or cap:
            chars[m.start() : m.end()] = new


_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True, slots=True)
class NerView:
    """The lines of a (truecased) text that NER can find anything in, joined by newlines,
    with each kept line's start in the view and in the original."""

    text: str
    starts: tuple[tuple[int, int], ...]  # (view start, original start) per kept line

    def to_original(self, pos: int) -> int:
        best = (0, 0)
        for view_start, orig_start in self.starts:
            if view_start > pos:
                break
            best = (view_start, orig_start)
        return best[1] + pos - best[0]


def ner_view(cased: str) -> NerView:
    """Only lines with a capitalised word that is not "I" or a common word opening the line.

    Why: the statistical NER is most of the detector's time, and in conversational text
    ("Uh-huh .", "Yeah , I know .") most lines hold no capitalised word at all, so there is
    nothing for it to find; truecasing has already capitalised names in lowercase text.
    """
    lex = lexicon()
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    pos = 0
    for line in _LINE.finditer(cased):
        if _worth_ner(line.group(), lex):
            starts.append((pos, line.start()))
            parts.append(line.group())
            pos += len(line.group()) + 1
    return NerView("\n".join(parts), tuple(starts))


def _worth_ner(line: str, lex: Lexicon) -> bool:
    for k, m in enumerate(_NAME_TOKEN.finditer(line)):
        w = m.group()
        if not w[0].isupper() or w == "I" or w.startswith(("I'", "I’")):
            continue
        low = w.lower()
        if k == 0 and (lex.is_common(low) or 0 < lex.proper.get(low, 0) < 1.6):
            continue  # "Yeah", "Oh", "Well" opening a line
        return True
    return False
