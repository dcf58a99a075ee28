"""Readers: every vendor format of ``fixtures/formats`` (written to each vendor's schema)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redactor.errors import InputError
from redactor.formats import read_transcript
from tests.conftest import FIXTURES

FORMATS = FIXTURES / "formats"
TWO = {"speaker_0", "speaker_1"}
NAMED = {"Dana Reyes", "Emily Jones"}
# The dialogue: 4 turns, the first at 0.5 s, the last ending at 15.0 s (fixtures/formats).
TURN_STARTS = [0.5, 4.0, 9.5, 12.5]


@pytest.mark.parametrize(
    ("name", "kind", "speakers", "confidences"),
    [
        ("deepgram_utterances.json", "deepgram", TWO, True),
        ("deepgram_words.json", "deepgram", TWO, True),
        ("deepgram_multichannel.json", "deepgram", {"channel_0", "channel_1"}, True),
        ("assemblyai.json", "assemblyai", {"speaker_A", "speaker_B"}, True),
        ("whisper_openai.json", "whisper", {"speaker"}, False),
        ("whisperx.json", "whisper", {"SPEAKER_00", "SPEAKER_01"}, False),
        ("whisper_timestamped.json", "whisper", {"speaker"}, False),
        ("whispercpp.json", "whispercpp", {"speaker"}, False),
        ("hf_chunks.json", "hf-chunks", {"speaker"}, False),
        ("revai.json", "revai", TWO, False),
        ("aws_channels.json", "aws", {"channel_0", "channel_1"}, False),
        ("aws_plain.json", "aws", {"speaker"}, False),
        ("teams_export.txt", "text", NAMED, False),
        ("pyannote.txt", "text", {"SPEAKER_00", "SPEAKER_01"}, False),
        ("timed.txt", "text", NAMED, False),
        ("zoom_export.txt", "text", NAMED, False),
        ("youtube_auto.vtt", "vtt", {"speaker"}, False),
    ],
)
def test_formats_reader_keeps_turns_speakers_times(
    name: str, kind: str, speakers: set[str], confidences: bool
) -> None:
    t = read_transcript(FORMATS / name)
    assert t.source_kind == kind and t.source["format"] == kind
    assert {s.speaker for s in t.segments} == speakers
    starts = [s.start_s for s in t.segments]
    assert starts == sorted(starts)
    # Speaker turns, or a sentence end and a pause, cut the segments; whole-second layouts
    # ([00:00:04] Name:) round the times down.
    assert starts == pytest.approx(
        TURN_STARTS, abs=0.5 if t.source.get("layout") in ("timed", "zoom") else 0.01
    )
    text = t.text.lower()
    assert text.count("emily jones") == 1 and "emily.jones@example.com" in text  # one copy
    for seg in t.segments:
        assert seg.words and all(seg.text[w.char_start : w.char_end] == w.text for w in seg.words)
        assert seg.start_s <= seg.words[0].start_s and seg.words[-1].end_s <= seg.end_s + 1e-6
    if confidences:  # the vendor's per-word confidence, not a default
        assert len({w.probability for s in t.segments for w in s.words}) > 1


@pytest.mark.parametrize("name", ["whisper_openai.json", "youtube_auto.vtt", "hf_chunks.json"])
def test_formats_reader_keeps_word_times(name: str) -> None:
    """Word times are the file's own (each fixture word: 0.3 s, 0.05 s apart)."""
    t = read_transcript(FORMATS / name)
    first = t.segments[0].words
    assert [round(w.start_s, 2) for w in first[:3]] == [0.5, 0.85, 1.2]


def test_formats_whisperx_unaligned_number_gets_neighbour_interval() -> None:
    t = read_transcript(FORMATS / "whisperx.json")
    number = next(w for s in t.segments for w in s.words if w.text.startswith("312"))
    assert number.start_s >= 6.45 and number.end_s <= 7.1 + 1e-6


