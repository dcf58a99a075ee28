"""Retention by age: per-host settings first, purge or anonymize, dry runs change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.errors import InputError, NotFoundError
from redactor.purge import verify_purge
from redactor.retention import anonymize, apply_retention, parse_age, plan_retention
from redactor.store import Store
from tests.conftest import store_location
from tests.synthetic import make_recording

NOW = datetime.now(UTC)


@pytest.mark.parametrize(
    ("text", "age"),
    [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)), ("4w", timedelta(weeks=4))],
)
def test_retention_parse_age(text: str, age: timedelta) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["30", "d", "-3d", "1y", "30 days", ""])
def test_retention_parse_age_rejects(text: str) -> None:
    with pytest.raises(InputError, match=r"e\.g\. 30d"):
        parse_age(text)


def _three(st: Store) -> None:
    make_recording(st, "old-acme", host="acme", created_at=NOW - timedelta(days=40))
    make_recording(st, "old-globex", host="globex", created_at=NOW - timedelta(days=40))
    make_recording(st, "new-acme", host="acme", created_at=NOW - timedelta(days=2))


def test_retention_host_setting_wins_over_the_default(backend_store: Store) -> None:
    _three(backend_store)
    backend_store.retention.set("globex", 60, "purge")  # keeps its 40-day-old call
    backend_store.retention.set("acme", 1, "anonymize")
    plan = plan_retention(backend_store, older_than=timedelta(days=30), now=NOW)
    assert [(d.recording_id, d.action, d.rule) for d in plan] == [
        ("old-acme", "anonymize", "host"),
        ("new-acme", "anonymize", "host"),
    ]
    backend_store.retention.clear("globex")
    plan = plan_retention(backend_store, older_than=timedelta(days=30), now=NOW)
    assert ("old-globex", "purge", "default") in [(d.recording_id, d.action, d.rule) for d in plan]


def test_retention_purge_action_purges_with_reason_retention(backend_store: Store) -> None:
    _three(backend_store)
    plan = plan_retention(backend_store, older_than=timedelta(days=30), now=NOW)
    results = apply_retention(backend_store, plan)
    assert {r["id"] for r in results} == {"old-acme", "old-globex"}
    assert all(r["receipt"]["reason"] == "retention" for r in results)
    assert verify_purge(backend_store, "old-acme") == []
    assert backend_store.recordings.exists("new-acme")


def test_retention_anonymize_keeps_redacted_and_destroys_raw(backend_store: Store) -> None:
    make_recording(backend_store, "rec-a")
    kinds = sorted(a.kind for a in backend_store.artifacts.of("rec-a"))
    counts = anonymize(backend_store, "rec-a")
    assert counts == {"data_key": 1, "raw_transcript": 1}
    with pytest.raises(NotFoundError, match="purged or anonymized"):
        backend_store.recordings.raw_transcript("rec-a")
    left = sorted(a.kind for a in backend_store.artifacts.of("rec-a"))
    assert left == [k for k in kinds if k != "raw_transcript"]
    assert all(a.data_category != "raw" for a in backend_store.artifacts.of("rec-a"))
    assert backend_store.artifacts.redacted_transcript("rec-a").segments
    assert backend_store.recordings.get("rec-a").status == "anonymized"
    assert anonymize(backend_store, "rec-a") == {}  # idempotent
    plan = plan_retention(
        backend_store, older_than=timedelta(0), action="anonymize", now=NOW + timedelta(days=9999)
    )
    assert plan == []  # already anonymized: nothing to do


def test_retention_cli_dry_run_then_run(backend_store: Store, tmp_path: Path) -> None:
    _three(backend_store)
    loc = store_location(backend_store)
    env = {"REDACTOR_ARTIFACTS": str(backend_store.artifact_root)}
    runner = CliRunner()
    dry = runner.invoke(
        app, ["retention", "--older-than", "1h", "--dry-run", "--store", loc], env=env
    )
    assert dry.exit_code == 0, dry.output
    assert {ln.split("\t")[0] for ln in dry.stdout.splitlines()} >= {"old-acme", "old-globex"}
    assert backend_store.recordings.exists("old-acme")
    setting = runner.invoke(
        app,
        ["retention", "set", "acme", "--older-than", "4w", "--action", "anonymize", "--store", loc],
        env=env,
    )
    assert setting.exit_code == 0, setting.output
    shown = runner.invoke(app, ["retention", "show", "--store", loc], env=env)
    assert shown.stdout == "acme\t28d\tanonymize\n"
    run = runner.invoke(app, ["retention", "--older-than", "1h", "--store", loc], env=env)
    assert run.exit_code == 0, run.output
    assert "old-globex\tpurge\tglobex\tdefault" in run.stdout
    assert backend_store.recordings.get("old-acme").status == "anonymized"
    assert verify_purge(backend_store, "old-globex") == []
    bad = runner.invoke(app, ["retention", "--store", loc, "--older-than", "soon"], env=env)
    assert bad.exit_code == 2
