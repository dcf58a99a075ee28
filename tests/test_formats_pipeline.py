"""Transcript files and message logs through ``redactor process``: languages, kind ``messages``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.redact import redact_speaker, speaker_label
from redactor.store import open_store
from tests.conftest import FIXTURES

runner = CliRunner()
FORMATS = FIXTURES / "formats"
GERMAN = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nHerzlich willkommen zu meiner Präsentation "
    "auf der Konferenz in Paderborn.\n\n00:00:06.000 --> 00:00:09.000\nDas Thema ist heute "
    "die Didaktik für Software Engineering.\n"
)
RAW_VALUES = ("312-555-0164", "312 555 0101", "emily.jones@example.com", "Emily Jones", "Emily")


def _process(db: Path, *paths: Path, extra: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app,
        ["process", *map(str, paths), "--store", str(db), "--json", *extra],
        catch_exceptions=False,
    )


@pytest.mark.slow  # runs the real detector or speech model
def test_formats_non_english_refused_naming_language_batch_continues(tmp_path: Path) -> None:
    german = tmp_path / "vortrag.vtt"
    german.write_text(GERMAN, encoding="utf-8")
    db = tmp_path / "r.db"
    res = _process(db, german, FORMATS / "deepgram_utterances.json")
    assert res.exit_code == 2
    rows = {Path(r["path"]).name: r for r in map(json.loads, res.stdout.splitlines())}
    assert rows["vortrag.vtt"]["status"] == "refused"
    assert "language is German (de)" in rows["vortrag.vtt"]["error"]
    assert "--allow-language de" in res.stderr and "Traceback" not in res.output
    assert rows["deepgram_utterances.json"]["status"] == "done"  # the batch went on
    assert [r.source_kind for r in open_store(str(db)).recordings.all()] == ["deepgram"]


@pytest.mark.slow  # runs the real detector or speech model
def test_formats_allowed_language_processed_and_labelled(tmp_path: Path) -> None:
    german = tmp_path / "vortrag.vtt"
    german.write_text(GERMAN, encoding="utf-8")
    db = tmp_path / "r.db"
    res = _process(db, german, extra=("--allow-language", "de", "--id", "talk-1"))
    assert res.exit_code == 0, res.output
    shown = runner.invoke(app, ["show", "talk-1", "--store", str(db)])
    assert json.loads(shown.stdout)["language"] == "de"
    listed = runner.invoke(app, ["list", "--store", str(db), "--json"])
    assert json.loads(listed.stdout)["language"] == "de"  # stored with the recording
    vtt = runner.invoke(app, ["show", "talk-1", "--store", str(db), "--format", "source"])
    # (English models over-redact German: "Präsentation" comes out as a PERSON; hence the
    # default refusal.)
    assert vtt.stdout.startswith("WEBVTT") and "Herzlich willkommen" in vtt.stdout


def test_formats_bad_language_code_is_usage_error(tmp_path: Path) -> None:
    res = _process(tmp_path / "r.db", FORMATS / "timed.txt", extra=("--allow-language", "../x"))
    assert res.exit_code == 2 and "not an ISO 639 language code" in res.output


@pytest.mark.slow  # runs the real detector or speech model
def test_formats_message_log_like_a_transcript(tmp_path: Path) -> None:
    """Stored as kind ``messages``; shown, in its own format too, summarised and purged, and
    the senders' phone number and e-mail appear nowhere outside the encrypted raw record."""
    db = tmp_path / "r.db"
    log = tmp_path / "chat.jsonl"
    shutil.copy(FORMATS / "chat.jsonl", log)
    res = _process(db, log, extra=("--id", "chat-1"))
    assert res.exit_code == 0, res.output
    listed = runner.invoke(app, ["list", "--store", str(db), "--json"])
    assert json.loads(listed.stdout)["kind"] == "messages"
    row = open_store(str(db)).recordings.get("chat-1")  # the table keeps redacted senders
    assert row.speakers and all(sp.startswith("[") for sp in row.speakers)
    assert row.language == "en"
    shown = json.loads(runner.invoke(app, ["show", "chat-1", "--store", str(db)]).stdout)
    assert len(shown["segments"]) == 3
    assert all(s["speaker"].startswith("[") for s in shown["segments"])  # senders redacted
    source = runner.invoke(app, ["show", "chat-1", "--store", str(db), "--format", "source"])
    rows = [json.loads(line) for line in source.stdout.splitlines()]
    assert [set(r) for r in rows] == [{"from", "timestamp", "text"}] * 3  # "to" is not kept
    assert rows[1]["timestamp"] == "2026-03-02T09:16:30+00:00"
    summary = runner.invoke(app, ["show", "chat-1", "--store", str(db), "--summary"])
    assert summary.exit_code == 0
    outputs = json.dumps(shown) + source.stdout + summary.stdout
    for value in RAW_VALUES:
        assert value not in outputs
    env = {"REDACTOR_ARTIFACTS": str(db.parent / "redactor-data")}
    purged = runner.invoke(
        app, ["purge", "chat-1", "--reason", "host-deleted", "--store", str(db)], env=env
    )
    assert purged.exit_code == 0 and json.loads(purged.stdout)["recording_id"] == "chat-1"
    verify = runner.invoke(app, ["verify-purge", "chat-1", "--store", str(db)], env=env)
    assert verify.exit_code == 0, verify.output


@pytest.mark.parametrize(
    ("sender", "label"),
    [
        ("+1 312 555 0101", "PHONE_NUMBER"),
        ("(312) 555-0101", "PHONE_NUMBER"),
        ("emily.jones@example.com", "EMAIL_ADDRESS"),
        ("Emily Jones", "PERSON"),
        ("12", "PERSON"),  # too few digits to be a number
    ],
)
def test_formats_sender_redacted_as_its_kind(sender: str, label: str) -> None:
    assert speaker_label(sender) == label
    assert redact_speaker(sender, lambda value, kind: f"[{kind}]") == f"[{label}]"


@pytest.mark.parametrize("generic", ["speaker_A", "Speaker B", "SPEAKER_00", "channel_1", "spk_3"])
def test_formats_generic_speaker_labels_kept(generic: str) -> None:
    assert redact_speaker(generic, lambda value, kind: "[X]") == generic


@pytest.mark.slow  # runs the real detector in-process (the CLI)
def test_formats_store_before_language_column_migrates(tmp_path: Path) -> None:
    """A store made before ``recordings.language`` gets the column, its recordings ``en``."""
    import sqlalchemy

    db = tmp_path / "old.db"
    assert _process(db, FORMATS / "timed.txt", extra=("--id", "t-1")).exit_code == 0
    engine = sqlalchemy.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # back to schema version 5
        conn.execute(sqlalchemy.text("ALTER TABLE recordings DROP COLUMN language"))
        conn.execute(sqlalchemy.text("DELETE FROM schema_migrations WHERE version = 6"))
    engine.dispose()
    st = open_store(str(db))
    from redactor.store.schema import MIGRATIONS

    assert st.schema_version == len(MIGRATIONS) and st.recordings.get("t-1").language == "en"
