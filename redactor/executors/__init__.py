"""Executors: where a run's files go through the stages (``stages.LocalPipeline``).

Each executor implements ``Executor`` and runs every file through the same per-file guard
(``guard.process_file_safely``): ``inline`` (this process), ``pool`` (a local process pool, one
pipeline per worker) and ``ray`` (Ray actors). ``executor_for`` looks one up by the run's
``executor.name``; a new executor is one module and one line in ``EXECUTORS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from redactor.errors import InputError
from redactor.executors.stages import LocalPipeline, ProcessResult, ProcessStatus, build_pipeline
from redactor.types import RecordingMeta

if TYPE_CHECKING:
    from redactor.runs import RunConfig

__all__ = [
    "EXECUTORS",
    "Executor",
    "LocalPipeline",
    "ProcessResult",
    "ProcessStatus",
    "build_pipeline",
    "executor_for",
]


class Executor(Protocol):
    """Runs files through the stages; yields one result per file as each finishes."""

    name: str

    def process(
        self, files: Sequence[Path], meta: RecordingMeta, *, force: bool, allow_purged: bool
    ) -> Iterator[ProcessResult]: ...


def _inline(run: RunConfig) -> Executor:
    from redactor.executors.inline import InlineExecutor

    return InlineExecutor(run)


def _pool(run: RunConfig) -> Executor:
    from redactor.executors.pool import PoolExecutor

    return PoolExecutor(run)


def _ray(run: RunConfig) -> Executor:
    from redactor.executors.ray import RayExecutor

    return RayExecutor(run)


# name -> factory; imported lazily so that ``inline`` never imports multiprocessing or Ray.
EXECUTORS: dict[str, Callable[[RunConfig], Executor]] = {
    "inline": _inline,
    "pool": _pool,
    "ray": _ray,
}


def executor_for(run: RunConfig) -> Executor:
    """The executor ``run.executor.name`` names, built for ``run``."""
    factory = EXECUTORS.get(run.executor.name)
    if factory is None:
        raise InputError(
            f"unknown executor {run.executor.name!r}; choose one of: {', '.join(EXECUTORS)}"
        )
    return factory(run)
