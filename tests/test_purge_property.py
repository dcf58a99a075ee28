"""Property: purging one recording never touches another's artifacts, rows or files."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redactor.purge import purge, verify_purge
from redactor.store import Store, open_store
from tests.synthetic import make_recording

# Ids that are prefixes of each other ("r1", "r1.x", "r10") are the interesting cases.
IDS = st.lists(
    st.from_regex(r"r[0-9]{1,2}(\.[a-z]{1,2}|-[0-9])?", fullmatch=True),
    min_size=2,
    max_size=5,
    unique=True,
)


def _state(store: Store, rid: str) -> dict[str, Any]:
    arts = sorted((a.id, a.kind, a.derived_from, a.path, a.sha256) for a in store.artifacts.of(rid))
    files = {
        str(p.relative_to(store.artifact_root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in store.recording_dir(rid).rglob("*")
        if p.is_file()
    }
    return {
        "artifacts": arts,
        "files": files,
        "raw": store.recordings.raw_transcript(rid).text,
        "redacted": store.artifacts.redacted_transcript(rid).text,
        "detections": store.recordings.detections(rid),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids=IDS, pick=st.integers(min_value=0, max_value=4))
def test_purge_property_never_touches_other_recordings(ids: list[str], pick: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "r.db"))
        for rid in ids:
            make_recording(store, rid, export_dir=Path(tmp) / "exports")
        target = ids[pick % len(ids)]
        before = {rid: _state(store, rid) for rid in ids if rid != target}
        purge(store, target, "subject-request")
        assert verify_purge(store, target) == []
        assert {rid: _state(store, rid) for rid in before} == before
        for rid in before:
            assert (Path(tmp) / "exports" / f"{rid}.jsonl").exists()
        store.close()
