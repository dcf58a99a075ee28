"""One machine, every core: a process pool with one pipeline (and one set of models) per worker.

Why processes: Whisper (CTranslate2) and spaCy release the GIL only in parts, and one worker
per core with few threads each scales better than one process with many threads. Each worker
builds its ``LocalPipeline`` once, in the pool initializer, and loads the models there, so a
file costs only its own work. CPU threads per worker are set so that workers x threads does
not exceed the cores (CTranslate2 through ``WhisperSpec.cpu_threads``; BLAS/OpenMP through the
environment the workers start with).

Results stream back as files finish. A file that fails is recorded with its reason and the
batch goes on; a worker that dies (killed, out of memory) is replaced and its in-flight files
are tried once more, then recorded as failed. Nothing of a failed file is stored: the store
writes a recording in one transaction at the end. Resuming is the pipeline's own rule: a file
whose content hash is already stored is skipped unless ``force``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from redactor.models import WhisperSpec
from redactor.pipelines.local import LocalPipeline, ProcessResult
from redactor.types import RecordingMeta

__all__ = [
    "BatchSummary",
    "PipelineSpec",
    "available_cores",
    "process_file_safely",
    "run_pool",
    "threads_per_worker",
]

log = logging.getLogger("redactor.pool")

THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
MAX_ATTEMPTS = 2  # a file in flight when its worker died is tried once more


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to build its own pipeline: picklable, no loaded models inside.

    ``extra`` is passed to ``LocalPipeline`` as keyword arguments (policies, audio options),
    so the pool and the Ray executor follow whatever the local pipeline grows.
    """

    store: str | None = None
    whisper: WhisperSpec = field(default_factory=WhisperSpec)
    spacy_model: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def like(
        cls,
        pipeline: LocalPipeline,
        *,
        store: str | None,
        whisper: WhisperSpec,
        spacy_model: str | None,
    ) -> PipelineSpec:
        """A spec for pipelines configured like ``pipeline`` (its policies, audio options...)."""
        engines = {"store", "transcriber", "detector"}
        extra = {
            f.name: getattr(pipeline, f.name) for f in fields(pipeline) if f.name not in engines
        }
        return cls(store=store, whisper=whisper, spacy_model=spacy_model, extra=extra)

    def prepare(self) -> None:
        """Create or migrate the store once, here, before workers open it all at the same time
        (concurrent first opens of a new SQLite store race on its migrations)."""
        from redactor.store import open_store

        open_store(self.store).close()

    def build(self, *, cpu_threads: int | None = None, device: str | None = None) -> LocalPipeline:
        from redactor.detect import Detector
        from redactor.store import open_store
        from redactor.transcribe import FasterWhisperTranscriber

        whisper = self.whisper
        if cpu_threads is not None:
            whisper = replace(whisper, cpu_threads=cpu_threads)
        if device is not None and device != whisper.device:
            whisper = replace(whisper, device=device, compute_type="float16")
        return LocalPipeline(
            store=open_store(self.store),
            transcriber=FasterWhisperTranscriber(whisper),
            detector=Detector(spacy_model=self.spacy_model),
            **dict(self.extra),
        )


def warm_up(pipeline: LocalPipeline) -> None:
    """Load the models now, once, rather than inside the first file's timing."""
    model = getattr(pipeline.transcriber, "model", None)
    del model
    pipeline.detector.analyze_texts(["warm up"])


