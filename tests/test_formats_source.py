"""``show --format source``: the redacted transcript in its input's own format, round trip.

Every fixture of ``fixtures/formats`` (and the older VTT/SRT/AWS fixtures) goes through the
real pipeline; its source-format output is parsed again by the same reader and must give the
redacted transcript (same redacted words, speakers and times), with no raw value anywhere in
the output bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.formats import read_transcript
from tests.conftest import FIXTURES

runner = CliRunner()
FORMATS = FIXTURES / "formats"
NAMES = sorted(p.name for p in FORMATS.iterdir() if p.suffix != ".py")
OLDER = ["meeting_zoom.vtt", "meeting_teams.vtt", "meeting.srt", "call_aws.json"]
# Raw values of the fixtures: fixtures/formats/make_formats.py and fixtures/fixtures.json.
RAW = [
    "Emily Jones",
    "312-555-0164",
    "312 555 0164",
    "emily.jones@example.com",
    "+1 312 555 0101",
    "John Smith",
    "646-555-0143",
]


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("source") / "r.db"
    paths = [str(FORMATS / n) for n in NAMES] + [str(FIXTURES / n) for n in OLDER]
    res = runner.invoke(app, ["process", *paths, "--store", str(db), "--json"])
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert res.exit_code == 0, res.output
    return db, {Path(r["path"]).name: r["id"] for r in rows}


def _show(db: Path, rid: str, fmt: str) -> str:
    res = runner.invoke(app, ["show", rid, "--store", str(db), "--format", fmt])
    assert res.exit_code == 0, res.output
    return res.stdout


def _words(segments: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(speaker, word) of the redacted text: a redacted value is one word, its punctuation
    kept ("[PERSON_2]."), as the source writers write it."""
    return [(s["speaker"], tok) for s in segments for tok in s["text"].split()]


@pytest.mark.parametrize("name", NAMES + OLDER)
def test_formats_source_round_trip(
    stored: tuple[Path, dict[str, str]], tmp_path: Path, name: str
) -> None:
    db, ids = stored
    redacted = json.loads(_show(db, ids[name], "json"))
    out = _show(db, ids[name], "source")
    for value in RAW:  # redacted text AND redacted words, speakers, senders
        assert value not in out and value.lower() not in out.lower()
    again = tmp_path / name
    again.write_text(out, encoding="utf-8")
    back = read_transcript(again)
    original = read_transcript(FORMATS / name if (FORMATS / name).exists() else FIXTURES / name)
    # Rolling YouTube captions come back as plain, de-duplicated WebVTT.
    expected = original.source | ({"rolling": False} if original.source.get("rolling") else {})
    assert back.source_kind == original.source_kind and back.source == expected
    got = [(s.speaker, w.text) for s in back.segments for w in s.words]
    assert got == _words(redacted["segments"])  # the redacted transcript, word for word
    assert [s.text for s in back.segments] == [s["text"] for s in redacted["segments"]]
    whole_seconds = back.source.get("layout") in ("timed", "zoom", "zoom-chat")
    tolerance = 1.0 if whole_seconds else 0.002
    assert [s.start_s for s in back.segments] == pytest.approx(
        [s["start"] for s in redacted["segments"]], abs=tolerance
    )


def test_formats_source_keeps_vendor_shape(stored: tuple[Path, dict[str, str]]) -> None:
    """The keys downstream tools read are where the vendor puts them."""
    db, ids = stored
    dg = json.loads(_show(db, ids["deepgram_utterances.json"], "source"))
    word = dg["results"]["channels"][0]["alternatives"][0]["words"][0]
    assert set(word) >= {"word", "start", "end", "confidence", "punctuated_word", "speaker"}
    assert dg["results"]["utterances"][1]["speaker"] == 1
    aai = json.loads(_show(db, ids["assemblyai.json"], "source"))
    assert aai["words"][0]["start"] == 500 and aai["utterances"][1]["speaker"] == "B"
    aws = json.loads(_show(db, ids["aws_channels.json"], "source"))
    assert aws["results"]["channel_labels"]["number_of_channels"] == 2
    assert {i["type"] for i in aws["results"]["items"]} == {"pronunciation", "punctuation"}
    rev = json.loads(_show(db, ids["revai.json"], "source"))
    assert {e["type"] for m in rev["monologues"] for e in m["elements"]} == {"text", "punct"}
    wx = json.loads(_show(db, ids["whisperx.json"], "source"))
    assert "word_segments" in wx and "score" in wx["segments"][0]["words"][0]
    csv_out = _show(db, ids["sms.csv"], "source")
    assert csv_out.splitlines()[0] == "sender,sent_at,body"


def test_formats_source_refused_for_audio(tmp_path: Path) -> None:
    from redactor.errors import InputError
    from redactor.formats import render
    from redactor.types import RedactedTranscript

    with pytest.raises(InputError, match="not read from a transcript file"):
        render(RedactedTranscript((), "support", (), "d"), "rec-1", "source")
