"""Rev.ai transcript JSON (``monologues[].elements[]``).

Each monologue is one speaker's turn (``speaker``: 0, 1, ... gives ``speaker_0``, ...), cut
further at pauses and sentence ends; ``text`` elements are words with ``ts``/``end_ts`` and
``confidence``, ``punct`` elements attach to the word before them (spaces are dropped).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.formats.build import WordT, cut_turns, num, source_words, transcript, word_segments
from redactor.types import RedactedTranscript, Transcript

__all__ = ["read_revai", "sniff_revai", "write_revai"]


def sniff_revai(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("monologues"), list)


def read_revai(path: Path, data: Any) -> Transcript:
    pairs: list[tuple[str, WordT]] = []
    try:
        for turn, mono in enumerate(data["monologues"]):
            # The turn number keeps two monologues of one speaker apart, as Rev.ai had them.
            key = f"{mono.get('speaker', '')}\x00{turn}"
            for el in mono["elements"]:
                value = str(el.get("value", ""))
                if el.get("type") == "text":
                    start = num(el["ts"], path, "an element's ts")
                    end = num(el["end_ts"], path, "an element's end_ts")
                    conf = num(el.get("confidence", 1.0), path, "an element's confidence")
                    pairs.append((key, (value, start, end, conf)))
                elif value.strip() and pairs and pairs[-1][0] == key:
                    spk, w = pairs[-1]
                    pairs[-1] = (spk, (w[0] + value.strip(), w[1], w[2], w[3]))
    except (KeyError, TypeError, AttributeError):
        raise InputError(f"{path}: Rev.ai element without value or times") from None
    turns = cut_turns(pairs)
    segments = word_segments(turns)
    named = []
    for seg, t in zip(segments, turns, strict=True):
        label = t.speaker.split("\x00")[0]
        speaker = f"speaker_{label}" if label != "" else "speaker"
        named.append(type(seg)(seg.index, speaker, seg.start_s, seg.end_s, seg.text, seg.words))
    return transcript(
        path,
        named,
        kind="revai",
        producer="import/revai.v1",
        source={"format": "revai"},
    )


def write_revai(t: RedactedTranscript) -> dict[str, Any]:
    monologues = []
    for seg in t.segments:
        elements: list[dict[str, Any]] = []
        for i, w in enumerate(source_words(seg)):
            core = w.text.rstrip(".,?!;:") or w.text
            if i:
                elements.append({"type": "punct", "value": " "})
            elements.append(
                {
                    "type": "text",
                    "value": core,
                    "ts": round(w.start_s, 3),
                    "end_ts": round(w.end_s, 3),
                    "confidence": round(w.probability, 4),
                }
            )
            for p in w.text[len(core) :]:
                elements.append({"type": "punct", "value": p})
        label = seg.speaker.removeprefix("speaker_")
        monologues.append({"speaker": int(label) if label.isdigit() else 0, "elements": elements})
    return {"monologues": monologues}
