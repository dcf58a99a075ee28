"""Summaries of a call: an extractive summary, key topics and action items, as inferred data.

Built from a ``RedactedTranscript`` only (mypy rejects a raw ``Transcript``, and so does a
runtime check), so a summary can hold nothing the redaction removed. Each part is stored as
its own artifact with ``data_category = "inferred"``, ``derived_from`` the redacted
transcript, the versioned method name, and for every item the segment indexes it came from.
Before anything is stored each part is scanned again with the detector: a sentence lifted
out of its context can read differently, and a part with any detection is refused.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redactor.detect.protocol import Detector
from redactor.errors import InputError, NotFoundError
from redactor.store import ArtifactKind, DataCategory, NewArtifact, Store
from redactor.types import RedactedTranscript, TextSpan

__all__ = [
    "SUMMARY_KINDS",
    "SUMMARY_TITLES",
    "ExtractiveSummarizer",
    "Summary",
    "SummaryItem",
    "load_summary",
    "render_summary",
    "store_summary",
    "stored_summary",
    "summarize_recording",
]

log = logging.getLogger("redactor.summarize")

SUMMARY_KINDS = (ArtifactKind.SUMMARY, ArtifactKind.KEY_TOPICS, ArtifactKind.ACTION_ITEMS)
SUMMARY_TITLES = {
    ArtifactKind.SUMMARY: "Summary",
    ArtifactKind.KEY_TOPICS: "Key topics",
    ArtifactKind.ACTION_ITEMS: "Action items",
}
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9_]*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z][a-z']+")
_ACTION = re.compile(
    r"\b(i'll|we'll|i will|we will|i am going to|i'm going to|we are going to|let me|"
    r"please|need to|needs to|make sure|follow up|send|call you back|next step|schedule)\b",
    re.IGNORECASE,
)
_STOP = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just let me
    more most my myself no nor not now of off on once only or other our ours out over own same
    she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself hi hello thanks thank okay ok yes yeah sure please well
    one two three four five six seven eight nine zero get got go going like know right really
    today help calling number im ill youre dont thats""".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class SummaryItem:
    text: str
    evidence: tuple[int, ...]  # segment indexes of the redacted transcript

    def __repr__(self) -> str:
        return f"SummaryItem(<{len(self.text)} chars>, evidence={self.evidence})"


@dataclass(frozen=True, slots=True)
class Summary:
    """A call's summary (inferred data), as a summarizer makes it and as it is read back.

    Read back (``stored_summary``), it also says which parts were stored (a part the re-scan
    refused is absent from ``artifacts``) and the names that produced them.
    """

    method: str
    policy: str
    summary: tuple[SummaryItem, ...]
    key_topics: tuple[SummaryItem, ...]
    action_items: tuple[SummaryItem, ...]
    artifacts: tuple[tuple[ArtifactKind, str], ...] = ()  # (kind, artifact id), stored parts
    producers: tuple[str, ...] = ()  # as stored: the method, then the re-scanning detector

    def parts(self) -> dict[ArtifactKind, tuple[SummaryItem, ...]]:
        return {
            ArtifactKind.SUMMARY: self.summary,
            ArtifactKind.KEY_TOPICS: self.key_topics,
            ArtifactKind.ACTION_ITEMS: self.action_items,
        }

    @property
    def producer(self) -> str:
        return ", ".join(self.producers)

    def stored_parts(self) -> list[tuple[ArtifactKind, str, tuple[SummaryItem, ...]]]:
        """``(kind, artifact id, items)`` of each stored part that has items, in kind order."""
        parts = self.parts()
        return [(kind, art, parts[kind]) for kind, art in self.artifacts if parts[kind]]


def _content_words(text: str) -> list[str]:
    return [
        w
        for w in _WORD.findall(_PLACEHOLDER.sub(" ", text).lower())
        if w not in _STOP and len(w) > 2
    ]


