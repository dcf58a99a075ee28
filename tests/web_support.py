"""Helpers for the web tests: a store with synthetic recordings of two hosts, and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from redactor.auth import create_token
from redactor.detect import Detector
from redactor.store import MEMORY, Store, open_store
from redactor.types import Participant, RecordingMeta
from redactor.web import create_app
from tests.synthetic import make_recording

# The raw names of the named call (voice tags and participants): no page, endpoint or export
# may show any part of them.
NAMES = ("Sam Carter", "Jennifer Morales")


def names_in(text: str) -> list[str]:
    """Which parts of the ``NAMES`` appear in ``text`` as words, in any case."""
    import re

    return sorted(
        {p for n in NAMES for p in n.split() if re.search(rf"\b{p}\b", text, re.IGNORECASE)}
    )


NAMED_VTT = """WEBVTT

1
00:00:00.500 --> 00:00:03.000
<v Sam Carter>Good morning, thanks for calling support.</v>

2
00:00:03.500 --> 00:00:06.000
<v Jennifer Morales>Hello, my order has not arrived yet.</v>

3
00:00:06.500 --> 00:00:09.000
<v Sam Carter>Sorry to hear that, let me check the order.</v>
"""


@dataclass
class Web:
    store: Store
    client: TestClient
    tokens: dict[str, str]  # support, admin, acme, globex

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def make_web(tmp_path: Path, *, on_disk: bool = False) -> Web:
    # In memory: the web tests are about access and views, not about the database on disk
    # (``on_disk`` for tests that also run the CLI on the same store).
    location = str(tmp_path / "store" / "redactor.db") if on_disk else MEMORY
    store = open_store(location, artifact_root=tmp_path / "store" / "artifacts")
    make_recording(store, "rec-a1", host="acme")
    make_recording(store, "rec-a2", host="acme")
    make_recording(store, "rec-g1", host="globex")
    tokens = {
        "support": create_token(store, role="support", name="support-eng"),
        "admin": create_token(store, role="admin", name="ada"),
        "acme": create_token(store, role="host", host="acme"),
        "globex": create_token(store, role="host", host="globex"),
    }
    client = TestClient(
        create_app(store, allowed_hosts=["testserver"]), raise_server_exceptions=False
    )
    return Web(store, client, tokens)


def make_named_web(tmp_path: Path, detector: Detector) -> Web:
    """``make_web`` plus ``rec-named`` (host acme): a WebVTT call through the real pipeline whose
    speakers and participants are the ``NAMES``; the participant is findable by e-mail."""
    from redactor.executors import LocalPipeline

    web = make_web(tmp_path, on_disk=True)
    vtt = tmp_path / "named-call.vtt"
    vtt.write_text(NAMED_VTT)
    meta = RecordingMeta(
        host="acme",
        recording_id="rec-named",
        participants=(
            Participant(name="Sam Carter", role="agent"),
            Participant(
                name="Jennifer Morales",
                role="customer",
                identifier="jennifer.morales@example.com",
            ),
        ),
    )
    result = LocalPipeline(store=web.store, detector=detector).process_file(vtt, meta)
    assert result.status == "done", result.error
    return web
