"""The detector: spaCy NER plus Presidio recognizers over a normalised view of the text.

Why not Presidio's ``AnalyzerEngine``: it runs the whole spaCy pipeline (tagger, parser,
lemmatizer) for its context enhancer, and its stock recognizers emit low-score junk on any
digit run. Here spaCy runs only ``ner`` (which has its own tok2vec in the ``en_core_web_sm``
family), batched with ``nlp.pipe``; the recognizers are Presidio recognizers called with
``NlpArtifacts`` built from that doc, and they look for their own context cues, across line
breaks, so the previous speaker turn counts.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from redactor.detect.casing import NerView, lexicon, ner_view, truecase
from redactor.detect.normalize import normalize
from redactor.detect.offline import use_bundled_suffix_list
from redactor.detect.recording import same_value_spans, unsure_answers, widen_unsure
from redactor.models import spacy_model_name
from redactor.spans import in_segment, merge, split, widen
from redactor.types import Span, TextSpan, Transcript

__all__ = ["DEFAULT_ALLOW_LIST", "MIN_SCORE", "PresidioDetector"]

DETECTOR_VERSION = "v8"
MIN_SCORE = 0.4
# Wake words, payment brands and agent-facing terms that look like names; extend per operator.
DEFAULT_ALLOW_LIST = frozenset(
    {"alexa", "siri", "cortana", "olly", "google", "bixby", "echo", "sir", "madam", "ma'am",
     "uh", "um", "huh", "yeah", "okay", "mastercard", "visa", "amex", "maestro", "paypal"}
)  # fmt: skip
_ENGINES: dict[str, Any] = {}
_LOCK = threading.Lock()
_WORD_CHAR = re.compile(r"\w")


class _Engine:
    """What one process loads once: the spaCy pipeline and the recognizer instances."""

    def __init__(self, model: str) -> None:
        use_bundled_suffix_list()
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        import spacy
        from presidio_analyzer.predefined_recognizers import (
            CryptoRecognizer,
            IbanRecognizer,
            IpRecognizer,
            MacAddressRecognizer,
            UrlRecognizer,
        )

        from redactor.detect import recognizers as rec
        from redactor.detect.recognizers.person_name import name_lists

        keep = {"ner"}
        base = spacy.load(model)
        self.nlp = spacy.load(model, exclude=[p for p in base.pipe_names if p not in keep])
        # ner listening to a shared tok2vec needs it; keep it where the config says so.
        if "ner" in base.pipe_names and _listens(base):
            self.nlp = spacy.load(
                model, exclude=[p for p in base.pipe_names if p not in {"ner", "tok2vec"}]
            )
        del base
        self.raw: list[Any] = [cls() for cls in rec.RAW]
        stock = [IpRecognizer(), IbanRecognizer(), UrlRecognizer(), MacAddressRecognizer(),
                 CryptoRecognizer()]  # fmt: skip
        self.normalized: list[Any] = [cls() for cls in rec.NORMALIZED] + stock
        for r in self.raw + self.normalized:
            r.load()
        lexicon()
        first, last = name_lists()
        self.names = first | last


def _listens(nlp: Any) -> bool:
    cfg = nlp.config["components"]["ner"]["model"].get("tok2vec", {})
    return "Listener" in str(cfg.get("@architectures", ""))


def _engine(model: str) -> _Engine:
    with _LOCK:
        if model not in _ENGINES:
            _ENGINES[model] = _Engine(model)
        return _ENGINES[model]


def _allow_from_env() -> frozenset[str]:
    from redactor.environment import read_environment

    return frozenset(t.lower() for t in read_environment().allow_terms)


class PresidioDetector:
    """spaCy NER + Presidio recognizers on a normalised view. Thread-safe after loading.

    ``allow_list``: the operator's own terms (product, company, agent-facing words) that must
    never be redacted; added to ``DEFAULT_ALLOW_LIST`` and ``REDACTOR_ALLOW_TERMS``.
    """

    def __init__(
        self,
        *,
        spacy_model: str | None = None,
        min_score: float = MIN_SCORE,
        allow_list: Iterable[str] = (),
        batch_size: int = 64,
    ) -> None:
        self.spacy_model = spacy_model_name(spacy_model)
        self.min_score = min_score
        self.batch_size = batch_size
        self.allow_list = DEFAULT_ALLOW_LIST | _allow_from_env() | {t.lower() for t in allow_list}
        self.name = f"redactor-detect/{DETECTOR_VERSION}+{self.spacy_model}"

    def __repr__(self) -> str:
        return f"PresidioDetector({self.name!r}, min_score={self.min_score})"

    @property
    def engine(self) -> _Engine:
        return _engine(self.spacy_model)

    def analyze_text(self, text: str) -> list[TextSpan]:
        return self.analyze_texts([text])[0]

    def analyze_texts(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        """Spans for each text; spaCy runs batched over all of them."""
        eng = self.engine
        # NER reads a truecased copy (same offsets: "call raju" -> "call Raju"), and only
        # its lines that hold a capitalised word; entities map back to the original.
        views = [ner_view(truecase(t, eng.names)) if t.strip() else ner_view("") for t in texts]
        docs = eng.nlp.pipe((v.text for v in views), batch_size=self.batch_size)
        return [
            self._spans(eng, text, _entities(doc, view))
            for text, view, doc in zip(texts, views, docs, strict=True)
        ]

    def analyze_recording(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        """Spans for each text, the texts being the turns of one recording: analysed as one
        document (context from the previous turn counts, a number split over turns is one),
        and one value, one decision (``detect.recording``)."""
        doc = "\n".join(texts)
        found = self.analyze_text(doc)
        found = self._clean(doc, [*found, *same_value_spans(doc, found)])
        out: list[list[TextSpan]] = [[] for _ in texts]
        for i, sp in split(found, [len(t) for t in texts], doc):
            out[i].append(sp)
        return out

    def detect(self, transcript: Transcript) -> tuple[Span, ...]:
        """Spans of a whole recording (``analyze_recording`` over its segments), each grown
        over low-confidence words next to it, and the unsure stretches of answers in which
        nothing was found (``detect.recording.unsure_answers``)."""
        segs = transcript.segments
        per_text = self.analyze_recording([s.text for s in segs])
        spans = [
            widen_unsure(seg, [in_segment(seg.index, t) for t in found])
            for seg, found in zip(segs, per_text, strict=True)
        ]
        return (*(sp for found in spans for sp in found), *unsure_answers(segs, spans))

    def _spans(self, eng: _Engine, text: str, ents: list[Entity]) -> list[TextSpan]:
        if not text.strip():
            return []
        from presidio_analyzer.nlp_engine import NlpArtifacts

        arts = NlpArtifacts(
            entities=ents, tokens=None, tokens_indices=[], lemmas=[], nlp_engine=None,  # type: ignore[arg-type]
            language="en",
        )  # fmt: skip
        found: list[TextSpan] = []
        for r in eng.raw:
            for res in r.analyze(text, [], arts):
                found.append(TextSpan(res.start, res.end, res.entity_type, res.score, r.name))
        norm = normalize(text)
        for r in eng.normalized:
            for res in r.analyze(norm.text, r.supported_entities, None):
                a, b = norm.to_original(res.start, res.end)
                found.append(TextSpan(a, b, res.entity_type, float(res.score), r.name))
        return self._clean(text, found)

    def _clean(self, text: str, spans: list[TextSpan]) -> list[TextSpan]:
        """Drop low scores and allow-listed terms; widen and merge (``redactor.spans``)."""
        kept: list[TextSpan] = []
        for sp in widen(text, (s for s in spans if s.score >= self.min_score)):
            a, b = self._trim_allowed(text, sp.start, sp.end)
            if a < b and _WORD_CHAR.search(text, a, b):
                kept.append(TextSpan(a, b, sp.label, sp.score, sp.recognizer))
        return merge(kept, text)

    def _allowed(self, token: str) -> bool:
        """An allow-listed word, or a token made only of them ("Uh-huh")."""
        parts = re.findall(r"[^\W_]+(?:['’][^\W_]+)?", token.lower())
        return bool(parts) and all(p in self.allow_list for p in parts)

    def _trim_allowed(self, text: str, a: int, b: int) -> tuple[int, int]:
        words = list(re.finditer(r"\S+", text[a:b]))
        keep = [w for w in words if not self._allowed(w.group())]
        if not keep:
            return a, a
        return a + keep[0].start(), a + keep[-1].end()


@dataclass(frozen=True, slots=True)
class Entity:
    """A spaCy entity with offsets into the original text (the NER ran on a view)."""

    label_: str
    text: str
    start_char: int
    end_char: int


def _entities(doc: Any, view: NerView) -> list[Entity]:
    out = []
    for ent in doc.ents:
        a = view.to_original(ent.start_char)
        out.append(Entity(ent.label_, ent.text, a, a + len(ent.text)))
    return out
