"""Residue scans: is any of these strings readable in any file under a folder?

Plain files are searched byte for byte (UTF-8); Parquet files are compressed, so they are
read with pyarrow and every string value is searched. Findings name the file and which
needle (by index), never the needle itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow.parquet as pq

__all__ = ["scan_files"]


def _parquet_text(path: Path) -> bytes:
    try:
        table = pq.read_table(path)
    except Exception:  # a half-written shard: fall back to its bytes
        return path.read_bytes()
    parts = []
    for col in table.columns:
        parts += [str(v) for v in col.to_pylist() if v is not None]
    return "\n".join(parts).encode()


def scan_files(roots: Iterable[Path], needles: Sequence[str]) -> list[str]:
    """``"<path>: needle <i>"`` for every file under ``roots`` holding a needle."""
    wanted = [n.encode() for n in needles if n]
    findings = []
    for root in roots:
        if not root.exists():
            continue
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            try:
                data = _parquet_text(path) if path.suffix == ".parquet" else path.read_bytes()
            except OSError:  # a server file we may not read (e.g. postmaster.pid in flux)
                continue
            findings += [f"{path}: needle {i}" for i, n in enumerate(wanted) if n in data]
    return findings