def test_formats_named_lines_without_times() -> None:
    t = read_transcript(FORMATS / "named.txt")
    assert [s.speaker for s in t.segments] == ["SPEAKER_00", "SPEAKER_01"] * 2
    assert t.source == {"format": "text", "layout": "named", "timed": False}


@pytest.mark.parametrize(
    ("name", "layout", "senders"),
    [
        ("chat.jsonl", "jsonl", {"+1 312 555 0101", "emily.jones@example.com"}),
        ("sms.csv", "csv", {"+1 312 555 0101", "emily.jones@example.com"}),
        ("zoom_chat.txt", "zoom-chat", NAMED),
    ],
)
def test_formats_message_logs(name: str, layout: str, senders: set[str]) -> None:
    t = read_transcript(FORMATS / name)
    assert t.source_kind == "messages" and t.source["layout"] == layout
    assert {s.speaker for s in t.segments} == senders
    assert len(t.segments) == 3
    assert [s.text.split()[0] for s in t.segments] == ["Hi,", "Thanks!", "Sure,"]
    if layout != "zoom-chat":  # ISO times: seconds after the first message
        assert [s.start_s for s in t.segments] == [0.0, 90.0, 305.0]


def test_formats_chosen_by_content_not_extension(tmp_path: Path) -> None:
    """A Deepgram file named .txt and captions named .json are still read as what they are."""
    dg = tmp_path / "deepgram.txt"
    dg.write_bytes((FORMATS / "deepgram_words.json").read_bytes())
    assert read_transcript(dg).source_kind == "deepgram"
    vtt = tmp_path / "captions.json"
    vtt.write_bytes((FIXTURES / "meeting_zoom.vtt").read_bytes())
    assert read_transcript(vtt).source_kind == "vtt"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"results": {"channels": [{"alternatives": [{}]}]}}', "Deepgram result without words"),
        ('{"words": [{"text": "a", "start": "x", "end": 1}], "audio_duration": 1}', "not a number"),
        ('{"segments": [{"text": "hi", "start": -1, "end": 1}]}', "not a time"),
        ('{"monologues": [{"speaker": 0, "elements": [{"type": "text"}]}]}', "Rev.ai element"),
        ("[]", "JSON of no known transcript format"),
        ('{"from": "a", "text": "hi"}\n{"from": "b", "text": "yo"}\n', "not valid JSON"),
        ("just some prose\nwith no speakers\n", "accepted formats: WebVTT; SRT"),
        ('{"from": "a", "ts": "noon", "text": "hi"}\n', "message time is not ISO 8601"),
    ],
)
def test_formats_bad_vendor_files_name_the_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "input.json"
    if "\n" in content:
        path = path.with_suffix(".jsonl" if content.startswith("{") else ".txt")
    path.write_text(content)
    with pytest.raises(InputError, match=problem) as err:
        read_transcript(path)
    assert str(path) in str(err.value)


def test_formats_aws_items_only_under_channel_labels(tmp_path: Path) -> None:
    """Channel-identification output may carry its items only per channel."""
    data = json.loads((FORMATS / "aws_channels.json").read_text())
    del data["results"]["items"]
    path = tmp_path / "asr.json"
    path.write_text(json.dumps(data))
    t = read_transcript(path)
    assert [s.speaker for s in t.segments] == ["channel_0", "channel_1"] * 2
    assert t.segments[1].text == "Hi, this is Emily Jones. My number is 312-555-0164."


def test_formats_folder_walk_takes_transcript_extensions_only(tmp_path: Path) -> None:
    """In a folder, notes such as SOURCES.tsv or a sidecar are not inputs; named, a file is."""
    from redactor.ingest import discover

    for name in ("a.vtt", "b.jsonl", "SOURCES.tsv", "a.vtt.meta.json"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in discover([tmp_path])] == ["a.vtt", "b.jsonl"]  # type: ignore[union-attr]
    assert [p.name for p in discover([tmp_path / "SOURCES.tsv"])] == ["SOURCES.tsv"]  # type: ignore[union-attr]
