"""Person names in ASR text, where case is no guide: name lists plus introduction cues.

spaCy's NER misses names in lowercase ASR text ("call raju") and all-caps captions. This
recognizer uses first and last names from Faker's locale data (kept by its maintainers, many
locales) and treats a listed name as a person when it is capitalised mid-sentence, when it is
not also an English word, or when a cue precedes it ("my name is", "this is", "call",
"Mr."). A listed surname, or a capitalised word, right after a first name joins the span.
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from redactor.detect.casing import INTERJECTIONS, lexicon

LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "en_NZ", "en_PK", "en_NG", "en_KE", "es_MX", "es_ES",
    "fr_FR", "de_DE", "it_IT", "pt_BR", "nl_NL", "pl_PL", "hi_IN", "ru_RU", "tr_TR", "sv_SE",
    "da_DK", "fi_FI", "no_NO", "hu_HU", "cs_CZ", "el_GR", "et_EE", "sl_SI", "hr_HR", "id_ID",
    "fil_PH", "vi_VN", "zh_CN", "ja_JP", "ko_KR", "ar_AA", "fa_IR", "he_IL",
)  # fmt: skip
CUE_BEFORE = frozenset(
    {"name", "name's", "names", "named", "called", "call", "text", "email", "message", "tell",
     "ask", "remind", "meet", "meeting", "invite", "with", "mr", "mrs", "ms", "miss", "dr",
     "dear", "hi", "hello", "hey", "thanks", "to", "from", "for", "and", "is", "i'm", "sir",
     "madam", "uncle", "aunt", "brother", "sister", "mom", "dad", "wife", "husband", "son",
     "daughter", "friend", "contact", "phone", "ring", "dial", "about", "send", "pick",
     "cousin", "nephew", "niece", "grandma", "grandpa", "boss", "colleague", "mister",
     "missus", "between", "visit", "remember", "told", "said", "says", "asked", "father",
     "mother", "grandfather", "grandmother", "parents", "kids", "children", "child", "grandson",
     "granddaughter", "fiance", "fiancee", "partner", "law", "landlord", "tenant", "neighbour",
     "neighbor", "manager", "agent", "executive", "officer", "doctor", "nurse", "advocate",
     "lawyer", "teacher", "professor", "inspector", "patient", "customer", "client",
     "beneficiary", "nominee", "holder", "applicant", "guarantor", "bye", "goodbye", "morning",
     "evening", "afternoon", "shri", "sri", "smt", "shrimati", "kumari", "sushri"}
)  # fmt: skip
# Cues that say a person follows (not "to", "from", "and"): after one, any word that English
# does not write in lowercase all the time is taken for a name ("ask piya", "agent vikram").
GENERIC_CUES = frozenset(
    {"to", "from", "for", "and", "is", "about", "between", "with", "send", "pick", "text",
     "email", "message", "phone", "contact", "remember", "said", "says", "told", "visit",
     "meet", "meeting", "invite", "law", "holder", "morning", "evening", "afternoon", "child"}
)  # fmt: skip
STRONG_CUES = frozenset(
    {"name is", "name's", "named", "called", "call me", "calls me", "mr", "mrs", "ms", "miss",
     "dr", "this is", "i'm", "i am", "speak to", "speak with", "ask for", "name", "names", "name of",
     "mister", "missus", "surname", "surname is", "speaking with", "speaking to", "talking to",
     "talking with", "behalf of", "registered under", "under the", "shri", "sri", "smt",
     "shrimati", "kumari", "sushri"}
)  # fmt: skip
# A title opens a name but is none ("Mr. Sharma": the span is "Sharma").
TITLES = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "mister", "missus", "sir", "madam", "ma'am", "shri", "sri",
     "smt", "shrimati", "kumari", "sushri"}
)  # fmt: skip
# Cues after which a listed name is a name even when it is also a common English word and
# the text has no capitals ("thank you mrs. page", "my surname is case").
NAMING_CUES = frozenset(
    {"mr", "mrs", "ms", "mister", "missus", "dr", "name is", "name's", "surname is", "surname",
     "named", "with miss", "you miss", "hello miss", "hi miss", "dear miss", "thanks miss",
     "shri", "sri", "smt", "shrimati", "kumari", "sushri"}
)  # fmt: skip
# Said right after a name: the Indian honorific ("Sharma ji", "Kalita ji, your complaint").
HONORIFICS_AFTER = frozenset({"ji", "jee", "sahab", "saab", "sahib"})
# Words said before "ji" that are no names ("haan ji", "theek hai ji", "sorry ji").
NOT_BEFORE_JI = frozenset(
    {"haan", "han", "ha", "nahi", "nahin", "accha", "achha", "acha", "theek", "thik", "hai",
     "ok", "okay", "yes", "no", "sorry", "thank", "thanks", "bas", "bilkul", "ji", "please",
     "sir", "madam", "right", "sure", "bye", "hello", "namaste"}
)  # fmt: skip
# A first name (or an uncommon surname) addressed after these and before a comma: "okay
# kavya, I will check".
VOCATIVE_BEFORE = frozenset(
    {"okay", "ok", "thanks", "thank you", "hi", "hello", "dear", "yes", "bye", "morning",
     "evening", "afternoon"}
)  # fmt: skip
# Capitalised common words that end place and event names, not people's.
NOT_SURNAMES = frozenset(
    {"street", "st", "road", "avenue", "lane", "drive", "day", "orchestra", "band", "club",
     "company", "inc", "university", "college", "school", "hospital", "church", "park",
     "lake", "river", "county", "city", "island", "bay", "beach", "center", "centre",
     "hotel", "airport", "station", "tales", "show", "times", "news", "bank"}
)  # fmt: skip
CUE_AFTER = frozenset({"speaking", "here", "calling"})
# "raju's birthday", "bola birthday": a personal noun right after an unlisted word.
CUE_POSSESSED = frozenset(
    {"birthday", "bday", "wedding", "anniversary", "graduation", "party", "email", "emails",
     "number", "phone", "address", "house", "place", "bedtime", "marriage", "appointment"}
)  # fmt: skip
# ... and after a possessive only ("sowmya's account"; "aadhaar card", "jio mobile" are no names).
CUE_POSSESSIVE = frozenset(
    {"account", "card", "mobile", "details", "application", "policy", "booking", "ticket",
     "husband", "wife", "son", "daughter", "father", "mother", "profile", "salary", "loan"}
)  # fmt: skip
ALWAYS_WORDS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday", "god", "christmas", "easter", "lord", "jesus"}
)  # fmt: skip
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Lowercase first names and last names from Faker's person providers."""
    first: set[str] = set()
    last: set[str] = set()
    for loc in LOCALES:
        try:
            mod = importlib.import_module(f"faker.providers.person.{loc}")
        except ImportError:
            continue
        prov = mod.Provider
        for attr, bucket in (
            ("first_names", first), ("first_names_male", first), ("first_names_female", first),
            ("last_names", last),
        ):  # fmt: skip
            for n in getattr(prov, attr, ()) or ():
                n = str(n).lower()
                if n.isalpha() and len(n) > 2:
                    bucket.add(n)
    return frozenset(first), frozenset(last)


