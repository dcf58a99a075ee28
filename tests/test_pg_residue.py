"""PostgreSQL keeps deleted rows in heap pages and WAL until VACUUM and segment recycling, and
backups keep them for their lifetime. A purge must not depend on either: everything of a
recording is stored encrypted with its data key, and the key is destroyed first. So after a
purge (no VACUUM) the purged call's phrases and values are in no file of the server's data
folder, and no key still stored decrypts anything that holds them.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import LargeBinary, select, text

from redactor.crypto import decrypt
from redactor.purge import purge
from redactor.store import Store
from redactor.store import schema as s
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
    """Every byte value any stored key decrypts, in every binary column of every table."""
    keys = [bytes(k) for k in st.all_data_keys()]
    found = []
    with st.engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            cols = [c for c in table.c if isinstance(c.type, LargeBinary)]
            for col in cols:
                for (value,) in conn.execute(select(col)):
                    if value is None:
                        continue
                    blob = bytes(value)
                    found.append(blob)
                    for key in keys:
                        try:
                            found.append(decrypt(key, blob[:12], blob[12:], None))
                        except Exception:
                            continue
    return found


def test_pg_purge_leaves_no_readable_content_without_vacuum(backend_store: Store) -> None:
    """Issue 15 #7: the purged call's phrase stayed in the heap file and the WAL segments."""
    if backend_store.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    st = backend_store
    rid = "rec-" + uuid.uuid4().hex[:12]
    make_recording(st, rid)
    make_recording(st, rid + "-other")
    needles = [SECRET, marker(rid)]
    flush(st)
    folder = data_dir(st)
    # The scan can see this test's writes: the recording id is stored in clear (metadata).
    assert scan_files([folder / "base", folder / "pg_wal"], [rid]) != []
    purge(st, rid, "host-deleted")
    flush(st)
    assert scan_files([folder / "base", folder / "pg_wal", folder / "global"], needles) == []
    for blob in readable_blobs(st):
        assert not any(n.encode() in blob for n in needles)
    # The other recording is still readable with its key.
    assert (
        st.recordings.raw_transcript(rid + "-other")
        .segments[0]
        .text.endswith(marker(rid + "-other"))
    )
