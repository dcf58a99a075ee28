"""The deletion webhook as a durable job: a server killed after the 202 finishes the purge on
restart or when the host sends the event again; a deletion that arrives before the recording
leaves a tombstone. Real kills (``tests.killpoints``), both backends.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from redactor.auth import create_token, set_webhook_secret
from redactor.errors import PurgedError
from redactor.purge import verify_purge
from redactor.store import Store
from redactor.store import schema as s
from redactor.web import create_app
from tests.killpoints import Op, kill_at, once_row
from tests.synthetic import make_recording
from tests.test_web_webhooks import URL, body_for, signed


def reopen(st: Store) -> Store:
    return Store(st.url, artifact_root=st.artifact_root)


@pytest.fixture
def hosted(backend_store: Store) -> tuple[Store, str, str]:
    """A store with acme's rec-a1 and rec-a2: (store, webhook secret, host token)."""
    make_recording(backend_store, "rec-a1", host="acme")
    make_recording(backend_store, "rec-a2", host="acme")
    secret = set_webhook_secret(backend_store, "acme")
    token = create_token(backend_store, role="host", host="acme")
    return backend_store, secret, token


def send(client: TestClient, secret: str, rid: str, event_id: str = "evt-1") -> dict[str, object]:
    body = body_for(rid, event_id)
    r = client.post(URL, content=body, headers=signed(secret, body))
    assert r.status_code in (200, 202), r.text
    data: dict[str, object] = r.json()
    return data


def event_of(client: TestClient, token: str, event_id: str = "evt-1") -> dict[str, object]:
    r = client.get(f"/api/webhook-events/{event_id}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    data: dict[str, object] = r.json()
    return data


def once_accepted(st: Store) -> Callable[[Op], bool]:
    """A kill point: the first durable operation after the event is on record (the 202)."""
    return once_row(st.url, s.webhook_events, s.webhook_events.c.event_id == "evt-1")


@pytest.mark.parametrize("then", ["restart", "resend"])
def test_webhook_purge_cut_off_by_a_server_kill_is_finished(
    hosted: tuple[Store, str, str], then: str
) -> None:
    """Issue 15 #4: the event stayed ``accepted``; restart resumed nothing; resend: duplicate."""
    st, secret, token = hosted
    st.close()

    def serve_one_event() -> None:
        with TestClient(create_app(reopen(st), allowed_hosts=["testserver"])) as client:
            send(client, secret, "rec-a1")

    kill_at(serve_one_event, once_accepted(st))
    assert st.recordings.exists("rec-a1"), "killed before the purge removed anything"
    with TestClient(create_app(st, allowed_hosts=["testserver"])) as client:  # the restart
        if then == "resend":
            send(client, secret, "rec-a1")
        event = event_of(client, token)
    assert event["status"] == "done", event
    assert not st.recordings.exists("rec-a1")
    assert verify_purge(st, "rec-a1") == []
    assert st.recordings.exists("rec-a2")


def test_webhook_deletion_before_the_recording_is_stored_leaves_a_tombstone(
    hosted: tuple[Store, str, str],
) -> None:
    """Issue 15 #5: ``202 not_found``, no tombstone, and the recording could then be stored."""
    st, secret, token = hosted
    with TestClient(create_app(st, allowed_hosts=["testserver"])) as client:
        assert send(client, secret, "rec-later")["status"] == "not_found"
        event = event_of(client, token)
    assert event["receipt"] == st.purges.tombstone("rec-later").receipt.as_dict()
    assert event["receipt"]["stored"] is False  # type: ignore[index]
    with pytest.raises(PurgedError):
        make_recording(st, "rec-later", host="acme")
    assert not st.recordings.exists("rec-later")


def test_webhook_for_another_hosts_recording_answers_like_a_missing_one(
    hosted: tuple[Store, str, str],
) -> None:
    st, secret, _ = hosted
    make_recording(st, "rec-g1", host="globex")
    with TestClient(create_app(st, allowed_hosts=["testserver"])) as client:
        other = send(client, secret, "rec-g1", "evt-g")
        missing = send(client, secret, "rec-nobody", "evt-n")
    assert other["status"] == missing["status"] == "not_found"  # no existence oracle
    assert st.recordings.exists("rec-g1")  # another host's recording is never touched
    assert verify_purge(st, "rec-g1") != []