def process_file_safely(
    pipeline: LocalPipeline, path: Path, meta: RecordingMeta, force: bool, allow_purged: bool
) -> ProcessResult:
    """``process_file``, with an unexpected error turned into a failed result for this file.

    The message names the file and the error type only: an exception's text may quote content.
    """
    try:
        return pipeline.process_file(path, meta, force=force, allow_purged=allow_purged)
    except Exception as exc:
        log.warning("%s: failed with %s", path, type(exc).__name__)
        return ProcessResult(
            path, None, "failed", f"{path}: internal error ({type(exc).__name__})", 1
        )


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """CPU threads each worker may use so that workers x threads <= cores (at least 1)."""
    return max(1, (cores or available_cores()) // max(1, workers))


@dataclass
class BatchSummary:
    """Counts by status, audio seconds processed and the wall time: the end-of-batch line."""

    counts: Counter[str] = field(default_factory=Counter)
    audio_s: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def add(self, result: ProcessResult) -> None:
        self.counts[result.status] += 1
        if result.status == "done":
            self.audio_s += result.duration_s

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    @property
    def realtime_factor(self) -> float:
        """Audio seconds processed per wall-clock second."""
        return self.audio_s / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def line(self) -> str:
        parts = [f"{self.counts[s]} {s}" for s in ("done", "skipped", "failed", "refused")]
        if not self.counts["refused"]:
            parts.pop()
        return (
            ", ".join(parts)
            + f"; {self.audio_s / 3600:.3f} audio hours in {self.elapsed_s:.1f} s"
            + f" ({self.realtime_factor:.1f}x real time)"
        )


# -- worker side -------------------------------------------------------------------------------

_WORKER: LocalPipeline | None = None


def _init_worker(spec: PipelineSpec, threads: int) -> None:
    global _WORKER
    _WORKER = spec.build(cpu_threads=threads)
    warm_up(_WORKER)


def _work(path: Path, meta: RecordingMeta, force: bool, allow_purged: bool) -> ProcessResult:
    assert _WORKER is not None, "worker used before its initializer ran"
    return process_file_safely(_WORKER, path, meta, force, allow_purged)


# -- parent side -------------------------------------------------------------------------------


@contextmanager
def _thread_env(threads: int) -> Iterator[None]:
    """Workers inherit the environment at start: cap BLAS/OpenMP threads there."""
    saved = {k: os.environ.get(k) for k in THREAD_ENV}
    for key in THREAD_ENV:
        os.environ.setdefault(key, str(threads))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_pool(
    files: Iterable[Path],
    meta: RecordingMeta,
    *,
    spec: PipelineSpec,
    workers: int,
    force: bool = False,
    allow_purged: bool = False,
    initializer: Any = _init_worker,
) -> Iterator[ProcessResult]:
    """Process ``files`` on ``workers`` processes; yield each result as its file finishes.

    At most two files per worker are in flight, so a batch of millions of files is fed
    lazily. ``initializer`` is a seam for tests (it must set up what ``_work`` uses).
    """
    spec.prepare()
    threads = threads_per_worker(workers)
    queue = iter(files)
    retry: list[tuple[Path, int]] = []
    ctx = multiprocessing.get_context("spawn")  # fork after threads (progress bar) is unsafe
    with _thread_env(threads):
        while True:
            broken: list[tuple[Path, int]] = []
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=ctx,
                initializer=initializer,
                initargs=(spec, threads),
            )
            pending: dict[Future[ProcessResult], tuple[Path, int]] = {}

            def feed(
                pool: ProcessPoolExecutor = pool,
                pending: dict[Future[ProcessResult], tuple[Path, int]] = pending,
            ) -> None:
                # A retried file runs alone: if it kills its worker again, it takes no
                # innocent file down with it.
                while True:
                    suspect = any(a > 1 for _, a in pending.values())
                    limit = 1 if suspect or retry else 2 * workers
                    if len(pending) >= limit:
                        return
                    item = retry.pop() if retry else next(((p, 1) for p in queue), None)
                    if item is None:
                        return
                    try:
                        fut = pool.submit(_work, item[0], meta, force, allow_purged)
                    except BrokenProcessPool:  # a worker died since the last wait
                        retry.append(item)
                        return
                    pending[fut] = item

            try:
                feed()
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        path, attempt = pending.pop(fut)
                        try:
                            yield fut.result()
                        except BrokenProcessPool:
                            broken.append((path, attempt))
                    if broken:
                        broken.extend(pending.values())
                        pending.clear()
                        break
                    feed()
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            if not broken and not retry:
                return
            log.warning("a worker process died; restarting the pool")
            for path, attempt in broken:
                if attempt >= MAX_ATTEMPTS:
                    yield ProcessResult(
                        path, None, "failed", f"{path}: worker process died while processing", 1
                    )
                else:
                    retry.append((path, attempt + 1))
