"""``redactor export-dataset`` and ``redactor consent``: options, filters and exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from redactor.cli import app
from redactor.store import open_store
from redactor.store import schema as s
from tests.export_support import make_conversation

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "store" / "redactor.db")
    st = open_store(path)
    for i, host in enumerate(["acme", "acme", "globex", "acme"]):
        make_conversation(st, f"rec-{i}", host=host, consent=True)
    with st.begin() as conn:  # rec-0 is old
        conn.execute(
            update(s.recordings)
            .where(s.recordings.c.id == "rec-0")
            .values(created_at=datetime.now(UTC) - timedelta(days=90))
        )
    return path


def _included(out: Path) -> set[str]:
    return set(json.loads((out / "manifest.json").read_text())["recordings"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"rec-0", "rec-1", "rec-2", "rec-3"}),
        (["--host", "globex"], {"rec-2"}),
        (["--since", "30d"], {"rec-1", "rec-2", "rec-3"}),
        (
            ["--since", (datetime.now(UTC) - timedelta(days=1)).date().isoformat()],
            {"rec-1", "rec-2", "rec-3"},
        ),
    ],
)
@pytest.mark.slow  # runs the real detector or speech model
def test_export_cli_filters(db: str, tmp_path: Path, args: list[str], expected: set[str]) -> None:
    out = tmp_path / "ds"
    done = runner.invoke(app, ["export-dataset", str(out), "--store", db, *args])
    assert done.exit_code == 0, done.output
    assert _included(out) == expected
    assert "rows/s" in done.output and "residual-PII gate:" in done.output


@pytest.mark.slow  # runs the real detector or speech model
def test_export_cli_consent_changes_the_next_export(db: str, tmp_path: Path) -> None:
    for args in (["rec-1", "--no-training"], ["rec-2", "--opt-out", "customer"]):
        done = runner.invoke(app, ["consent", *args, "--store", db])
        assert done.exit_code == 0, done.output
    runner.invoke(app, ["consent", "rec-3", "--opt-out", "1", "--opt-in", "1", "--store", db])
    done = runner.invoke(app, ["export-dataset", str(tmp_path / "ds"), "--store", db])
    assert done.exit_code == 0, done.output
    assert _included(tmp_path / "ds") == {"rec-0", "rec-3"}


@pytest.mark.parametrize(
    "args",
    [
        ["consent", "rec-1"],  # nothing to set
        ["consent", "no-such-rec", "--training"],
        ["consent", "../x", "--training"],
        ["export-dataset", "{out}", "--since", "last tuesday"],
        ["export-dataset", "{out}", "--max-drop-share", "1.5"],
        ["export-dataset", "{out}", "--policy", "nope"],
        ["export-dataset", "{full}"],
    ],
)
def test_export_cli_bad_input_exits_2(db: str, tmp_path: Path, args: list[str]) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "x.txt").write_text("keep")
    argv = [a.format(out=tmp_path / "ds", full=full) for a in args]
    done = runner.invoke(app, [*argv, "--store", db])
    assert done.exit_code == 2, done.output
    assert not (tmp_path / "ds").exists()
    assert (full / "x.txt").read_text() == "keep"


@pytest.mark.slow  # runs the real detector or speech model
def test_export_cli_gate_failure_exits_1_and_writes_nothing(db: str, tmp_path: Path) -> None:
    policy = tmp_path / "leaky.toml"  # leaves phone numbers and e-mails in the text
    policy.write_text('name = "leaky"\noperator = "surrogate.v2"\nlabels = ["PERSON"]\n')
    out = tmp_path / "ds"
    done = runner.invoke(app, ["export-dataset", str(out), "--store", db, "--policy", str(policy)])
    assert done.exit_code == 1, done.output
    assert "digit-run:" in done.output and "email-shape:" in done.output
    assert "nothing written" in done.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "leaky.toml",
        "store",
    ]