class PersonNameRecognizer(EntityRecognizer):
    NAME = "PersonNameRecognizer.v3"

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name=self.NAME)

    def load(self) -> None:
        self.first, self.last = name_lists()
        self.lex = lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        lowered = [t[2].lower() for t in toks]
        cased = any(t[2][0].isupper() for t in toks[1:]) and not text.isupper()
        out: list[RecognizerResult] = []
        i = 0
        while i < len(toks):
            score = self._score(toks, lowered, i, cased, text)
            if score is None:
                i += 1
                continue
            j = i
            while j + 1 < len(toks) and self._surname(toks, lowered, j + 1, cased, text):
                j += 1
            i = _initials(toks, lowered, i, text)
            while cased and i > 0 and self._forename(toks, lowered, i - 1, text):
                i -= 1  # "Maha Cazares", "Ella H. Snider": the surname found, the rest before
            end = toks[j][1]
            if cased:  # written text keeps its "'s"; ASR-style text redacts whole words
                end -= len(lowered[j]) - len(_base(lowered[j]))
            out.append(RecognizerResult("PERSON", toks[i][0], end, score))
            i = j + 1
        return out

    def _common(self, w: str) -> bool:
        """An everyday English word (mostly written lowercase, and not rare)."""
        return self.lex.is_common(w) and not self.lex.is_rare(w)

    def _score(
        self, toks: list[tuple[int, int, str]], low: list[str], i: int, cased: bool, text: str
    ) -> float | None:
        w = _base(low[i])
        if w in STOP_WORDS or w in ALWAYS_WORDS or w in TITLES or w in INTERJECTIONS:
            return None
        if _contraction(w):
            return None
        k = _initials(toks, low, i, text)  # the cue is looked for before "r k" in "r k sharma"
        prev = low[k - 1] if k else ""
        prev2 = f"{low[k - 2]} {prev}" if k > 1 else ""
        strong = prev in STRONG_CUES or prev2 in STRONG_CUES
        nxt = low[i + 1] if i + 1 < len(low) else ""
        tok = toks[i][2]
        common = self._common(w)
        if cased and strong and tok[0].isupper():
            return 0.8
        if len(w) < 2:
            return None
        naming = prev in NAMING_CUES or prev2 in NAMING_CUES
        listed = w in self.first or w in self.last
        if naming and not cased and listed:
            return 0.7
        if (
            nxt in HONORIFICS_AFTER
            and w not in NOT_BEFORE_JI
            and text[toks[i][1] : toks[i + 1][0]] == " "
        ):
            return 0.7
        if (
            (w in self.first or (w in self.last and not common))
            and (prev in VOCATIVE_BEFORE or prev2 in VOCATIVE_BEFORE)
            and text[toks[i][1] : toks[i][1] + 1] == ","
        ):
            return 0.6
        if w not in self.first:
            return self._unlisted(toks, low, i, cased, text, strong, common)
        cue = strong or prev in CUE_BEFORE or nxt in CUE_AFTER
        if cased:
            if not tok[0].isupper() or (tok.isupper() and len(tok) > 1 and not cue):
                return None
            if common and _starts_sentence(text, toks, i) and not cue:
                return None
            return 0.7 if cue or not common else 0.5
        if not common or cue:
            return 0.6
        return None

    def _unlisted(
        self,
        toks: list[tuple[int, int, str]],
        low: list[str],
        i: int,
        cased: bool,
        text: str,
        strong: bool,
        common: bool,
    ) -> float | None:
        """A word not in the first-name lists: a surname or a name the lists lack."""
        w = _base(low[i])
        tok = toks[i][2]
        if cased and tok[:1].isupper() and not tok.isupper():
            if _in_title_run(toks, low, i):
                return None  # "5 Musicians Of The 70s You're Supposed To Hate": a heading
            # Capitalised mid-sentence ("do you think Gates", "the Michener novel"); at a
            # sentence start only a word English writes capitalised ("Peretti said").
            if not _starts_sentence(text, toks, i):
                if w in self.last:
                    return 0.5
                if not common and (self.lex.is_proper(w) or not self.lex.is_known(w)):
                    return 0.45
                if not common and (strong or (i and low[i - 1] in CUE_BEFORE)):
                    return 0.45  # "ask Sudha", "my kids Asha and Sushmita"
            elif not common and (
                self.lex.is_proper(w, 1.0 if w in self.last else 2.0) or not self.lex.is_known(w)
            ):
                return 0.45
            return None
        # Uncased: an unlisted word needs a cue and a strong capital habit ("raju"), which
        # sentence-opening interjections ("hi", "oh") lack; after a cue that says a person
        # follows ("ask", "agent", "mr"), any word English does not write lowercase will do.
        nameish = w in self.last or self.lex.is_proper(w, 1.6) or not self.lex.is_known(w)
        prev = low[i - 1] if i else ""
        nxt = low[i + 1] if i + 1 < len(low) else ""
        if common or cased:
            return None
        if strong or (prev in CUE_BEFORE and prev not in GENERIC_CUES):
            return 0.55
        if nameish and prev in CUE_BEFORE:
            return 0.55
        possessed = nxt in CUE_POSSESSED or (nxt in CUE_POSSESSIVE and low[i] != w)
        if (nameish or self.lex.is_rare(w)) and (possessed or nxt in CUE_AFTER):
            return 0.55
        return None

    def _surname(
        self, toks: list[tuple[int, int, str]], low: list[str], j: int, cased: bool, text: str
    ) -> bool:
        gap = text[toks[j - 1][1] : toks[j][0]]
        if gap not in {" ", ". ", " ."} and not re.fullmatch(r" [A-Z]\. ?", gap):
            return False
        w = _base(low[j])
        if w in STOP_WORDS or w in ALWAYS_WORDS or w in CUE_AFTER or w in CUE_POSSESSED:
            return False
        if cased:  # "Labor Day", "Marina Fort Street" are no surnames; "S" is an initial
            tok = toks[j][2]
            initial = len(tok) == 1 and tok.isupper() and j + 1 < len(toks)
            if not tok[0].isupper():
                return False
            if initial or w in self.last or not self._common(w):
                return True
            # "Danielle Steel did", not "Marina Fort Street" or "Labor Day".
            last_word = j + 1 >= len(toks) or not toks[j + 1][2][:1].isupper()
            return last_word and w not in NOT_SURNAMES
        return w in self.last or not self._common(w)

    def _forename(
        self, toks: list[tuple[int, int, str]], low: list[str], k: int, text: str
    ) -> bool:
        """Whether capitalised token ``k`` right before a found name belongs to it."""
        gap = text[toks[k][1] : toks[k + 1][0]]
        tok, w = toks[k][2], low[k]
        if gap not in {" ", ". "} or not tok[:1].isupper() or (tok.isupper() and len(tok) > 1):
            return False
        if w in STOP_WORDS or w in ALWAYS_WORDS or _contraction(w) or w in CUE_AFTER:
            return False
        if len(tok) == 1:  # an initial
            return True
        if w in INTERJECTIONS:
            return False
        proper = self.lex.is_proper(w) or not self.lex.is_known(w)
        return gap == " " and (w in self.first or (proper and not self._common(w)))


