"""Scaling: the same batch on a pool of 1 worker and of 2 workers (target: >= 1.8x faster).

The batch is ``--files`` distinct recordings of ``--seconds`` each, cut from the concatenated
audio fixtures at different offsets (distinct content, so nothing is skipped as already
stored), written to a temporary folder. Each run gets a fresh store. Workers start and load
their models before the clock starts (the pool initializer, then one no-op task per worker):
what is timed is batch throughput, the number that matters over millions of files.

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

from redactor.pipelines import pool as pool_mod
from redactor.pipelines.pool import PipelineSpec, threads_per_worker
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


def run(files: list[Path], workers: int, store: str) -> tuple[float, int]:
    threads = threads_per_worker(workers)
    spec = PipelineSpec(store=store)
    spec.prepare()
    ctx = multiprocessing.get_context("spawn")
    with (
        pool_mod._thread_env(threads),
        ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=pool_mod._init_worker, initargs=(spec, threads)
        ) as pool,
    ):
        wait([pool.submit(_ready) for _ in range(workers)])
        start = time.perf_counter()
        futures = [
            pool.submit(pool_mod._work, f, RecordingMeta(host="bench"), False, False) for f in files
        ]
        done = sum(f.result().status == "done" for f in futures)
        return time.perf_counter() - start, done


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
        one, done1 = run(files, 1, str(folder / "one.db"))
        many, done2 = run(files, args.workers, str(folder / "many.db"))
    speedup = one / many
    rows = [
        Row(
            f"scaling: {args.workers} workers vs 1", speedup, "x", f">= {TARGET}", speedup >= TARGET
        ),
        Row("scaling: 1 worker", audio_s / one, "xRT"),
        Row(f"scaling: {args.workers} workers", audio_s / many, "xRT"),
    ]
    report(
        "scaling",
        rows,
        {
            "files": args.files,
            "seconds_each": args.seconds,
            "wall_s": {"1": one, str(args.workers): many},
            "done": {"1": done1, str(args.workers): done2},
            "threads_per_worker": {
                "1": threads_per_worker(1),
                str(args.workers): threads_per_worker(args.workers),
            },
        },
    )


if __name__ == "__main__":
    main()
