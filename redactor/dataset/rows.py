"""Dataset rows: one row per redacted segment (utterance), with where its surrogates are.

Rows are built from ``RedactedTranscript`` only (the type forbids a raw transcript here). Each
row remembers the character ranges of the values the policy put in (surrogates, placeholders),
so the residual-PII gate can tell a fake name it must ignore from a real one it must catch, and
duplicate removal can treat "my name is <PERSON>" as one utterance whatever the surrogate.

Where the replacement ranges come from: ``redact_segment`` collapses the words a span covers
into one word carrying the replacement, so walking the merged spans (raw offsets) and the
redacted words together gives each replacement's offsets in the redacted text exactly.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from redactor.types import RedactedSegment, RedactedTranscript

__all__ = [
    "Row",
    "conversation_id",
    "dedup_key",
    "replacement_ranges",
    "rows_of",
    "speaker_labels",
]

# Speaker labels kept as they are: roles, not people. Anything else (a caption's "John Smith:",
# also "Speaker 2") becomes ``speaker_N`` in order of first appearance, so labels never clash.
SAFE_ROLES = frozenset(
    {
        "agent",
        "customer",
        "caller",
        "callee",
        "host",
        "guest",
        "speaker",
        "interviewer",
        "interviewee",
        "participant",
        "moderator",
        "representative",
        "user",
        "assistant",
    }
)
_PUNCT = re.compile(r"[^\w\s<>]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Row:
    """One utterance of the dataset, and what the exporter needs to know about it."""

    recording_id: str
    segment: int
    speaker: str
    start_s: float
    end_s: float
    text: str
    language: str
    replaced: tuple[tuple[int, int, str], ...]  # (start, end, label) in ``text``

    def __repr__(self) -> str:
        return f"Row({self.recording_id!r}#{self.segment}, <{len(self.text)} chars>)"


def conversation_id(export_id: str, recording_id: str) -> str:
    """The id rows of one recording share in one export; recomputable for verify-purge."""
    return hashlib.sha256(f"conv\x00{export_id}\x00{recording_id}".encode()).hexdigest()[:16]


def replacement_ranges(seg: RedactedSegment) -> tuple[tuple[int, int, str], ...] | None:
    """Offsets (in the redacted text) of every replacement, or None when they cannot be known.

    ``seg.spans`` are the merged spans in raw offsets, in order; untouched text keeps its
    length, so the replacement of span i starts at ``span.start + shift`` where ``shift`` is
    the length change of the replacements before it, and the word there carries it.
    """
    if not seg.spans:
        return ()
    starts = {w.char_start: w for w in seg.words}
    out = []
    shift = 0
    for sp in sorted(seg.spans, key=lambda s: s.start):
        word = starts.get(sp.start + shift)
        if word is None:
            return None
        out.append((word.char_start, word.char_end, sp.label))
        shift += (word.char_end - word.char_start) - (sp.end - sp.start)
    return tuple(out)


def speaker_labels(transcript: RedactedTranscript) -> dict[str, str]:
    """Map each speaker label to a role or ``speaker_N``: labels can be people's names."""
    mapping: dict[str, str] = {}
    n = 0
    for seg in transcript.segments:
        label = seg.speaker
        if label in mapping:
            continue
        low = label.strip().lower()
        if low in SAFE_ROLES:
            mapping[label] = low
        else:
            n += 1
            mapping[label] = f"speaker_{n}"
    return mapping


def rows_of(recording_id: str, transcript: RedactedTranscript) -> tuple[list[Row], int]:
    """The candidate rows of one recording, and how many had unknown replacement ranges.

    A segment whose replacements cannot be located gets an empty range list: the gate then
    scans every character of it, surrogates included (stricter, never laxer).
    """
    speakers: Mapping[str, str] = speaker_labels(transcript)
    rows = []
    unknown = 0
    for seg in transcript.segments:
        ranges = replacement_ranges(seg)
        if ranges is None:
            unknown += 1
            ranges = ()
        rows.append(
            Row(
                recording_id,
                seg.index,
                speakers[seg.speaker],
                float(seg.start_s),
                float(seg.end_s),
                seg.text,
                transcript.language,
                ranges,
            )
        )
    return rows, unknown


def dedup_key(row: Row) -> str:
    """The identity of an utterance for duplicate removal.

    Unicode-normalised, case-folded, punctuation dropped, whitespace collapsed, and each
    replacement replaced by its label, so the same sentence with different surrogates is one.
    """
    parts = []
    pos = 0
    for a, b, label in row.replaced:
        parts.append(row.text[pos:a])
        parts.append(f" <{label.lower()}> ")
        pos = b
    parts.append(row.text[pos:])
    text = unicodedata.normalize("NFKC", "".join(parts)).casefold()
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
