"""PostgreSQL keeps deleted rows in heap pages and WAL until VACUUM and segment recycling, and
backups keep them for their lifetime. A purge must not depend on either: everything of a
recording is stored encrypted with its data key, and the key is destroyed first. So after a
purge (no VACUUM) the purged call's phrases and values are in no file of the server's data
folder, and no key still stored decrypts anything that holds them.
"""

from __future__ import annotations

import os
import uuid
from contextlib import suppress
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import LargeBinary, select, text

from redactor.crypto import decrypt, is_sealed, unseal
from redactor.purge import purge
from redactor.store import Store
from redactor.store import schema as s
from redactor.store.writing import aad
from tests.residue import scan_files
from tests.synthetic import SECRET, make_recording, marker

pytestmark = pytest.mark.postgres


def data_dir(st: Store) -> Path:
    """The test server's data folder (``scripts/pg-test-server.sh``)."""
    port = st.engine.url.port or 5432
    path = Path(os.environ.get("REDACTOR_PG_DIR") or f"/tmp/redactor-pg-{port}")
    if not (path / "PG_VERSION").is_file():
        pytest.fail(f"{path}: not the data folder of the test server (set REDACTOR_PG_DIR)")
    return path


def flush(st: Store) -> None:
    """Write every dirty page and the WAL to disk, as a backup would see them."""
    with st.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CHECKPOINT"))
        conn.execute(text("SELECT pg_switch_wal()"))


def readable_blobs(st: Store) -> list[bytes]:
    """Every binary value stored, and whatever any key still stored decrypts of it (sealed
    bodies and the raw transcripts' ciphertexts), bound to the key's own recording."""
    with st.engine.connect() as conn:
        keys = [
            (str(r.recording_id), bytes(r.key))
            for t in (s.data_keys, s.content_keys)
            for r in conn.execute(select(t.c.recording_id, t.c.key))
        ]
        blobs = [
            bytes(v)
            for table in s.metadata.sorted_tables
            for col in table.c
            if isinstance(col.type, LargeBinary)
            for (v,) in conn.execute(select(col))
            if v is not None
        ]
        raws = [
            (bytes(r.nonce), bytes(r.ciphertext)) for r in conn.execute(select(s.raw_transcripts))
        ]
    found = list(blobs)
    for rid, key in keys:
        for blob in blobs:
            if is_sealed(blob):
                with suppress(InvalidTag):
                    found.append(unseal(key, blob, rid))
        for nonce, ct in raws:
            with suppress(InvalidTag):
                found.append(decrypt(key, nonce, ct, aad(rid, "raw_transcript")))
    return found


@pytest.mark.parametrize("backend_store", ["postgresql"], indirect=True)
def test_pg_purge_leaves_no_readable_content_without_vacuum(backend_store: Store) -> None:
    """Issue 15 #7: the purged call's phrase stayed in the heap file and the WAL segments."""
    st = backend_store
    rid = "rec-" + uuid.uuid4().hex[:12]
    make_recording(st, rid)
    make_recording(st, rid + "-other")
    needles = [SECRET, marker(rid)]  # SECRET is the other call's too: never in clear
    flush(st)
    folder = data_dir(st)
    # The scan can see this test's writes: the recording id is stored in clear (metadata).
    assert scan_files([folder / "base", folder / "pg_wal"], [rid]) != []
    purge(st, rid, "host-deleted")
    flush(st)
    assert scan_files([folder / "base", folder / "pg_wal", folder / "global"], needles) == []
    readable = readable_blobs(st)
    assert any(marker(rid + "-other").encode() in b for b in readable)  # the check can see
    assert not any(marker(rid).encode() in b for b in readable)
    # The other recording is still readable with its key.
    assert (
        st.recordings.raw_transcript(rid + "-other")
        .segments[0]
        .text.endswith(marker(rid + "-other"))
    )
