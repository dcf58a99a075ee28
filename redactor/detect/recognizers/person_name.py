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
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

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
     "daughter", "friend", "contact", "phone", "ring", "dial", "about"}
)  # fmt: skip
STRONG_CUES = frozenset(
    {"name is", "name's", "named", "called", "call me", "calls me", "mr", "mrs", "ms", "miss",
     "dr", "this is", "i'm", "i am", "speak to", "speak with", "ask for", "name", "names"}
)  # fmt: skip
CUE_AFTER = frozenset({"speaking", "here", "calling"})
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


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Common English words (spaCy's stop words and its lemmatizer's word index)."""
    words = set(STOP_WORDS)
    try:
        import spacy

        from redactor.models import spacy_model_name

        nlp = spacy.load(spacy_model_name(), exclude=["tok2vec", "tagger", "parser", "ner"])
        lemmatizer: Any = nlp.get_pipe("lemmatizer")
        table = lemmatizer.lookups.get_table("lemma_index")
        for pos in ("noun", "verb", "adj", "adv"):
            words.update(w for w in table.get(pos, []) if "_" not in w)
    except Exception:  # the lemmatizer tables are optional; stop words still apply
        pass
    return frozenset(words)


class PersonNameRecognizer(EntityRecognizer):
    NAME = "PersonNameRecognizer.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name=self.NAME)

    def load(self) -> None:
        self.first, self.last = name_lists()
        self.english = english_words()

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
            out.append(RecognizerResult("PERSON", toks[i][0], toks[j][1], score))
            i = j + 1
        return out

    def _score(
        self, toks: list[tuple[int, int, str]], low: list[str], i: int, cased: bool, text: str
    ) -> float | None:
        w = _base(low[i])
        if w in STOP_WORDS or w in ALWAYS_WORDS:
            return None
        prev = low[i - 1] if i else ""
        prev2 = f"{low[i - 2]} {prev}" if i > 1 else ""
        strong = prev in STRONG_CUES or prev2 in STRONG_CUES
        tok = toks[i][2]
        if cased and strong and tok[0].isupper():
            return 0.8
        if w not in self.first:
            # A listed surname, capitalised mid-sentence in cased text ("do you think Gates").
            if cased and w in self.last and tok[:1].isupper() and not tok.isupper() and i:
                gap = text[toks[i - 1][1] : toks[i][0]]
                if not re.search(r"[.!?\n:\"]", gap):
                    return 0.5
            return None
        cue = strong or prev in CUE_BEFORE or (i + 1 < len(low) and low[i + 1] in CUE_AFTER)
        word = w in self.english
        if cased:
            if not tok[0].isupper() or (tok.isupper() and len(tok) > 1 and not cue):
                return None
            gap = text[toks[i - 1][1] : toks[i][0]] if i else "."
            if word and re.search(r"[.!?\n:\"]", gap) and not cue:
                return None
            return 0.7 if cue or not word else 0.5
        if not word or cue:
            return 0.6
        return None

    def _surname(
        self, toks: list[tuple[int, int, str]], low: list[str], j: int, cased: bool, text: str
    ) -> bool:
        gap = text[toks[j - 1][1] : toks[j][0]]
        if gap not in {" ", ". ", " ."} and not re.fullmatch(r" [A-Z]\. ?", gap):
            return False
        w = _base(low[j])
        if w in STOP_WORDS or w in ALWAYS_WORDS or w in CUE_AFTER:
            return False
        if cased:
            return toks[j][2][0].isupper()
        return w in self.last or w not in self.english


def _base(word: str) -> str:
    """The word without a possessive ending: "jason's" -> "jason"."""
    return re.sub(r"['’]s$", "", word)
