"""Policies as TOML files: shipped ones, errors that list the choices, CLI exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.errors import InputError
from redactor.operators import KeyRing
from redactor.policy import known_policies, load_policy, parse_policy
from redactor.store import open_store
from tests.conftest import FIXTURES

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "operator", "audio"),
    [
        ("support", "placeholder.v1", True),
        ("training", "surrogate.v2", False),
        ("escrow", "encrypt.v1", False),
    ],
)
def test_policy_shipped(name: str, operator: str, audio: bool) -> None:
    pol = load_policy(name)
    assert pol.name == name and pol.operator_names == (operator,)
    assert pol.audio.enabled is audio and pol.audio.padding_s == 0.15


def test_policy_unknown_name_lists_known_ones() -> None:
    with pytest.raises(
        InputError, match=r"unknown policy 'nope'; known policies: .*support.*training"
    ):
        load_policy("nope")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'name = "x"\noperator = "zap.v1"',
            r"unknown operator 'zap.v1'; choose one of: encrypt.v1",
        ),
        (
            'name = "x"\n[entities.PERSON]\noperator = "zap.v1"',
            r"^p.toml: \[entities.PERSON\]: unknown operator 'zap.v1'; choose one of: encrypt",
        ),
        (
            'name = "x"\n[entities.PERSON]\nkeep_last = 1',
            r"\[entities.PERSON\]: unknown operator None",
        ),
        ('name = "x"\nbogus = 1', "unknown key"),
        ('name = "x"\n[entities.CREDIT_CARD]\noperator = "mask.v1"\nkeep_last = 12', "keep_last"),
        ('name = "x"\n[audio]\nmode = "beep"', "bleep, silence"),
        ("name = ", "not valid TOML"),
        ('name = "../x"', "'name' must be"),
    ],
)
def test_policy_bad_files_name_the_problem(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        parse_policy(text, "p.toml")


def test_policy_dir_adds_policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "masked.toml").write_text(
        'name = "masked"\noperator = "mask.v1"\nlabels = ["CREDIT_CARD"]\n'
    )
    monkeypatch.setenv("REDACTOR_POLICY_DIR", str(tmp_path))
    assert "masked" in known_policies()
    pol = load_policy("masked")
    assert pol.labels == frozenset({"CREDIT_CARD"})
    rep = pol.replacer(recording_id="r", host="h")
    assert rep("4111 1111", "CREDIT_CARD") == "**** ****"


def _nothing_stored(db: Path) -> bool:
    return not db.exists() or not open_store(str(db)).recordings.all()


def test_policy_cli_unknown_policy_exit_2_nothing_stored(tmp_path: Path) -> None:
    db = tmp_path / "s" / "r.db"
    res = runner.invoke(
        app, ["process", str(FIXTURES / "meeting.srt"), "--store", str(db), "--policy", "nope"]
    )
    assert res.exit_code == 2
    assert "known policies" in res.output
    assert _nothing_stored(db)


@pytest.mark.slow  # runs the real detector or speech model
def test_policy_cli_operator_missing_key_exit_2_nothing_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pol").mkdir()
    (tmp_path / "pol" / "pseudo.toml").write_text('name = "pseudo"\noperator = "pseudonym.v1"\n')
    monkeypatch.setenv("REDACTOR_POLICY_DIR", str(tmp_path / "pol"))
    monkeypatch.setenv("REDACTOR_KEYS_DIR", str(tmp_path / "keys"))
    db = tmp_path / "s" / "r.db"
    args = ["process", str(FIXTURES / "meeting.srt"), "--store", str(db), "--policy", "pseudo"]
    res = runner.invoke(app, [*args, "--host", "acme"])
    assert res.exit_code == 2
    assert "no pseudonym key" in res.output and "host-key create" in res.output
    assert _nothing_stored(db)
    KeyRing(tmp_path / "keys").create("acme")
    res = runner.invoke(app, [*args, "--host", "acme"])
    assert res.exit_code == 0, res.output


@pytest.mark.slow  # runs the real detector or speech model
def test_policy_reveal_needs_the_hosts_grant_and_is_audited(tmp_path: Path) -> None:
    from redactor.auth import create_token

    db = str(tmp_path / "r.db")
    res = runner.invoke(
        app,
        ["process", str(FIXTURES / "meeting.srt"), "--store", db, "--policy", "escrow",
         "--policy", "support", "--id", "m1", "--host", "acme"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    shown = runner.invoke(app, ["show", "m1", "--store", db, "--format", "txt"])
    assert "[ENC:" not in shown.output  # support is the default view
    st = open_store(db)
    admin = create_token(st, role="admin", name="alice")
    args = ["reveal", "m1", "--store", db, "--ticket", "T-1", "--token", admin]
    denied = runner.invoke(app, args)
    assert denied.exit_code == 2 and "grant" in denied.output
    made = runner.invoke(
        app,
        ["grant", "create", "m1", "--host", "acme", "--grantee", admin.split("_")[1],
         "--reason", "escrow check", "--store", db],
    )  # fmt: skip
    grant = json.loads(made.output)["id"]
    ok = runner.invoke(app, ["reveal", "m1", "--store", db, "--ticket", "T-2", "--token", admin,
                             "--grant", grant])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert "[ENC:" not in ok.output
    assert "robert.brown@example.com" in ok.output  # the authorised path shows values
    support = create_token(st, role="support")
    bad = runner.invoke(app, ["reveal", "m1", "--store", db, "--ticket", "T-3", "--token",
                              support, "--grant", grant])  # fmt: skip
    assert bad.exit_code == 2 and "robert.brown" not in bad.output
    actions = [(e.action, e.ticket) for e in st.audit.entries("m1")]
    assert ("grant_refused:reveal_values", "T-1") in actions
    assert ("grant_use:reveal_values", "T-2") in actions
