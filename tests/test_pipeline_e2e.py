"""The spine end to end on the real models: a recording in, a stored redacted transcript out."""

from __future__ import annotations

import re
from typing import Any

import pytest

from redactor.formats import render
from redactor.store import Store
from tests.conftest import digits


def _pii(fixture_info: dict[str, Any], name: str, kinds: set[str]) -> list[str]:
    return [p["value"] for p in fixture_info[name]["pii"] if p["type"] in kinds]


def _no_value(text: str, value: str) -> None:
    """Neither the value nor its digits (however grouped) may survive."""
    assert value.lower() not in text.lower()
    if sum(c.isdigit() for c in value) >= 4:
        assert digits(value) not in digits(text)
    for part in value.split():
        if part[:1].isupper() and len(part) > 2:  # a name part, e.g. "Smith"
            assert not re.search(rf"\b{re.escape(part)}\b", text, re.I), "name part survives"


@pytest.mark.parametrize("name", ["call_support.flac", "call_stereo.flac"])
@pytest.mark.parametrize("fmt", ["txt", "json", "vtt", "srt"])
def test_pipeline_redacts_name_phone_card_everywhere(
    processed: tuple[Store, dict[str, str]], fixture_info: dict[str, Any], name: str, fmt: str
) -> None:
    store, ids = processed
    red = store.artifacts.redacted_transcript(ids[name])
    out = render(red, ids[name], fmt)
    words = " ".join(w.text for s in red.segments for w in s.words)
    assert red.segments, "a call transcribes to something"
    for value in _pii(fixture_info, name, {"PERSON", "PHONE_NUMBER", "CREDIT_CARD"}):
        _no_value(out, value)
        _no_value(words, value)


def test_pipeline_raw_transcript_is_kept_apart_and_encrypted(
    processed: tuple[Store, dict[str, str]],
) -> None:
    store, ids = processed
    rid = ids["call_support.flac"]
    raw = store.recordings.raw_transcript(rid)
    assert "Smith" in raw.text  # the raw copy is the unredacted one (encrypted at rest)
    with store.engine.connect() as conn:
        blob = conn.exec_driver_sql(
            "SELECT ciphertext FROM raw_transcripts WHERE recording_id = ?", (rid,)
        ).scalar_one()
    assert b"Smith" not in bytes(blob)
    kinds = {a.kind for a in store.artifacts.of(rid)}
    assert {"raw_transcript", "redacted_transcript"} <= kinds


def test_pipeline_silence_gives_empty_transcript(processed: tuple[Store, dict[str, str]]) -> None:
    store, ids = processed
    assert store.artifacts.redacted_transcript(ids["silence.wav"]).segments == ()


def test_pipeline_stereo_has_one_speaker_per_channel(
    processed: tuple[Store, dict[str, str]],
) -> None:
    store, ids = processed
    red = store.artifacts.redacted_transcript(ids["call_stereo.flac"])
    assert {s.speaker for s in red.segments} == {"agent", "customer"}
    starts = [s.start_s for s in red.segments]
    assert starts == sorted(starts), "segments interleaved by time"


def test_pipeline_word_times_are_inside_the_recording(
    processed: tuple[Store, dict[str, str]],
) -> None:
    store, ids = processed
    red = store.artifacts.redacted_transcript(ids["call_support.flac"])
    for seg in red.segments:
        for w in seg.words:
            assert 0 <= w.start_s <= w.end_s <= red.duration_s + 0.01
            assert seg.text[w.char_start : w.char_end] == w.text
