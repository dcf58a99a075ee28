"""The CLI contract from DESIGN.md: process/show/list, exit codes, bad input, no PII leaks."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.store import open_store
from tests.conftest import FIXTURES

runner = CliRunner()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDACTOR_LOG_LEVEL": "DEBUG"}
    return subprocess.run(
        [sys.executable, "-c", "from redactor.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.slow  # real models in child processes
def test_cli_process_show_list_roundtrip_and_canary(tmp_path: Path) -> None:
    """Canary: a known phone number leaves no trace in logs (DEBUG), output or errors."""
    db = str(tmp_path / "r.db")
    audio = tmp_path / "call.wav"
    shutil.copy(FIXTURES / "short_phone.wav", audio)
    done = _cli("process", str(audio), "--store", db)
    assert done.returncode == 0, done.stderr
    rid, status, path = done.stdout.strip().split("\t")
    assert (status, path) == ("done", str(audio))
    shown = [_cli("show", rid, "--store", db, "--format", f) for f in ("txt", "json", "vtt", "srt")]
    listed = _cli("list", "--store", db)
    assert listed.stdout.split("\t")[0] == rid
    again = _cli("process", str(audio), "--store", db)
    assert again.stdout.strip().split("\t")[1] == "skipped"
    everything = "".join(p.stdout + p.stderr for p in [done, *shown, listed, again])
    assert "[" in shown[0].stdout, "something was redacted"
    lowered = everything.lower()
    for leak in ("6465552819", "646-555", "646, 555", "six four six five five five"):
        assert leak not in lowered.replace("\n", " ")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.wav", b"", "empty"),
        ("notes.wav", b"this is a text file, not audio\n" * 20, "cannot decode"),
        ("corrupt.flac", b"fLaC\x00\x00\x00\x22" + bytes(range(256)) * 8, "cannot decode"),
        ("notes.txt", b"hello", "not a recognised transcript or message log"),
        ("notes.bin", b"\xff\xfe\x00garbage", "not valid UTF-8"),
    ],
)
def test_cli_process_bad_file_exits_2_and_stores_nothing(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    db = str(tmp_path / "r.db")
    result = runner.invoke(app, ["process", str(bad), "--store", db])
    assert result.exit_code == 2
    assert problem in result.stderr and str(bad) in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert open_store(db).recordings.all() == []


def test_cli_process_missing_path_and_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty_dir"
    empty.mkdir()
    db = str(tmp_path / "r.db")
    result = runner.invoke(app, ["process", str(tmp_path / "nope.wav"), str(empty), "--store", db])
    assert result.exit_code == 2
    assert "no such file" in result.stderr and "no audio or transcript" in result.stderr
    assert result.stdout.count("\tfailed\t") == 2


@pytest.mark.slow  # runs the real detector or speech model
def test_cli_batch_keeps_going_after_a_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(FIXTURES / "silence.wav", folder / "a_silence.wav")
    (folder / "b_broken.wav").write_bytes(b"RIFF\x00\x00not a wave")
    db = str(tmp_path / "r.db")
    result = runner.invoke(app, ["process", str(folder), "--store", db])
    assert result.exit_code == 2
    lines = dict((ln.split("\t")[2], ln.split("\t")[1]) for ln in result.stdout.splitlines())
    assert lines == {str(folder / "a_silence.wav"): "done", str(folder / "b_broken.wav"): "failed"}
    assert len(open_store(db).recordings.all()) == 1


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "..", "%2e%2e", "x'; DROP TABLE recordings;--"])
def test_cli_hostile_ids_are_rejected(tmp_path: Path, bad_id: str) -> None:
    db = str(tmp_path / "r.db")
    shown = runner.invoke(app, ["show", bad_id, "--store", db])
    assert shown.exit_code == 2 and "invalid recording id" in shown.stderr
    made = runner.invoke(
        app, ["process", str(FIXTURES / "silence.wav"), "--id", bad_id, "--store", db]
    )
    assert made.exit_code == 2
    assert open_store(db).recordings.all() == []


@pytest.mark.slow  # runs the real detector or speech model
def test_cli_sidecar_metadata_is_read(tmp_path: Path) -> None:
    audio = tmp_path / "quiet.wav"
    shutil.copy(FIXTURES / "silence.wav", audio)
    (tmp_path / "quiet.wav.meta.json").write_text(
        '{"host": "acme", "recording_id": "call-0001", "consent_training": true,'
        ' "participants": [{"role": "customer", "channel": 1,'
        ' "identifier": "pat@example.com", "opted_out": true}]}'
    )
    db = str(tmp_path / "r.db")
    result = runner.invoke(app, ["process", str(audio), "--store", db])
    assert result.exit_code == 0, result.stderr
    st = open_store(db)
    row = st.recordings.get("call-0001")
    assert (row.host, row.consent_training) == ("acme", True)
    with st.engine.connect() as conn:
        (part,) = conn.exec_driver_sql(
            "SELECT role, channel, opted_out, subject_hash FROM participants"
        ).all()
    # the identifier is kept only as a keyed hash, for data-subject requests
    assert part[:3] == ("customer", 1, 1)
    assert part[3] == st.subjects.hash("PAT@example.com ") and "pat" not in part[3]


def test_cli_help_lists_every_command_in_readme() -> None:
    readme = (FIXTURES.parent / "README.md").read_text()
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = [c.name for c in app.registered_commands if c.name] + [
        c.callback.__name__.replace("_", "-")
        for c in app.registered_commands
        if not c.name and c.callback
    ]
    for command in commands:
        assert f"redactor {command}" in readme, f"README does not document `redactor {command}`"


def test_store_tables_have_no_plaintext_pii(
    processed: tuple[object, dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store, ids = processed
    assert "Smith" not in repr(store) + repr(
        store.recordings.raw_transcript(ids["call_support.flac"])
    )
