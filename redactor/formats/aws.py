"""AWS Transcribe JSON (``results.items``): plain, ``speaker_labels`` or ``channel_labels``.

Speakers come from each item's ``speaker_label`` (or the ``speaker_labels.segments`` items by
start time); with ``channel_labels`` each channel is one speaker (``channel_0``, ...). Items
are cut into segments at speaker changes, pauses and sentence ends (``build.cut_turns``), so a
file without speaker labels is not one long segment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.formats.build import (
    WordT,
    cut_channels,
    cut_turns,
    num,
    source_words,
    transcript,
    word_segments,
)
from redactor.types import RedactedTranscript, Transcript

__all__ = ["read_aws", "sniff_aws", "write_aws"]


def sniff_aws(data: Any) -> bool:
    results = data.get("results") if isinstance(data, dict) else None
    return isinstance(results, dict) and (
        isinstance(results.get("items"), list) or isinstance(results.get("channel_labels"), dict)
    )


def _items(results: Any) -> list[Any]:
    """``results.items``; older channel-identification output has them only per channel."""
    if results.get("items"):
        return list(results["items"])
    out = []
    for ch in results["channel_labels"]["channels"]:
        out += [{"channel_label": ch["channel_label"], **it} for it in ch["items"]]
    return out


def _channel_speaker(label: str) -> str:
    return "channel_" + label.removeprefix("ch_")


def read_aws(path: Path, data: Any) -> Transcript:
    results = data["results"]
    speaker_of: dict[str, str] = {}
    for seg in (results.get("speaker_labels") or {}).get("segments", []):
        for it in seg.get("items", []):
            speaker_of[str(it.get("start_time"))] = str(it.get("speaker_label", "speaker"))
    has_channels = isinstance(results.get("channel_labels"), dict)
    layout = "channels" if has_channels else "speakers" if speaker_of else "plain"
    words: list[tuple[str, WordT]] = []
    try:
        for it in _items(results):
            alt = it["alternatives"][0]
            text = str(alt["content"])
            if it.get("type") == "punctuation":
                # Attach to the last word of the same channel (channels may interleave).
                label = it.get("channel_label")
                for k in range(len(words) - 1, -1, -1):
                    if label is None or words[k][0] == _channel_speaker(str(label)):
                        spk, w = words[k]
                        words[k] = (spk, (w[0] + text, w[1], w[2], w[3]))
                        break
                continue
            start = num(it["start_time"], path, "an item's start_time")
            end = num(it["end_time"], path, "an item's end_time")
            if "speaker_label" in it:
                layout = "channels" if has_channels else "speakers"
                speaker = str(it["speaker_label"])
            elif has_channels and "channel_label" in it:
                speaker = _channel_speaker(str(it["channel_label"]))
            else:
                speaker = speaker_of.get(str(it["start_time"]), "speaker")
            conf = num(alt.get("confidence", 1.0), path, "an item's confidence")
            words.append((speaker, (text, start, end, conf)))
    except (KeyError, IndexError, TypeError, AttributeError):
        raise InputError(f"{path}: AWS Transcribe item without content or times") from None
    words.sort(key=lambda sw: sw[1][1])
    turns = cut_channels(words) if layout == "channels" else cut_turns(words)
    language = str(results.get("language_code") or data.get("language_code") or "")
    return transcript(
        path,
        word_segments(turns),
        kind="aws",
        producer="import/aws-transcribe.v2",
        source={"format": "aws", "layout": layout},
        language=language.split("-")[0].lower(),
    )


def _split_punct(word: str) -> tuple[str, str]:
    core = word.rstrip(".,?!;:")
    return (core, word[len(core) :]) if core else (word, "")


def write_aws(t: RedactedTranscript) -> dict[str, Any]:
    layout = t.source.get("layout", "plain")
    items: list[dict[str, Any]] = []
    label_segments = []
    channels: dict[str, list[dict[str, Any]]] = {}
    for seg in t.segments:
        seg_items = []
        for w in source_words(seg):
            core, punct = _split_punct(w.text)
            item: dict[str, Any] = {
                "start_time": f"{w.start_s:.3f}",
                "end_time": f"{w.end_s:.3f}",
                "alternatives": [{"confidence": f"{w.probability:.4f}", "content": core}],
                "type": "pronunciation",
            }
            if layout == "channels":
                label = "ch_" + seg.speaker.removeprefix("channel_")
                item["channel_label"] = label
                channels.setdefault(label, []).append(item)
            elif layout == "speakers":
                item["speaker_label"] = seg.speaker
            items.append(item)
            seg_items.append(item)
            for p in punct:
                mark: dict[str, Any] = {
                    "alternatives": [{"confidence": "0.0", "content": p}],
                    "type": "punctuation",
                }
                if layout == "channels":
                    mark["channel_label"] = item["channel_label"]
                    channels[item["channel_label"]].append(mark)
                items.append(mark)
        if layout == "speakers" and seg_items:
            label_segments.append(
                {
                    "start_time": f"{seg.start_s:.3f}",
                    "end_time": f"{seg.end_s:.3f}",
                    "speaker_label": seg.speaker,
                    "items": [
                        {k: i[k] for k in ("start_time", "end_time", "speaker_label")}
                        for i in seg_items
                    ],
                }
            )
    results: dict[str, Any] = {
        "transcripts": [{"transcript": " ".join(s.text for s in t.segments)}]
    }
    if layout == "speakers":
        speakers = {s["speaker_label"] for s in label_segments}
        results["speaker_labels"] = {"speakers": len(speakers), "segments": label_segments}
    if layout == "channels":
        results["channel_labels"] = {
            "channels": [{"channel_label": c, "items": its} for c, its in sorted(channels.items())],
            "number_of_channels": len(channels),
        }
    results["items"] = items
    results["language_code"] = t.language
    return {"jobName": "redacted", "results": results, "status": "COMPLETED"}
