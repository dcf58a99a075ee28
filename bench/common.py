"""Shared by the bench scripts: the fixture set, timing, the results table and JSON files.

Every ``bench_*.py`` ends with ``report(name, rows, info)``: it prints a table of targets next
to the measured numbers and writes ``bench/results/<name>.json``, which ``run_all.py`` reads.
"""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RESULTS = ROOT / "bench" / "results"
AUDIO_FIXTURES = ("call_support.flac", "call_stereo.flac", "short_phone.wav")


@dataclass
class Row:
    """One measured number and its target; ``ok`` is None where there is no target."""

    metric: str
    measured: float
    unit: str
    target: str = ""
    ok: bool | None = None


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    return {
        "cpu": cpu,
        "cores": cores,
        "python": platform.python_version(),
        "load_avg_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def table(rows: list[Row]) -> str:
    lines = [f"{'metric':<44} {'target':>12} {'measured':>12}  ok"]
    for r in rows:
        ok = "-" if r.ok is None else ("yes" if r.ok else "NO")
        lines.append(f"{r.metric:<44} {r.target:>12} {r.measured:>10.2f} {r.unit:<3} {ok}")
    return "\n".join(lines)


def report(name: str, rows: list[Row], info: dict[str, Any]) -> Path:
    print(table(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.json"
    payload = {
        "bench": name,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "rows": [asdict(r) for r in rows],
        "info": info,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return out


def concatenated_speech(seconds: float) -> Any:
    """A mono float32 16 kHz recording of about ``seconds``: the audio fixtures' channels,
    one after another, repeated. Real speech with the fixtures' PII, so VAD and Whisper work
    as on a real call."""
    import numpy as np

    from redactor.ingest import decode_audio

    channels = [ch for name in AUDIO_FIXTURES for ch in decode_audio(FIXTURES / name).channels]
    need = int(seconds * 16_000)
    parts, have = [], 0
    while have < need:
        for ch in channels:
            parts.append(ch[: need - have])
            have += len(parts[-1])
            if have >= need:
                break
    return np.concatenate(parts).astype(np.float32)
