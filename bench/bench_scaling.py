"""Scaling: the same batch on a pool of 1 worker and of 2 workers (target: >= 1.8x faster).

The batch is ``--files`` distinct recordings of ``--seconds`` each, cut from the concatenated
audio fixtures at different offsets (distinct content, so nothing is skipped as already
stored), written to a temporary folder. Each run gets a fresh store. Workers start and load
their models before the clock starts (the pool initializer, then one no-op task per worker):
what is timed is batch throughput, the number that matters over millions of files.

The target compares 1 and 2 workers at one CPU thread each (does the pool scale?). The CLI's
own setting, threads = cores // workers, is measured too: there the single worker already
uses both cores through CTranslate2's threads, so the gain from a second worker is smaller.

    .venv/bin/python bench/bench_scaling.py [--files 8] [--seconds 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, concatenated_speech, report

from redactor.executors import pool as pool_mod
from redactor.executors.pool import threads_per_worker
from redactor.runs import RunOverrides, build_run
from redactor.types import RecordingMeta

TARGET = 1.8


def _ready() -> None:
    time.sleep(1.0)  # long enough that every worker takes one: all are initialised


def make_batch(folder: Path, files: int, seconds: float) -> list[Path]:
    import soundfile as sf

    speech = concatenated_speech(seconds * (files + 1))
    step = len(speech) // (files + 1)
    out = []
    for i in range(files):
        path = folder / f"rec_{i:03d}.flac"
        sf.write(
            path, speech[i * step : i * step + int(seconds * 16_000)], 16_000, subtype="PCM_16"
        )
        out.append(path)
    return out


def _cpu_work(path: Path) -> tuple[str, float]:
    """One file through the pool's worker function, with the CPU seconds it cost (all threads)."""
    start = time.process_time()
    result = pool_mod._work(path, RecordingMeta(host="bench"), False, False, None)
    return result.status, time.process_time() - start


def run(files: list[Path], workers: int, store: str, threads: int) -> tuple[float, int, float]:
    spec = build_run("default", RunOverrides(store=store))
    pool_mod._prepare(spec)
    ctx = multiprocessing.get_context("spawn")
    with (
        pool_mod._thread_env(threads),
        ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=pool_mod._init_worker, initargs=(spec, threads)
        ) as pool,
    ):
        wait([pool.submit(_ready) for _ in range(workers)])
        start = time.perf_counter()
        results = [f.result() for f in [pool.submit(_cpu_work, f) for f in files]]
        wall = time.perf_counter() - start
        return wall, sum(s == "done" for s, _ in results), sum(c for _, c in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as tmp:
        folder = Path(tmp)
        files = make_batch(folder, args.files, args.seconds)
        audio_s = args.files * args.seconds
        w = args.workers
        one, done1, cpu1 = run(files, 1, str(folder / "one.db"), 1)
        many, done2, cpu2 = run(files, w, str(folder / "many.db"), 1)
        auto_one, done3, _ = run(files, 1, str(folder / "auto1.db"), threads_per_worker(1))
    speedup = one / many
    auto = auto_one / many if threads_per_worker(w) == 1 else float("nan")
    rows = [
        Row(
            f"scaling: {w} workers vs 1 (1 thread each)",
            speedup,
            "x",
            f">= {TARGET}",
            speedup >= TARGET,
        ),
        Row(f"scaling: {w} workers vs 1 worker x {threads_per_worker(1)} threads", auto, "x"),
        Row("scaling: 1 worker, 1 thread", audio_s / one, "xRT"),
        Row(f"scaling: 1 worker, {threads_per_worker(1)} threads", audio_s / auto_one, "xRT"),
        Row(f"scaling: {w} workers, 1 thread each", audio_s / many, "xRT"),
        # Load-independent: CPU cost per audio second. Equal costs mean the pool adds no
        # work, so on an idle machine with >= w cores the speed-up is about w x this ratio.
        Row("scaling: CPU s per audio s, 1 worker", cpu1 / audio_s, "s"),
        Row(f"scaling: CPU s per audio s, {w} workers", cpu2 / audio_s, "s"),
        Row(f"scaling: idle-machine estimate, {w} vs 1", w * cpu1 / cpu2, "x"),
    ]
    report(
        "scaling",
        rows,
        {
            "files": args.files,
            "seconds_each": args.seconds,
            "wall_s": {"1x1": one, f"{w}x1": many, f"1x{threads_per_worker(1)}": auto_one},
            "done": [done1, done2, done3],
            "cpu_s": {"1x1": cpu1, f"{w}x1": cpu2},
        },
    )


if __name__ == "__main__":
    main()
