"""The CLI covers what the host API does: subject export/delete, redacted audio, grants, reveal."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.purge import verify_purge
from tests.conftest import store_location
from tests.synthetic import SECRET, marker
from tests.web_support import Web, make_web

runner = CliRunner()
EMAIL = "subject@example.com"


@pytest.fixture
def web(tmp_path: Path) -> Web:
    from sqlalchemy import insert

    from redactor.store import schema as s

    w = make_web(tmp_path, on_disk=True)
    digest = w.store.subjects.hash(EMAIL)
    with w.store.begin() as conn:
        for rid in ("rec-a1", "rec-g1"):  # the same person on two hosts' calls
            conn.execute(
                insert(s.participants).values(
                    recording_id=rid, role="customer", opted_out=False, subject_hash=digest
                )
            )
    return w


def cli(web: Web, *args: str, stdin: str | None = None) -> object:
    return runner.invoke(app, [*args, "--store", store_location(web.store)], input=stdin)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_access_cli_subject_export_is_the_apis_content(web: Web, fmt: str) -> None:
    r = cli(web, "subject", "export", EMAIL, "--host", "acme", "--format", fmt)
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    api = web.client.post(
        "/api/subjects/export", json={"identifier": EMAIL, "format": fmt}, headers=web.auth("acme")
    )
    out: str = r.output  # type: ignore[attr-defined]
    if fmt == "json":
        cli_data, api_data = json.loads(out), api.json()
        for d in (cli_data, api_data):  # the audit trails differ by the export rows themselves
            for rec in d["recordings"]:
                rec["audit"] = [e for e in rec["audit"] if e["action"] != "export_subject"]
        assert cli_data == api_data
    else:
        rows = [r for r in csv.reader(io.StringIO(out)) if r[0] != "audit"]
        api_rows = [r for r in csv.reader(io.StringIO(api.text)) if r[0] != "audit"]
        assert rows == api_rows
    assert EMAIL not in out
    exports = [e for e in web.store.audit.entries("rec-a1") if e.action == "export_subject"]
    assert exports[0].actor == "cli:acme"


def test_access_cli_subject_identifier_from_stdin(web: Web) -> None:
    r = cli(web, "subject", "export", "-", "--host", "acme", stdin=EMAIL + "\n")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert "rec-a1" in r.output and "rec-g1" not in r.output  # type: ignore[attr-defined]


def test_access_cli_subject_delete_purges_the_hosts_recordings(web: Web) -> None:
    r = cli(web, "subject", "delete", EMAIL, "--host", "acme")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert json.loads(r.output)["purged"] == 1  # type: ignore[attr-defined]
    assert verify_purge(web.store, "rec-a1") == []
    assert web.store.recordings.exists("rec-g1")
    purge = [e for e in web.store.audit.entries("rec-a1") if e.action == "purge"]
    assert purge[0].actor == "cli:acme"
    assert cli(web, "subject", "delete", "nobody@x.org", "--host", "acme").exit_code == 2  # type: ignore[attr-defined]


def test_access_cli_show_audio_writes_the_redacted_audio(web: Web, tmp_path: Path) -> None:
    out = tmp_path / "out.wav"
    r = cli(web, "show", "rec-a1", "--audio", str(out))
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert out.read_bytes() == b"RIFF" + marker("rec-a1").encode()
    r = cli(web, "show", "rec-none", "--audio", str(tmp_path / "x.wav"))
    assert r.exit_code == 2  # type: ignore[attr-defined]


def test_access_cli_grant_create_list_revoke(web: Web) -> None:
    admin_id = web.tokens["admin"].split("_")[1]
    r = cli(web, "grant", "create", "rec-a1", "--host", "acme", "--grantee", admin_id,
            "--reason", "legal hold", "--expires-in", "2h")  # fmt: skip
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    gid = json.loads(r.output)["id"]  # type: ignore[attr-defined]
    listed = cli(web, "grant", "list", "--host", "acme").output  # type: ignore[attr-defined]
    assert gid in listed and "active" in listed
    assert cli(web, "grant", "list", "--host", "globex").output == ""  # type: ignore[attr-defined]
    raw = web.client.get(
        f"/api/recordings/rec-a1/raw?ticket=T-1&grant={gid}", headers=web.auth("admin")
    )
    assert raw.status_code == 200 and SECRET in raw.text
    assert cli(web, "grant", "revoke", gid, "--host", "globex").exit_code == 2  # type: ignore[attr-defined]
    assert cli(web, "grant", "revoke", gid, "--host", "acme").exit_code == 0  # type: ignore[attr-defined]
    raw = web.client.get(
        f"/api/recordings/rec-a1/raw?ticket=T-1&grant={gid}", headers=web.auth("admin")
    )
    assert raw.status_code == 403


@pytest.mark.parametrize(
    "extra",
    [
        ["--expires-in", "25h"],
        ["--expires-in", "0h"],
        ["--grantee", "nosuchtoken"],
        ["--host", "globex"],
    ],
)
def test_access_cli_grant_create_bad_usage_exits_2(web: Web, extra: list[str]) -> None:
    admin_id = web.tokens["admin"].split("_")[1]
    args = {"--host": "acme", "--grantee": admin_id, "--reason": "r", "--expires-in": "1h"}
    for k, v in zip(extra[::2], extra[1::2], strict=True):
        args[k] = v
    flat = [x for kv in args.items() for x in kv]
    assert cli(web, "grant", "create", "rec-a1", *flat).exit_code == 2  # type: ignore[attr-defined]
