"""Synthetic conversations written straight into a store, for dataset-export tests and the bench.

Each conversation is a raw transcript with known personal data at known offsets, redacted by
the real ``training`` policy (surrogates) through ``redact_transcript``, and stored with
``save_processed`` like the pipeline does: no speech or NER model is needed, so a thousand
recordings take seconds. ``SECRETS`` are the values that must never reach a dataset.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from redactor.policy import load_policy
from redactor.redact import redact_transcript
from redactor.store import ProcessedRecording, Store
from redactor.transcribe import build_segment
from redactor.types import RecordingMeta, Segment, Span, Transcript

__all__ = ["Synthetic", "make_conversation"]

_PRODUCTS = ["router", "phone plan", "invoice", "account", "subscription", "modem", "card"]
_ISSUES = ["billing", "setup", "renewal", "cancellation", "upgrade", "delivery", "refund"]
_WHEN = ["this morning", "last week", "after the update", "since Monday", "at night", "again"]
_FEEL = ["frustrating", "fine", "odd", "slow", "great", "confusing", "unclear", "broken"]
_FILLER = [
    "I have a question about my {p} {i}.",
    "Could you help me with the {i} of my {p}?",
    "The {p} {i} has been confusing for a while.",
    "Let me check the {i} options for your {p}.",
    "Thanks, that makes sense about the {p}.",
    "Is there anything else about the {i} today?",
]


@dataclass(frozen=True, slots=True)
class Synthetic:
    recording_id: str
    name: str
    phone: str
    email: str


def _values(rid: str) -> tuple[str, str, str]:
    h = hashlib.sha256(rid.encode()).hexdigest()
    first = ["Zebulon", "Ottoline", "Quentin", "Philippa", "Barnaby", "Eudora"][int(h[0], 16) % 6]
    last = ["Quackenbush", "Featherstone", "Winterbottom", "Ravensworth"][int(h[1], 16) % 4]
    phone = f"{300 + int(h[2:4], 16) % 600}-{200 + int(h[4:6], 16) % 700}-{int(h[6:10], 16) % 10000:04d}"
    return f"{first} {last}", phone, f"{first.lower()}.{last.lower()}@mail{h[10:12]}.org"


def make_conversation(
    store: Store,
    rid: str,
    *,
    consent: bool = True,
    host: str = "acme",
    turns: int = 10,
    seed: int = 0,
) -> Synthetic:
    """Store one redacted synthetic call; returns its secret values."""
    rng = random.Random(f"{seed}:{rid}")
    name, phone, email = _values(rid)
    lines: list[tuple[str, str, list[tuple[str, str]]]] = [
        ("agent", "Thank you for calling, how can I help?", []),
        ("customer", f"Hi, my name is {name}.", [(name, "PERSON")]),
        ("agent", "What is the best number to reach you?", []),
        ("customer", f"It is {phone}, thanks.", [(phone, "PHONE_NUMBER")]),
        ("agent", "And the email on the account?", []),
        ("customer", f"Sure, {email} is the one.", [(email, "EMAIL_ADDRESS")]),
    ]
    while len(lines) < turns:
        text = rng.choice(_FILLER).format(p=rng.choice(_PRODUCTS), i=rng.choice(_ISSUES))
        if rng.random() < 0.8:  # enough variety that duplicate removal is realistic
            text += f" It was {rng.choice(_FEEL)} {rng.choice(_WHEN)}."
        lines.append((["agent", "customer"][len(lines) % 2], text, []))
    segments: list[Segment] = []
    spans: list[Span] = []
    t = 0.0
    for i, (speaker, text, pii) in enumerate(lines):
        words = []
        for w in text.split():
            words.append((w, t, t + 0.3, 0.99))
            t += 0.35
        seg = build_segment(i, speaker, words)
        segments.append(seg)
        for value, label in pii:
            start = seg.text.index(value)
            spans.append(Span(i, start, start + len(value), label, 0.9, "synthetic"))
        t += 0.5
    raw = Transcript(tuple(segments), duration_s=t, source_kind="vtt", producer="synthetic/v1")
    policy = load_policy("training")
    red = redact_transcript(
        raw,
        spans,
        policy.replacer(recording_id=rid, host=host),
        policy=policy.name,
        detector="synthetic/v1",
        labels=policy.labels,
    )
    store.recordings.save(
        ProcessedRecording(
            recording_id=rid,
            meta=RecordingMeta(host=host, recording_id=rid, consent_training=consent),
            source_kind="vtt",
            source_sha256=hashlib.sha256(f"synthetic:{rid}".encode()).hexdigest(),
            source_suffix=".vtt",
            channels=1,
            raw=raw,
            redacted=[red],
            spans=spans,
        )
    )
    return Synthetic(rid, name, phone, email)
