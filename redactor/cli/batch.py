"""How ``redactor process`` runs a batch: in this process, on a local pool, or on Ray; and the
progress bar (files, audio hours, rate) and end-of-batch summary it shows on stderr."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
from redactor.ingest import discover
from redactor.pipelines import LocalPipeline, ProcessResult
from redactor.pipelines.pool import BatchSummary, PipelineSpec, available_cores, run_pool
from redactor.types import RecordingMeta

__all__ = ["EXECUTORS", "BatchProgress", "run_batch"]

EXECUTORS = ("local", "ray")


def run_batch(
    pipeline: LocalPipeline,
    paths: Sequence[Path],
    meta: RecordingMeta,
    *,
    spec: PipelineSpec,
    workers: int,
    executor: str,
    ray_address: str | None,
    cpus_per_worker: float,
    gpus_per_worker: float,
    force: bool,
    allow_purged: bool,
) -> tuple[int, Iterator[ProcessResult]]:
    """``(number of inputs, results as they finish)``. One local worker runs in this process."""
    if executor not in EXECUTORS:
        raise InputError(f"unknown executor {executor!r}; choose one of: {', '.join(EXECUTORS)}")
    if workers < 1:
        raise InputError(f"--workers must be at least 1 (got {workers})")
    items = list(discover(paths))
    files = [p for p in items if isinstance(p, Path)]
    bad = [
        ProcessResult(Path(str(e.path)), None, "failed", str(e), e.exit_code)
        for e in items
        if isinstance(e, InputError)
    ]

    def results() -> Iterator[ProcessResult]:
        yield from bad
        if executor == "ray":
            from redactor.pipelines.ray_executor import run_ray

            yield from run_ray(
                files,
                meta,
                spec=spec,
                actors=workers,
                cpus_per_actor=cpus_per_worker,
                gpus_per_actor=gpus_per_worker,
                address=ray_address,
                force=force,
                allow_purged=allow_purged,
            )
        elif workers == 1:
            for path in files:
                yield pipeline.process_file(path, meta, force=force, allow_purged=allow_purged)
        else:
            yield from run_pool(
                files, meta, spec=spec, workers=workers, force=force, allow_purged=allow_purged
            )

    if executor == "ray":
        from redactor.pipelines.ray_executor import import_ray

        import_ray()  # fail now, before any work, if the extra is not installed
    return len(items), results()


def worker_warning(workers: int, executor: str) -> str | None:
    cores = available_cores()
    if executor == "local" and workers > cores:
        return f"warning: --workers {workers} is more than the {cores} cores; expect no speed-up"
    return None


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
