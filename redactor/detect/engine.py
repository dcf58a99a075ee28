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
from redactor.models import spacy_model_name
from redactor.types import Span, TextSpan, Transcript

__all__ = ["DEFAULT_ALLOW_LIST", "MIN_SCORE", "PresidioDetector", "split_doc_spans",
           "transcript_document"]  # fmt: skip

DETECTOR_VERSION = "v4"
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


def transcript_document(transcript: Transcript) -> tuple[str, list[int]]:
    """Join segment texts with newlines; return the text and each segment's start offset."""
    offsets: list[int] = []
    pos = 0
    for seg in transcript.segments:
        offsets.append(pos)
        pos += len(seg.text) + 1
    return "\n".join(s.text for s in transcript.segments), offsets


def split_doc_spans(
    transcript: Transcript, offsets: Sequence[int], spans: Sequence[TextSpan]
) -> tuple[Span, ...]:
    """Cut document spans at segment boundaries into per-segment spans."""
    out: list[Span] = []
    for sp in spans:
        for i, seg in enumerate(transcript.segments):
            a, b = offsets[i], offsets[i] + len(seg.text)
            lo, hi = max(sp.start, a), min(sp.end, b)
            if lo < hi and _WORD_CHAR.search(seg.text, lo - a, hi - a):
                out.append(Span(seg.index, lo - a, hi - a, sp.label, sp.score, sp.recognizer))
    return tuple(out)


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

    def detect(self, transcript: Transcript) -> tuple[Span, ...]:
        doc, offsets = transcript_document(transcript)
        return split_doc_spans(transcript, offsets, self.analyze_text(doc))

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
        """Drop low scores and allow-listed terms, widen to whole words, merge overlaps."""
        kept: list[TextSpan] = []
        for sp in spans:
            if sp.score < self.min_score:
                continue
            a, b = _widen(text, sp.start, sp.end)
            a, b = self._trim_allowed(text, a, b)
            if a < b and _WORD_CHAR.search(text, a, b):
                kept.append(TextSpan(a, b, sp.label, sp.score, sp.recognizer))
        return _merge(kept)

    def _trim_allowed(self, text: str, a: int, b: int) -> tuple[int, int]:
        words = list(re.finditer(r"\S+", text[a:b]))
        keep = [w for w in words if w.group().strip(".,!?;:").lower() not in self.allow_list]
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


def _widen(text: str, a: int, b: int) -> tuple[int, int]:
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    while b < len(text) and text[b].isalnum():
        b += 1
    while b > a and text[b - 1] in " \t\n,;:":
        b -= 1
    while a < b and text[a] in " \t\n,;:":
        a += 1
    return a, b


def _merge(spans: list[TextSpan]) -> list[TextSpan]:
    """Overlapping spans become one; the label of the highest-scoring part wins."""
    out: list[TextSpan] = []
    for sp in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and sp.start < out[-1].end:
            last = out[-1]
            best = last if last.score >= sp.score else sp
            out[-1] = TextSpan(last.start, max(last.end, sp.end), best.label,
                               max(last.score, sp.score), best.recognizer)  # fmt: skip
        else:
            out.append(sp)
    return out
