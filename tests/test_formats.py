"""Transcript formats: imports (Zoom/Teams VTT, SRT, AWS JSON), exports and their round trip."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import webvtt
from typer.testing import CliRunner

from redactor.cli import app
from redactor.errors import InputError
from redactor.formats import read_transcript, render
from redactor.store import open_store
from redactor.types import RedactedSegment, RedactedTranscript, Word
from tests.conftest import FIXTURES

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "kind", "speakers", "segments"),
    [
        ("meeting_zoom.vtt", "vtt", {"Alex Carter", "John Smith"}, 9),
        ("meeting_teams.vtt", "vtt", {"Sam Lee", "Jane Doe"}, 9),
        ("meeting.srt", "srt", {"speaker"}, 9),
        ("call_aws.json", "aws", {"spk_0", "spk_1"}, 9),
    ],
)
def test_formats_import_fixture(name: str, kind: str, speakers: set[str], segments: int) -> None:
    t = read_transcript(FIXTURES / name)
    assert t.source_kind == kind
    assert {s.speaker for s in t.segments} == speakers
    assert len(t.segments) == segments
    assert any(s.start_s % 1 for s in t.segments)  # milliseconds kept
    for seg in t.segments:
        assert seg.words and all(seg.text[w.char_start : w.char_end] == w.text for w in seg.words)
        assert seg.start_s <= seg.words[0].start_s and seg.words[-1].end_s <= seg.end_s + 1e-6


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("bad.vtt", "WEBVTT\n\n00:00:01.000 --> garbage\nhello\n", "malformed VTT"),
        ("bad.vtt", "not a vtt at all\n", "malformed VTT"),
        ("notes.log", "not a transcript at all\n", "accepted formats: WebVTT; SRT; AWS"),
        ("bad.srt", "1\n00:00:01,000 -> 00:00:02,000\nhello\n", "malformed SRT"),
        ("other.json", '{"hello": "world"}', "JSON of no known transcript format"),
        ("broken.json", "{", "not valid JSON"),
        (
            "items.json",
            '{"results": {"items": [{"type": "pronunciation"}]}}',
            "AWS Transcribe item",
        ),
    ],
)
def test_formats_bad_input_clear_error_exit_2_nothing_stored(
    tmp_path: Path, name: str, content: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=problem):
        read_transcript(path)
    db = tmp_path / "r.db"
    res = runner.invoke(app, ["process", str(path), "--store", str(db)])
    assert res.exit_code == 2 and problem in res.output and str(path) in res.output
    assert not open_store(str(db)).recordings.all()


def _sample() -> RedactedTranscript:
    words = (Word("Hi", 0.0, 0.4, 0, 2), Word("[PERSON_1].", 0.5, 1.2, 3, 14))
    segs = (
        RedactedSegment(0, "[PERSON_2]", 0.0, 1.2, "Hi [PERSON_1].", words),
        RedactedSegment(1, "agent", 1.5, 3.25, "a < b & c", ()),
    )
    return RedactedTranscript(segs, "support", ("placeholder.v1",), "det/v1", duration_s=3.25)


def test_formats_vtt_and_srt_parse_back_with_webvtt() -> None:
    t = _sample()
    vtt = webvtt.from_buffer(io.StringIO(render(t, "r1", "vtt")))
    assert [c.voice for c in vtt.captions] == ["[PERSON_2]", "agent"]
    assert [(c.start, c.end) for c in vtt.captions] == [
        ("00:00:00.000", "00:00:01.200"),
        ("00:00:01.500", "00:00:03.250"),
    ]
    srt = webvtt.from_buffer(io.StringIO(render(t, "r1", "srt")), format="srt")
    assert [c.text for c in srt.captions] == ["[PERSON_2]: Hi [PERSON_1].", "agent: a < b & c"]


def test_formats_json_schema() -> None:
    doc: dict[str, Any] = json.loads(render(_sample(), "r1", "json"))
    assert doc["schema"] == "redactor.transcript.v1"
    assert {"id", "policy", "operators", "detector", "duration", "speakers", "segments"} <= set(doc)
    assert doc["speakers"] == ["[PERSON_2]", "agent"] and doc["operators"] == ["placeholder.v1"]
    seg = doc["segments"][0]
    assert set(seg) >= {"speaker", "start", "end", "text", "words", "spans"}
    assert seg["words"][1] == {"word": "[PERSON_1].", "start": 0.5, "end": 1.2}


@pytest.mark.parametrize(
    "name", ["meeting_zoom.vtt", "meeting_teams.vtt", "meeting.srt", "call_aws.json"]
)
@pytest.mark.slow  # runs the real detector or speech model
def test_formats_process_import_cli_redacts(
    tmp_path: Path, fixture_info: dict[str, Any], name: str
) -> None:
    """``redactor process meeting.vtt`` works like an audio file; no listed value survives."""
    db = str(tmp_path / "r.db")
    res = runner.invoke(app, ["process", str(FIXTURES / name), "--store", db, "--id", "m1"])
    assert res.exit_code == 0, res.output
    for fmt in ("txt", "vtt", "srt", "json"):
        for policy in ("support", "training"):
            out = runner.invoke(app, ["show", "m1", "--store", db, "-f", fmt, "--policy", policy])
            assert out.exit_code == 0
            low = out.output.casefold()
            for pii in fixture_info[name]["pii"]:
                assert pii["text"].casefold() not in low, (fmt, policy, pii["type"])
                assert pii["value"].casefold() not in low, (fmt, policy, pii["type"])
