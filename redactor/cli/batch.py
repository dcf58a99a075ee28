"""How ``redactor process`` runs a batch: the run's executor (looked up by name), the progress
bar (files, audio hours, rate) and the end-of-batch summary it shows on stderr."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from redactor.errors import InputError
from redactor.executors import Executor, ProcessResult, ProcessStatus, executor_for
from redactor.executors.pool import available_cores
from redactor.ingest import discover
from redactor.runs import RunConfig
from redactor.types import RecordingMeta

__all__ = ["BatchProgress", "BatchSummary", "run_batch", "worker_warning"]


def run_batch(
    run: RunConfig,
    paths: Sequence[Path],
    meta: RecordingMeta,
    *,
    force: bool,
    allow_purged: bool,
    executor: Executor | None = None,
) -> tuple[int, Iterator[ProcessResult]]:
    """``(number of inputs, results as they finish)`` on ``executor`` (default: the run's).

    The executor is built first, so that a missing extra (Ray) fails before any work; inputs
    that cannot be read are reported here, the others go to the executor.
    """
    executor = executor or executor_for(run)
    items = list(discover(paths))
    files = [p for p in items if isinstance(p, Path)]
    bad = [
        ProcessResult(Path(str(e.path)), None, ProcessStatus.FAILED, str(e), e.exit_code)
        for e in items
        if isinstance(e, InputError)
    ]

    def results() -> Iterator[ProcessResult]:
        yield from bad
        if files:
            yield from executor.process(files, meta, force=force, allow_purged=allow_purged)

    return len(items), results()


def worker_warning(run: RunConfig) -> str | None:
    cores = available_cores()
    workers = run.executor.workers
    if run.executor.name == "pool" and workers > cores:
        return f"warning: --workers {workers} is more than the {cores} cores; expect no speed-up"
    return None


@dataclass
class BatchSummary:
    """Counts by status, audio seconds processed and the wall time: the end-of-batch line."""

    counts: Counter[ProcessStatus] = field(default_factory=Counter)
    audio_s: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def add(self, result: ProcessResult) -> None:
        self.counts[result.status] += 1
        if result.status == ProcessStatus.DONE:
            self.audio_s += result.duration_s

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    @property
    def realtime_factor(self) -> float:
        """Audio seconds processed per wall-clock second."""
        return self.audio_s / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def line(self) -> str:
        parts = [f"{self.counts[s]} {s}" for s in ProcessStatus]  # in the enum's order
        if not self.counts[ProcessStatus.REFUSED]:
            parts.pop()
        return (
            ", ".join(parts)
            + f"; {self.audio_s / 3600:.3f} audio hours in {self.elapsed_s:.1f} s"
            + f" ({self.realtime_factor:.1f}x real time)"
        )


class BatchProgress:
    """A Rich progress bar on stderr: files done of total, audio hours, real-time factor."""

    def __init__(self, console: Console, total: int, *, enabled: bool) -> None:
        self.summary = BatchSummary()
        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[hours]:.2f} audio h"),
            TextColumn("{task.fields[rate]:.1f}x real time"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not enabled,
        )
        self._task = self._progress.add_task("processing", total=total, hours=0.0, rate=0.0)

    def __enter__(self) -> BatchProgress:
        self._progress.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.__exit__(exc_type, exc, tb)

    def update(self, result: ProcessResult) -> None:
        self.summary.add(result)
        self._progress.update(
            self._task,
            advance=1,
            hours=self.summary.audio_s / 3600,
            rate=self.summary.realtime_factor,
        )