def _clean_spans(text: str, spans: Sequence[TextSpan]) -> list[TextSpan]:
    """Detections outside the redaction placeholders (``[PERSON_1]`` itself is not data)."""
    inside = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]
    return [sp for sp in spans if not any(a <= sp.start and sp.end <= b for a, b in inside)]


class ExtractiveSummarizer:
    """Picks the call's most central sentences, its frequent terms and its commitments.

    Extractive on purpose: every item is a sentence (or a word) of the redacted transcript,
    with the segments it came from, so nothing is invented and everything can be checked.
    With a ``scanner`` (the detector), candidate sentences with a detection are skipped.
    """

    name = "redactor-summarize/extractive.v1"

    def __init__(
        self,
        *,
        scanner: Detector | None = None,
        max_sentences: int = 3,
        max_topics: int = 5,
        max_actions: int = 5,
    ) -> None:
        self.scanner = scanner
        self.max_sentences = max_sentences
        self.max_topics = max_topics
        self.max_actions = max_actions

    def summarize(self, transcript: RedactedTranscript) -> Summary:
        if not isinstance(transcript, RedactedTranscript):
            raise TypeError("summaries are built from a RedactedTranscript only")
        sentences = [
            (seg.index, s.strip())
            for seg in transcript.segments
            for s in _SENTENCE_END.split(seg.text)
            if len(s.split()) >= 3
        ]
        freq = Counter(w for _, s in sentences for w in _content_words(s))

        def score(s: str) -> float:
            words = _content_words(s)
            return sum(freq[w] for w in words) / (len(words) ** 0.5) if words else 0.0

        ranked = sorted(range(len(sentences)), key=lambda i: (-score(sentences[i][1]), i))
        chosen = self._screen([sentences[i] for i in ranked], self.max_sentences)
        order = {s: n for n, s in enumerate(sentences)}
        summary = tuple(SummaryItem(s, (seg,)) for seg, s in sorted(chosen, key=lambda x: order[x]))
        actions = [
            (seg, s) for seg, s in sentences if _ACTION.search(s) and not s.rstrip().endswith("?")
        ]
        action_items = tuple(
            SummaryItem(s, (seg,)) for seg, s in self._screen(actions, self.max_actions)
        )
        topics = tuple(
            SummaryItem(w, tuple(sorted({seg for seg, s in sentences if w in _content_words(s)})))
            for w, n in freq.most_common(self.max_topics)
            if n >= 2 and len(w) >= 4
        )
        return Summary(self.name, transcript.policy, summary, topics, action_items)

    def _screen(self, candidates: list[tuple[int, str]], k: int) -> list[tuple[int, str]]:
        """The first ``k`` candidates the scanner finds nothing in (one batch call)."""
        pool = candidates[: max(k * 3, k)]
        if self.scanner is None:
            return pool[:k]
        found = self.scanner.analyze_texts([s for _, s in pool])
        clean = [c for c, spans in zip(pool, found, strict=True) if not _clean_spans(c[1], spans)]
        return clean[:k]


def store_summary(
    store: Store,
    recording_id: str,
    summary: Summary,
    *,
    scanner: Detector,
    derived_from: str,
) -> dict[str, list[str]]:
    """Scan each part again and store the clean ones; return ``{kind: labels}`` of refused ones.

    A refused part is not stored at all (no partial summary); the labels say why, never what.
    """
    parts = summary.parts()
    texts = ["\n".join(item.text for item in items) for items in parts.values()]
    refused: dict[str, list[str]] = {}
    for (kind, items), text, spans in zip(
        parts.items(), texts, scanner.analyze_texts(texts), strict=True
    ):
        hits = _clean_spans(text, spans)
        if hits:
            refused[kind] = sorted({sp.label for sp in hits})
            log.warning(
                "recording %s: %s not stored, the re-scan found %s",
                recording_id,
                kind,
                ", ".join(refused[kind]),
            )
            continue
        body = {
            "kind": kind,
            "data_category": DataCategory.INFERRED,
            "method": summary.method,
            "policy": summary.policy,
            "derived_from": derived_from,
            "items": [{"text": i.text, "evidence": list(i.evidence)} for i in items],
        }
        store.artifacts.add(
            recording_id,
            NewArtifact(
                kind,
                DataCategory.INFERRED,
                [summary.method, scanner.name],
                policy=summary.policy,
                body=json.dumps(body, sort_keys=True).encode(),
                derived_from=derived_from,
            ),
            replace=True,
        )
    return refused


