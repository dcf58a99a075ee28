"""Acceptance: a dataset from the committed fixtures through the real pipeline, detector and CLI.

Mixed consent (one recording without consent, one with a participant who opted out); only the
consented ones appear; no fixture PII value appears in any file of the export; Parquet loads
with pyarrow, JSONL with the standard library, the card's front matter with PyYAML; purging a
recording rewrites the export and ``verify-purge`` confirms.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from redactor.cli import app
from redactor.detect import Detector
from redactor.executors import LocalPipeline
from redactor.store import open_store
from redactor.transcribe import FasterWhisperTranscriber
from redactor.types import RecordingMeta
from tests.conftest import FIXTURES, digits

runner = CliRunner()
TRANSCRIPTS = ("meeting_zoom.vtt", "meeting_teams.vtt", "meeting.srt", "call_aws.json")


def _spoken_vtt(info: dict[str, Any], path: Path) -> None:
    """The support call's script as captions: PII spoken in words, as callers say it."""
    cues = ["WEBVTT", ""]
    for i, s in enumerate(info["call_support.flac"]["sentences"]):
        a, b = s["start"], s["end"]
        cues += [f"00:00:{a:06.3f} --> 00:00:{b:06.3f}", f"{s['speaker']}: {s['text']}", ""]
        assert i < 60
    path.write_text("\n".join(cues))


@pytest.fixture(scope="module")
def exported(
    tmp_path_factory: pytest.TempPathFactory,
    detector: Detector,
    transcriber: FasterWhisperTranscriber,
    fixture_info: dict[str, Any],
) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("export")
    db = str(root / "store" / "redactor.db")
    st = open_store(db)
    pipeline = LocalPipeline(store=st, transcriber=transcriber, detector=detector)
    spoken = root / "spoken_call.vtt"
    _spoken_vtt(fixture_info, spoken)
    ids = {}
    for path in [*(FIXTURES / n for n in TRANSCRIPTS), spoken]:
        meta = RecordingMeta(host="acme", consent_training=path.name != "meeting.srt")
        result = pipeline.process_file(path, meta)
        assert result.status == "done", result.error
        ids[path.name] = result.recording_id
    opted = runner.invoke(
        app, ["consent", ids["call_aws.json"], "--opt-out", "customer", "--store", db]
    )
    assert opted.exit_code == 0, opted.output
    out = root / "dataset"
    done = runner.invoke(app, ["export-dataset", str(out), "--store", db, "--seed", "5"])
    assert done.exit_code == 0, done.output
    return {"db": db, "ids": ids, "out": out, "report": done.output}


def _rows(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for f in sorted(out.glob("data/*/*.parquet")):
        rows += pq.read_table(f).to_pylist()
    return rows


def test_export_fixtures_only_consented_recordings_appear(exported: dict[str, Any]) -> None:
    ids, out = exported["ids"], exported["out"]
    included = set(json.loads((out / "manifest.json").read_text())["recordings"])
    assert included <= {ids["meeting_zoom.vtt"], ids["meeting_teams.vtt"], ids["spoken_call.vtt"]}
    assert {ids["meeting_zoom.vtt"], ids["meeting_teams.vtt"]} <= included
    mapped = {
        json.loads(ln)["recording_id"] for ln in (out / "manifest.jsonl").read_text().splitlines()
    }
    assert mapped == included
    assert "skipped: no-consent 1, opted-out 1" in exported["report"]
    assert re.search(r"rows: \d+ written of \d+ candidates", exported["report"])


def test_export_fixtures_no_pii_value_in_any_file(
    exported: dict[str, Any], fixture_info: dict[str, Any]
) -> None:
    out: Path = exported["out"]
    blob = "\n".join(
        p.read_text("utf-8") for p in out.rglob("*") if p.is_file() and p.suffix != ".parquet"
    )
    rows = _rows(out)
    assert rows, "the export has rows"
    speakers = {str(r["speaker"]) for r in rows}
    assert all(re.fullmatch(r"agent|customer|speaker(_\d+)?", s) for s in speakers)
    recording_of = {
        json.loads(ln)["row_id"]: json.loads(ln)["recording_id"]
        for ln in (out / "manifest.jsonl").read_text().splitlines()
    }
    source = {**exported["ids"], "call_support.flac": exported["ids"]["spoken_call.vtt"]}
    for name in ("call_support.flac", *TRANSCRIPTS):
        for pii in fixture_info[name]["pii"]:
            value = pii["value"]
            # whole words: the card's "the same rows" is not the agent "Sam"
            assert not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", blob, re.I), (
                name,
                pii["type"],
            )
            for row in rows:
                text = str(row["text"])
                low = text.casefold()
                assert value.casefold() not in low, (name, pii["type"])
                if pii["type"] in {"PHONE_NUMBER", "CREDIT_CARD"}:
                    assert digits(value) not in digits(text), (name, pii["type"])
                if pii.get("spoken"):
                    assert pii["spoken"].casefold() not in low, (name, pii["type"])
                if pii["type"] == "EMAIL_ADDRESS":
                    assert value.split("@")[0].casefold() not in low, (name, pii["type"])
                # A lone first name is only a leak in its own call: another call's surrogate
                # may well be a "John" too.
                if pii["type"] == "PERSON" and recording_of[row["id"]] == source[name]:
                    for part in value.split():
                        assert not re.search(rf"\b{part}\b", text, re.I), (name, "PERSON")


def test_export_fixtures_files_load_with_standard_tools(exported: dict[str, Any]) -> None:
    out: Path = exported["out"]
    parquet = _rows(out)
    jsonl = [
        json.loads(line)
        for f in sorted(out.glob("data/*/*.jsonl"))
        for line in f.read_text("utf-8").splitlines()
    ]
    assert sorted(parquet, key=lambda r: r["id"]) == sorted(jsonl, key=lambda r: r["id"])
    assert set(parquet[0]) == {
        "id",
        "conversation_id",
        "turn",
        "speaker",
        "start",
        "end",
        "text",
        "language",
    }
    card = (out / "README.md").read_text("utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    assert front["license"] and front["language"] == ["en"]
    assert front["task_categories"] == ["text-generation"]
    assert front["size_categories"] == ["n<1K"]
    assert front["configs"][0]["data_files"][0]["path"].endswith(".parquet")
    assert "## Personal and Sensitive Information" in card


def test_export_fixtures_purge_rewrites_export_and_verify_confirms(
    exported: dict[str, Any],
) -> None:
    db, out = exported["db"], exported["out"]
    rid = exported["ids"]["meeting_zoom.vtt"]
    conv = json.loads((out / "manifest.json").read_text())["recordings"][rid]["conversation_id"]
    purged = runner.invoke(app, ["purge", rid, "--reason", "host-deleted", "--store", db])
    assert purged.exit_code == 0, purged.output
    assert json.loads(purged.output)["counts"]["dataset_export"] == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["dataset_version"] == 2 and rid not in manifest["recordings"]
    assert conv not in {r["conversation_id"] for r in _rows(out)}
    assert rid not in (out / "manifest.jsonl").read_text()
    verified = runner.invoke(app, ["verify-purge", rid, "--store", db])
    assert verified.exit_code == 0, verified.output
    assert "ok: nothing of" in verified.output
