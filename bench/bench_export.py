"""Dataset export: 1,000 synthetic redacted transcripts to a dataset, rows per second.

The recordings are written straight into a fresh SQLite store (``tests/export_support.py``:
raw transcript, training-policy surrogates, detections; no speech or NER model), then
``export_dataset`` runs with the real residual-PII gate (the spaCy/Presidio detector at the
gate threshold, one document per recording). Reported: rows written per second of export
(selection, gate, dedup, shards, manifests, card, lineage), and the same without the
detector pass (pattern rules only) to show where the time goes, and rows per CPU-second (stable when other
processes share the cores); then one purge that rewrites both exports.

    .venv/bin/python bench/bench_export.py [--recordings 1000] [--turns 12]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import Row, report

from redactor.dataset import GATE_MIN_SCORE, export_dataset
from redactor.detect import PresidioDetector
from redactor.purge import purge
from redactor.store import open_store
from redactor.types import TextSpan
from tests.export_support import make_conversation


class _PatternsOnly:
    def analyze_text(self, text: str) -> list[TextSpan]:
        return []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--recordings", type=int, default=1000)
    ap.add_argument("--turns", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        st = open_store(str(root / "store" / "redactor.db"))
        t0 = time.perf_counter()
        for i in range(args.recordings):
            make_conversation(st, f"rec-{i:05d}", turns=args.turns)
        made = time.perf_counter() - t0
        detector = PresidioDetector(min_score=GATE_MIN_SCORE)
        detector.analyze_text("warm up the pipeline, Mary")
        cpu0 = time.process_time()
        full = export_dataset(st, root / "full", analyzer=detector)
        full_cpu = time.process_time() - cpu0
        quick = export_dataset(st, root / "patterns", analyzer=_PatternsOnly())
        t1 = time.perf_counter()
        purge(st, "rec-00000", "host-deleted")
        purge_s = time.perf_counter() - t1
    print("\n".join(full.lines()))
    rows = [
        Row("export rows/s (real gate)", full.rows_written / full.seconds, "r/s"),
        Row("export rows/s (pattern rules only)", quick.rows_written / quick.seconds, "r/s"),
        Row("export rows per CPU-second (real gate)", full.rows_written / full_cpu, "r/s"),
        Row("export seconds (real gate)", full.seconds, "s"),
        Row("rows written", full.rows_written, ""),
        Row("purge with 2 exports to rewrite", purge_s, "s"),
    ]
    report(
        "export",
        rows,
        {
            "recordings": args.recordings,
            "turns": args.turns,
            "store_fill_s": round(made, 2),
            "candidates": full.candidates,
            "dropped": full.dropped,
        },
    )


if __name__ == "__main__":
    main()
