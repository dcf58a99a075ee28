"""Purge latency must not grow with the store: purge one recording among 100 and among 10,000.

Synthetic rows (a recording, its data key, encrypted raw transcript, three artifacts, five
detections, one participant, one small redacted-audio file) are bulk-inserted, then a sample
of recordings is purged one at a time and the median wall time is reported. Target: the
10,000 / 100 ratio stays <= 2x.

    .venv/bin/python bench/bench_purge.py [--sizes 100 10000] [--samples 15]
        [--pg postgresql://postgres@127.0.0.1:55432/postgres] [--json bench/results/purge.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import insert

from redactor.purge import purge, verify_purge
from redactor.store import Store, open_store, store_url
from redactor.store import schema as s


def fill(store: Store, n: int) -> None:
    ts = datetime.now(UTC)
    batch = 2000
    for lo in range(0, n, batch):
        ids = [f"rec-{i:06d}" for i in range(lo, min(n, lo + batch))]
        rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in (s.recordings, s.data_keys)}
        rows.update({t: [] for t in (s.raw_transcripts, s.artifacts, s.detections)})
        rows[s.participants] = []
        for rid in ids:
            raw_id = f"art-{uuid.uuid4().hex}"
            folder = store.recording_dir(rid)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{rid}.support.redacted.flac").write_bytes(os.urandom(256))
            rows[s.recordings].append(
                dict(
                    id=rid,
                    host=f"host-{hash(rid) % 50}",
                    source_kind="audio",
                    source_sha256=uuid.uuid4().hex * 2,
                    source_suffix=".wav",
                    channels=1,
                    duration_s=60.0,
                    consent_training=False,
                    speakers="[]",
                    status="done",
                    created_at=ts,
                    updated_at=ts,
                )
            )
            rows[s.data_keys].append(dict(recording_id=rid, key=os.urandom(32), created_at=ts))
            rows[s.raw_transcripts].append(
                dict(
                    recording_id=rid,
                    artifact_id=raw_id,
                    nonce=os.urandom(12),
                    ciphertext=os.urandom(2048),
                    producer="bench/v1",
                )
            )
            for kind, cat, path, body in (
                ("raw_transcript", "raw", None, None),
                ("redacted_transcript", "redacted", None, os.urandom(2048)),
                ("redacted_audio", "redacted", f"{rid}/{rid}.support.redacted.flac", None),
                ("summary", "inferred", None, os.urandom(256)),
            ):
                rows[s.artifacts].append(
                    dict(
                        id=raw_id if kind == "raw_transcript" else f"art-{uuid.uuid4().hex}",
                        recording_id=rid,
                        kind=kind,
                        data_category=cat,
                        derived_from=None if kind == "raw_transcript" else raw_id,
                        policy=None if kind == "raw_transcript" else "support",
                        producer='["bench/v1"]',
                        path=path,
                        sha256=None,
                        body=body,
                        created_at=ts,
                    )
                )
            rows[s.detections] += [
                dict(
                    recording_id=rid,
                    segment=i,
                    start=0,
                    end=5,
                    label="PERSON",
                    score=0.9,
                    recognizer="bench",
                )
                for i in range(5)
            ]
            rows[s.participants].append(
                dict(recording_id=rid, role="customer", channel=None, opted_out=False)
            )
        with store.begin() as conn:
            for table, values in rows.items():
                conn.execute(insert(table), values)


def measure(store: Store, n: int, samples: int) -> dict[str, Any]:
    fill(store, n)
    if store.backend == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    step = max(1, n // samples)
    times = []
    for i in range(0, n, step)[:samples]:
        rid = f"rec-{i:06d}"
        t0 = time.perf_counter()
        purge(store, rid, "retention")
        times.append(time.perf_counter() - t0)
        assert verify_purge(store, rid) == [], rid
    return {
        "backend": store.backend,
        "recordings": n,
        "samples": len(times),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p90_ms": round(sorted(times)[int(0.9 * (len(times) - 1))] * 1000, 2),
    }


def _pg_store(url: str, root: Path) -> tuple[Store, Any]:
    engine_url, _ = store_url(url)
    schema = "bench_" + uuid.uuid4().hex[:12]
    admin = sqlalchemy.create_engine(engine_url)
    with admin.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    sep = "&" if "?" in engine_url else "?"
    return Store(f"{engine_url}{sep}options=-csearch_path%3D{schema}", artifact_root=root), drop


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    ap.add_argument("--samples", type=int, default=15)
    ap.add_argument("--pg", default=os.environ.get("REDACTOR_TEST_PG_URL"))
    ap.add_argument("--json", type=Path, default=Path("bench/results/purge.json"))
    args = ap.parse_args(argv)
    results = []
    for backend in ["sqlite"] + (["postgresql"] if args.pg else []):
        for n in args.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "artifacts"
                if backend == "sqlite":
                    store, drop = open_store(str(Path(tmp) / "r.db")), None
                else:
                    store, drop = _pg_store(args.pg, root)
                try:
                    results.append(measure(store, n, args.samples))
                finally:
                    store.close()
                    if drop:
                        drop()
    print(f"{'backend':<11} {'recordings':>10} {'median ms':>10} {'p90 ms':>8} {'ratio':>6}")
    for r in results:
        base = next(
            x for x in results if x["backend"] == r["backend"] and x["recordings"] == args.sizes[0]
        )
        r["ratio_to_smallest"] = round(r["median_ms"] / base["median_ms"], 2)
        print(
            f"{r['backend']:<11} {r['recordings']:>10} {r['median_ms']:>10.2f} "
            f"{r['p90_ms']:>8.2f} {r['ratio_to_smallest']:>5.2f}x"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"target_ratio": 2.0, "results": results}, indent=2) + "\n")
    worst = max(r["ratio_to_smallest"] for r in results)
    return 0 if worst <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
