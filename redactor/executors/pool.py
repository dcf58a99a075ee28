"""One machine, every core: a process pool with one pipeline (and one set of models) per worker.

Why processes: Whisper (CTranslate2) and spaCy release the GIL only in parts, and one worker
per core with few threads each scales better than one process with many threads. Each worker
builds its pipeline from the ``RunConfig`` once, in the pool initializer, and loads the models
there, so a file costs only its own work. CPU threads per worker are set so that workers x
threads does not exceed the cores (CTranslate2 through ``WhisperSpec.cpu_threads``;
BLAS/OpenMP through the environment the workers start with).

Results stream back as files finish. A file that fails is recorded with its reason and the
batch goes on; a worker that dies (killed, out of memory) is replaced and its in-flight files
are tried once more, then recorded as failed. Nothing of a failed file is stored: the store
writes a recording in one transaction at the end. Resuming is the pipeline's own rule: a file
whose content hash is already stored is skipped unless ``force``.

When one worker dies, ``concurrent.futures`` breaks the whole pool: every file in flight on
the *other* workers loses its result too, even one whose worker had already committed it. Its
retry then finds the content stored and would say ``skipped``; a retry that finds the
recording stored since this batch began reports it ``done`` (it was this batch's work).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redactor.errors import RedactorError
from redactor.executors.guard import process_file_safely
from redactor.executors.stages import (
    LocalPipeline,
    ProcessResult,
    ProcessStatus,
    build_pipeline,
    warm_up,
)
from redactor.types import RecordingMeta

if TYPE_CHECKING:
    from redactor.runs import RunConfig

__all__ = ["PoolExecutor", "available_cores", "run_pool", "threads_per_worker"]

log = logging.getLogger("redactor.pool")

THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
MAX_ATTEMPTS = 2  # a file in flight when its worker died is tried once more


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """CPU threads each worker may use so that workers x threads <= cores (at least 1)."""
    return max(1, (cores or available_cores()) // max(1, workers))


@dataclass(frozen=True)
class PoolExecutor:
    """``run.executor.workers`` processes on this machine. ``initializer`` is a seam for
    tests: it gets ``(run, threads)`` and must set up what ``_work`` uses."""

    run: RunConfig
    initializer: Any = None
    name = "pool"

    def process(
        self, files: Sequence[Path], meta: RecordingMeta, *, force: bool, allow_purged: bool
    ) -> Iterator[ProcessResult]:
        return run_pool(
            files,
            meta,
            run=self.run,
            workers=self.run.executor.workers,
            force=force,
            allow_purged=allow_purged,
            initializer=self.initializer or _init_worker,
        )


# -- worker side -------------------------------------------------------------------------------

_WORKER: LocalPipeline | None = None


def _init_worker(run: RunConfig, threads: int) -> None:
    global _WORKER
    _WORKER = build_pipeline(run, cpu_threads=threads)
    warm_up(_WORKER)


def _work(
    path: Path, meta: RecordingMeta, force: bool, allow_purged: bool, since: datetime | None
) -> ProcessResult:
    """One file in a worker. ``since``: set on a retry, the time this batch began."""
    assert _WORKER is not None, "worker used before its initializer ran"
    result = process_file_safely(_WORKER, path, meta, force, allow_purged)
    if since is not None and result.status == ProcessStatus.SKIPPED and result.recording_id:
        return _stored_by_lost_attempt(_WORKER, result, since)
    return result


def _stored_by_lost_attempt(
    pipeline: LocalPipeline, result: ProcessResult, since: datetime
) -> ProcessResult:
    """A retry's ``skipped``, as ``done`` where the recording was stored during this batch:
    by the attempt whose result the broken pool lost."""
    assert result.recording_id is not None
    try:
        row = pipeline.store.recordings.get(result.recording_id)
    except RedactorError:
        return result
    if row.created_at < since:
        return result
    return replace(result, status=ProcessStatus.DONE, duration_s=row.duration_s)


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
    run: RunConfig,
    workers: int,
    force: bool = False,
    allow_purged: bool = False,
    initializer: Any = _init_worker,
) -> Iterator[ProcessResult]:
    """Process ``files`` on ``workers`` processes; yield each result as its file finishes.

    At most two files per worker are in flight, so a batch of millions of files is fed
    lazily. ``initializer`` is a seam for tests (it must set up what ``_work`` uses).
    """
    _prepare(run)
    started = datetime.now(UTC)
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
                initargs=(run, threads),
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
                        since = started if item[1] > 1 else None
                        fut = pool.submit(_work, item[0], meta, force, allow_purged, since)
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
                    error = f"{path}: worker process died while processing"
                    yield ProcessResult(path, None, ProcessStatus.FAILED, error, 1)
                else:
                    retry.append((path, attempt + 1))


def _prepare(run: RunConfig) -> None:
    """Create or migrate the store once, here, before workers open it all at the same time
    (concurrent first opens of a new SQLite store race on its migrations)."""
    from redactor.executors.stages import open_run_store

    open_run_store(run).close()
