"""Security tests the issue requires: roles, host scoping, hostile ids, file access."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import insert, select

from redactor.store import schema as s
from redactor.store.db import now
from tests.synthetic import SECRET
from tests.web_support import Web, make_web


@pytest.fixture
def web(tmp_path: Path) -> Web:
    return make_web(tmp_path)


@pytest.fixture(scope="module")
def shared_web(tmp_path_factory: pytest.TempPathFactory) -> Web:
    """One store for the read-only hostile-id table (each case must leave it intact)."""
    return make_web(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/recordings/rec-a1/raw?ticket=T-1"),
        ("GET", "/api/recordings/rec-a1/raw"),
        ("GET", "/api/admin/tokens"),
        ("POST", "/api/admin/tokens"),
        ("GET", "/api/admin/audit"),
        ("DELETE", "/api/recordings/rec-a1"),
        ("PUT", "/api/recordings/rec-a1/consent"),
        ("GET", "/api/recordings/rec-a1/export"),
        ("POST", "/api/subjects/export"),
        ("POST", "/api/subjects/delete"),
    ],
)
def test_security_support_token_is_forbidden(web: Web, method: str, path: str) -> None:
    r = web.client.request(method, path, headers=web.auth("support"), json={})
    assert r.status_code == 403
    assert SECRET not in r.text
    assert web.store.recordings.exists("rec-a1")


@pytest.mark.parametrize("who", ["support", "acme"])
def test_security_raw_endpoint_is_admin_only(web: Web, who: str) -> None:
    """Even with the host's grant, only the admin token it names reads raw (tests/test_web_grants)."""
    admin_id = web.tokens["admin"].split("_")[1]
    grant = web.client.post(
        "/api/grants",
        json={"recording_id": "rec-a1", "reason": "case 1", "grantee": admin_id},
        headers=web.auth("acme"),
    ).json()["id"]
    url = f"/api/recordings/rec-a1/raw?ticket=T-1&grant={grant}"
    r = web.client.get(url, headers=web.auth(who))
    assert r.status_code == 403
    assert SECRET not in r.text
    r = web.client.get(url, headers=web.auth("admin"))
    assert r.status_code == 200
    assert SECRET in r.text  # the one raw path: a host's grant, a ticket, audited
    assert r.headers["cache-control"] == "no-store"
    actions = [e.action for e in web.store.audit.entries("rec-a1")]
    assert "grant_use:raw_transcript" in actions


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/recordings/rec-g1", None),
        ("GET", "/api/recordings/rec-g1/audio", None),
        ("GET", "/api/recordings/rec-g1/export", None),
        ("GET", "/api/recordings/rec-g1/export?format=csv", None),
        ("PUT", "/api/recordings/rec-g1/consent", {"consent_training": True}),
        ("DELETE", "/api/recordings/rec-g1", None),
        ("GET", "/recordings/rec-g1?ticket=T-1", None),
    ],
)
def test_security_host_cannot_see_another_hosts_recording(
    web: Web, method: str, path: str, body: Any
) -> None:
    r = web.client.request(method, path, headers=web.auth("acme"), json=body)
    assert r.status_code == 404
    missing = web.client.request(
        method, path.replace("rec-g1", "rec-none"), headers=web.auth("acme"), json=body
    )
    assert missing.status_code == 404
    assert r.json() == {"error": "recording rec-g1: not found"}
    assert web.store.recordings.exists("rec-g1")
    assert web.store.recordings.get("rec-g1").consent_training is False


@pytest.mark.parametrize(
    "header", [None, "Bearer ", "Bearer rdk_bad_bad", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500]
)
def test_security_missing_or_bad_token_is_401(web: Web, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    r = web.client.get("/api/recordings", headers=headers)
    assert r.status_code == 401


HOSTILE = [
    "../etc/passwd",
    "..%2fetc%2fpasswd",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..",
    "rec-a1'--",
    "x' OR '1'='1",
    "1;DROP TABLE recordings",
    'rec"; DELETE FROM artifacts; --',
    "rec-a1%00",
    "%00",
    "C:%5cwindows",
    "a" * 300,
]


@pytest.mark.parametrize("rid", HOSTILE)
@pytest.mark.parametrize(
    "template",
    [
        "/api/recordings/{}?ticket=T-1",
        "/api/recordings/{}/audio?ticket=T-1",
        "/api/recordings/{}/export",
        "/recordings/{}?ticket=T-1",
        "/api/webhook-events/{}",
    ],
)
def test_security_hostile_ids_get_a_clean_4xx(shared_web: Web, rid: str, template: str) -> None:
    web = shared_web
    opened: list[str] = []

    def audit_hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and args and isinstance(args[0], str | bytes | Path):
            opened.append(str(args[0]))

    sys.addaudithook(audit_hook)  # hooks cannot be removed; the list is local to this test
    who = "admin" if "export" in template or "webhook" in template else "support"
    r = web.client.get(template.format(rid), headers=web.auth(who))
    hook_calls = list(opened)
    opened.clear()
    sent = unquote(r.request.url.path)
    if ".." in rid and ".." not in sent and r.status_code == 200:
        # The client resolved the dot segments (as browsers do) before sending: the server
        # was asked for a normal page, not for the hostile id. Nothing else may be 2xx.
        assert "passwd" not in sent
    else:
        assert 400 <= r.status_code < 500, r.status_code
    assert "root:" not in r.text
    assert "Traceback" not in r.text
    root = str(web.store.artifact_root.resolve())
    outside = [p for p in hook_calls if "passwd" in p or ("windows" in p.lower())]
    assert outside == [], f"opened outside the store: {outside} (root {root})"
    with web.store.engine.connect() as conn:
        assert len(list(conn.execute(select(s.recordings.c.id)))) == 3
        assert len(list(conn.execute(select(s.artifacts.c.id)))) > 0


@pytest.mark.parametrize("bad_path", ["../../../../etc/passwd", "/etc/passwd", "rec-a1/../../x"])
def test_security_artifact_path_outside_the_store_is_not_served(web: Web, bad_path: str) -> None:
    """A tampered artifact row cannot make the audio endpoint read outside the artifact root."""
    with web.store.begin() as conn:
        conn.execute(s.artifacts.delete().where(s.artifacts.c.kind == "redacted_audio"))
        conn.execute(
            insert(s.artifacts).values(
                id="art-evil",
                recording_id="rec-a1",
                kind="redacted_audio",
                data_category="redacted",
                policy="support",
                producer=json.dumps(["x"]),
                path=bad_path,
                created_at=now(),
            )
        )
    r = web.client.get("/api/recordings/rec-a1/audio?ticket=T-1", headers=web.auth("support"))
    assert r.status_code == 404
    assert "root:" not in r.text


def test_security_errors_do_not_echo_submitted_values(web: Web) -> None:
    r = web.client.post(
        "/api/subjects/export",
        json={"identifier": SECRET, "format": "xml"},
        headers=web.auth("acme"),
    )
    assert r.status_code == 422
    assert SECRET not in r.text