def stored_summary(store: Store, recording_id: str) -> Summary | None:
    """The stored summary of a recording (its newest part of each kind), or None."""
    rows = [(kind, store.artifacts.newest(recording_id, kind)) for kind in SUMMARY_KINDS]
    stored = [
        (kind, row, json.loads(row.body))
        for kind, row in rows
        if row is not None and row.body is not None
    ]
    if not stored:
        return None
    items = {
        kind: tuple(SummaryItem(i["text"], tuple(i["evidence"])) for i in body["items"])
        for kind, _, body in stored
    }
    _, first, body = stored[0]
    return Summary(
        method=body["method"],
        policy=body["policy"],
        summary=items.get(ArtifactKind.SUMMARY, ()),
        key_topics=items.get(ArtifactKind.KEY_TOPICS, ()),
        action_items=items.get(ArtifactKind.ACTION_ITEMS, ()),
        artifacts=tuple((kind, row.id) for kind, row, _ in stored),
        producers=tuple(first.producers),
    )


def load_summary(store: Store, recording_id: str) -> dict[str, dict[str, Any]]:
    """The stored summary parts of a recording, by kind (absent kinds are left out)."""
    out = {}
    for kind in SUMMARY_KINDS:
        row = store.artifacts.newest(recording_id, kind)
        if row is not None and row.body is not None:
            out[str(kind)] = {
                **json.loads(row.body),
                "artifact": row.id,
                "created_at": row.created_at.isoformat(timespec="seconds"),
            }
    return out


def summarize_recording(
    store: Store,
    recording_id: str,
    transcripts: Sequence[RedactedTranscript],
    scanner: Detector,
    *,
    summarizer: ExtractiveSummarizer | None = None,
) -> dict[str, list[str]]:
    """Summarize a stored recording from its support redaction (placeholders, not surrogates:
    fake names would trip the re-scan); returns what was refused, as ``store_summary``."""
    if not transcripts:
        return {}
    source = next((t for t in transcripts if t.policy == "support"), transcripts[0])
    row = store.artifacts.newest(recording_id, ArtifactKind.REDACTED_TRANSCRIPT, source.policy)
    if row is None:
        return {}
    summary = (summarizer or ExtractiveSummarizer(scanner=scanner)).summarize(source)
    return store_summary(store, recording_id, summary, scanner=scanner, derived_from=row.id)


def render_summary(store: Store, recording_id: str, fmt: str) -> str:
    """``show --summary``: JSON, or text that says plainly it is inferred, not what was said."""
    parts = load_summary(store, recording_id)
    if not parts:
        store.recordings.get(recording_id)  # NotFound for an unknown id
        raise NotFoundError(f"recording {recording_id}: no summary stored")
    if fmt == "json":
        doc = {"id": recording_id, "data_category": DataCategory.INFERRED, **parts}
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if fmt != "txt":
        raise InputError(f"--summary: format {fmt!r} is not supported; use json or txt")
    first = next(iter(parts.values()))
    lines = [
        "INFERRED DATA: machine-generated from the redacted transcript; not a record of what "
        "was said.",
        f"recording: {recording_id}  method: {first['method']}  from: {first['derived_from']}",
    ]
    for kind, title in SUMMARY_TITLES.items():
        items = parts.get(kind, {}).get("items", [])
        lines += ["", f"{title}:"] + [
            f"  - {i['text']}  [segments {', '.join(str(e) for e in i['evidence'])}]" for i in items
        ]
        if not items:
            lines.append("  (none)" if kind in parts else "  (not stored: refused by the re-scan)")
    return "\n".join(lines) + "\n"
