"""The deletion webhook signed the Standard Webhooks way, by the ``standardwebhooks`` package.

The host side of every test is what a real host writes: ``Webhook(secret).sign(...)`` from the
package, the three ``webhook-*`` headers, and ``X-Redactor-Host`` naming the host.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook
from typer.testing import CliRunner

from redactor.auth import rotate_webhook_secret, set_webhook_secret
from redactor.cli import app as cli_app
from redactor.purge import verify_purge
from redactor.web.webhooks import MAX_BODY
from tests.web_support import Web, make_web

URL = "/webhooks/recording-deleted"
runner = CliRunner()


@pytest.fixture
def web(tmp_path: Path) -> Web:
    w = make_web(tmp_path)
    w.tokens["acme_secret"] = set_webhook_secret(w.store, "acme")
    w.tokens["globex_secret"] = set_webhook_secret(w.store, "globex")
    return w


def deleted(rid: str, **extra: object) -> bytes:
    return json.dumps({"recording_id": rid, **extra}).encode()


def host_sends(
    secret: str,
    body: bytes,
    *,
    msg_id: str = "msg_2b5qVkT9",
    host: str = "acme",
    at: datetime | None = None,
) -> dict[str, str]:
    """Headers exactly as a host using the ``standardwebhooks`` package makes them."""
    at = at or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode()),
        "X-Redactor-Host": host,
        "Content-Type": "application/json",
    }


def test_standard_webhooks_secrets_are_whsec_base64(web: Web) -> None:
    secret = web.tokens["acme_secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


def test_standard_webhooks_signed_by_the_package_purges(web: Web) -> None:
    body = deleted("rec-a1", type="recording.deleted", data={"recording_id": "rec-a1"})
    r = web.client.post(URL, content=body, headers=host_sends(web.tokens["acme_secret"], body))
    assert r.status_code == 202, r.text
    assert r.json()["event_id"] == "msg_2b5qVkT9"
    assert r.json()["status"] == "accepted"
    assert verify_purge(web.store, "rec-a1") == []
    assert web.store.recordings.exists("rec-a2")
    event = web.client.get("/api/webhook-events/msg_2b5qVkT9", headers=web.auth("acme")).json()
    assert event["status"] == "done"
    assert event["receipt"]["recording_id"] == "rec-a1"
    purge_rows = [e for e in web.store.audit.entries("rec-a1") if e.action == "purge"]
    assert purge_rows[0].actor == "webhook:acme"


def test_standard_webhooks_redelivery_with_the_same_id_is_a_duplicate(web: Web) -> None:
    secret = web.tokens["acme_secret"]
    body = deleted("rec-a1")
    assert web.client.post(URL, content=body, headers=host_sends(secret, body)).status_code == 202
    # a retry: same webhook-id, new timestamp and signature
    later = datetime.now(UTC) + timedelta(seconds=30)
    r = web.client.post(URL, content=body, headers=host_sends(secret, body, at=later))
    assert (r.status_code, r.json()["status"]) == (200, "duplicate")


def test_standard_webhooks_rotation_keeps_two_secrets_valid(web: Web) -> None:
    first = web.tokens["acme_secret"]
    second = rotate_webhook_secret(web.store, "acme")
    for i, secret in enumerate((first, second)):
        body = deleted("rec-none")
        r = web.client.post(URL, content=body, headers=host_sends(secret, body, msg_id=f"msg_{i}"))
        assert r.status_code == 202
    rotate_webhook_secret(web.store, "acme")
    body = deleted("rec-none")
    r = web.client.post(URL, content=body, headers=host_sends(first, body, msg_id="msg_old"))
    assert r.status_code == 401


def test_standard_webhooks_several_signatures_one_valid(web: Web) -> None:
    body = deleted("rec-none")
    headers = host_sends(web.tokens["acme_secret"], body)
    other = Webhook(web.tokens["globex_secret"]).sign(
        "msg_2b5qVkT9", datetime.now(UTC), body.decode()
    )
    headers["webhook-signature"] = f"{other} {headers['webhook-signature']}"
    assert web.client.post(URL, content=body, headers=headers).status_code == 202


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("stale", 401),
        ("future", 401),
        ("other host's secret", 401),
        ("unknown host", 401),
        ("body altered", 401),
        ("id altered", 401),
        ("missing webhook-id", 400),
        ("missing webhook-timestamp", 400),
        ("float timestamp", 400),
        ("signature without a comma", 401),
        ("signature not base64", 401),
        ("only a v2 signature", 401),
        ("hostile webhook-id", 400),
        ("not UTF-8", 400),
        ("huge body", 413),
        ("wrong type", 400),
        ("no recording id", 400),
    ],
)
def test_standard_webhooks_hostile_requests_purge_nothing(
    web: Web, case: str, expected: int
) -> None:
    secret = web.tokens["acme_secret"]
    body = deleted("rec-a1")
    headers = host_sends(secret, body)
    now = datetime.now(UTC)
    if case == "stale":
        headers = host_sends(secret, body, at=now - timedelta(seconds=301))
    elif case == "future":
        headers = host_sends(secret, body, at=now + timedelta(seconds=360))
    elif case == "other host's secret":
        headers = host_sends(web.tokens["globex_secret"], body)
    elif case == "unknown host":
        headers = host_sends(secret, body, host="initech")
    elif case == "body altered":
        body = deleted("rec-a2")
    elif case == "id altered":
        headers["webhook-id"] = "msg_other"
    elif case == "missing webhook-id":
        del headers["webhook-id"]
    elif case == "missing webhook-timestamp":
        del headers["webhook-timestamp"]
    elif case == "float timestamp":
        headers["webhook-timestamp"] += ".0"
    elif case == "signature without a comma":
        headers["webhook-signature"] = "v1"
    elif case == "signature not base64":
        headers["webhook-signature"] = "v1,!!!!"
    elif case == "only a v2 signature":
        headers["webhook-signature"] = headers["webhook-signature"].replace("v1,", "v2,")
    elif case == "hostile webhook-id":
        headers = host_sends(secret, body, msg_id="../etc/passwd")
    elif case == "not UTF-8":
        body = b'{"recording_id": "rec-a1", "x": "\xff"}'
    elif case == "huge body":
        body = deleted("rec-a1", pad="x" * MAX_BODY)
        headers = host_sends(secret, body)
    elif case == "wrong type":
        body = deleted("rec-a1", type="recording.created")
        headers = host_sends(secret, body)
    elif case == "no recording id":
        body = json.dumps({"type": "recording.deleted", "data": {}}).encode()
        headers = host_sends(secret, body)
    r = web.client.post(URL, content=body, headers=headers)
    assert r.status_code == expected, r.text
    assert "content-security-policy" in r.headers
    assert web.store.recordings.exists("rec-a1")
    assert web.store.recordings.exists("rec-a2")


def test_standard_webhooks_cli_prints_whsec_secrets(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    for cmd in ("set", "rotate"):
        r = runner.invoke(cli_app, ["webhook-secret", cmd, "--host", "acme", "--store", db])
        assert r.exit_code == 0, r.output
        secret = r.output.strip()
        assert secret.startswith("whsec_")
        Webhook(secret)  # the package accepts it
        assert len(base64.b64decode(secret[6:], validate=True)) == 32
    mine = "whsec_" + base64.b64encode(b"k" * 32).decode()
    r = runner.invoke(
        cli_app, ["webhook-secret", "set", "--host", "acme", "--secret", mine, "--store", db]
    )
    assert (r.exit_code, r.output.strip()) == (0, mine)
    for bad in ("whsec_short", "x" * 40, "whsec_" + "-" * 44):
        r = runner.invoke(
            cli_app, ["webhook-secret", "set", "--host", "acme", "--secret", bad, "--store", db]
        )
        assert r.exit_code == 2, bad
