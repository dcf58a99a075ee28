"""Helpers for the web tests: a store with synthetic recordings of two hosts, and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from redactor.auth import create_token
from redactor.store import MEMORY, Store, open_store
from redactor.web import create_app
from tests.synthetic import make_recording


@dataclass
class Web:
    store: Store
    client: TestClient
    tokens: dict[str, str]  # support, admin, acme, globex

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def make_web(tmp_path: Path) -> Web:
    # In memory: the web tests are about access and views, not about the database on disk.
    store = open_store(MEMORY, artifact_root=tmp_path / "store" / "artifacts")
    make_recording(store, "rec-a1", host="acme")
    make_recording(store, "rec-a2", host="acme")
    make_recording(store, "rec-g1", host="globex")
    tokens = {
        "support": create_token(store, role="support", name="sam"),
        "admin": create_token(store, role="admin", name="ada"),
        "acme": create_token(store, role="host", host="acme"),
        "globex": create_token(store, role="host", host="globex"),
    }
    client = TestClient(
        create_app(store, allowed_hosts=["testserver"]), raise_server_exceptions=False
    )
    return Web(store, client, tokens)