def _initials(toks: list[tuple[int, int, str]], low: list[str], i: int, text: str) -> int:
    """The index of the first of up to three initials right before token ``i`` ("r k" in
    "r k sharma", "A. P. J." in "A. P. J. Abdul"), or ``i`` when there are none. A lone "a" or
    "i" is the article or the pronoun, and "'m" no initial. Initials share the name's case."""
    k = i
    cased = toks[i][2][:1].isupper()
    while (
        k > 0
        and i - k < 3
        and len(low[k - 1]) == 1
        and low[k - 1] not in {"a", "i"}
        and toks[k - 1][2].isupper() == cased
        and text[toks[k - 1][1] : toks[k][0]] in {" ", ". ", "."}
        and text[toks[k - 1][0] - 1 : toks[k - 1][0]] not in {"'", "’"}
    ):
        k -= 1
    return k


def _starts_sentence(text: str, toks: list[tuple[int, int, str]], i: int) -> bool:
    """Whether token ``i`` opens a sentence, line or quote (so its capital says nothing)."""
    gap = text[toks[i - 1][1] : toks[i][0]] if i else "."
    return bool(re.search(r"[.!?\n:\"“>]", gap)) or not i


CONTRACTED = frozenset({"m", "ve", "ll", "re", "d", "t", "mon", "em", "all"})


def _contraction(word: str) -> bool:
    """ "i'm", "don't", "c'mon": not names (unlike "o'brien")."""
    parts = re.split(r"['’]", word)
    return len(parts) > 1 and parts[-1] in CONTRACTED


def _in_title_run(toks: list[tuple[int, int, str]], low: list[str], i: int) -> bool:
    """Whether token ``i`` sits in a Title Case run of four or more words that has a
    capitalised stop word ("Of", "The"): a heading, where capitals say nothing."""
    a = b = i
    while a > 0 and toks[a - 1][2][:1].isupper():
        a -= 1
    while b + 1 < len(toks) and toks[b + 1][2][:1].isupper():
        b += 1
    return b - a >= 3 and any(low[k] in STOP_WORDS for k in range(a, b + 1))


def _base(word: str) -> str:
    """The word without a possessive ending: "jason's" -> "jason"."""
    return re.sub(r"['’]s$", "", word)
