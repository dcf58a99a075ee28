"""Beyond one machine: the same pipeline as Ray actors, each loading the models once.

Each actor builds its pipeline from the same ``RunConfig`` the local pool uses and runs each
file it is sent through the shared per-file guard, writing to the shared store (PostgreSQL on a
real cluster; an embedded SQLite file only works when every actor runs on this machine).
Input paths must be readable by the actors (a shared filesystem on a cluster). CPUs and GPUs
per actor come from the run (``[executor]``); an actor with a GPU runs Whisper on CUDA.

Ray is an optional extra (``pip install 'redactor[ray]'``); without it ``--executor ray``
says so and exits 2.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redactor.errors import InputError
from redactor.executors.guard import process_file_safely
from redactor.executors.stages import ProcessResult, ProcessStatus, build_pipeline, warm_up
from redactor.types import RecordingMeta

if TYPE_CHECKING:
    from redactor.runs import RunConfig

__all__ = ["PipelineActor", "RayExecutor", "import_ray", "run_ray"]

log = logging.getLogger("redactor.ray")

IN_FLIGHT_PER_ACTOR = 2  # one running, one queued: no idle gap between files


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InputError(
            "--executor ray needs Ray, an optional extra: pip install 'redactor[ray]'"
        ) from None
    return ray


@dataclass(frozen=True)
class RayExecutor:
    """``run.executor.workers`` Ray actors with the run's CPUs/GPUs each, on the cluster at
    ``run.executor.address`` (or a local Ray). Checks that Ray is installed when built."""

    run: RunConfig
    name = "ray"

    def __post_init__(self) -> None:
        import_ray()  # fail now, before any work, if the extra is not installed

    def process(
        self, files: Sequence[Path], meta: RecordingMeta, *, force: bool, allow_purged: bool
    ) -> Iterator[ProcessResult]:
        ex = self.run.executor
        return run_ray(
            files,
            meta,
            run=self.run,
            actors=ex.workers,
            cpus_per_actor=ex.cpus_per_worker,
            gpus_per_actor=ex.gpus_per_worker,
            address=ex.address,
            force=force,
            allow_purged=allow_purged,
        )


class PipelineActor:
    """One pipeline per actor; made a Ray actor by ``run_ray`` (plain class, testable alone)."""

    def __init__(self, run: RunConfig, cpu_threads: int, gpus: float) -> None:
        self.pipeline = build_pipeline(
            run, cpu_threads=cpu_threads, device="cuda" if gpus > 0 else None
        )
        warm_up(self.pipeline)

    def process(
        self, path: str, meta: RecordingMeta, force: bool, allow_purged: bool
    ) -> ProcessResult:
        return process_file_safely(self.pipeline, Path(path), meta, force, allow_purged)


def run_ray(
    files: Iterable[Path],
    meta: RecordingMeta,
    *,
    run: RunConfig,
    actors: int,
    cpus_per_actor: float = 1.0,
    gpus_per_actor: float = 0.0,
    address: str | None = None,
    force: bool = False,
    allow_purged: bool = False,
) -> Iterator[ProcessResult]:
    """Process ``files`` on ``actors`` Ray actors; yield each result as its file finishes.

    Connects to ``address`` (or starts a local Ray) unless Ray is already initialised in this
    process, and shuts down only what it started.
    """
    ray = import_ray()
    run = _absolute_store(run)
    from redactor.executors.stages import open_run_store

    open_run_store(run).close()  # create or migrate it once, before the actors open it
    started = False
    if not ray.is_initialized():
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
        started = True
    remote_cls = ray.remote(
        num_cpus=cpus_per_actor, num_gpus=gpus_per_actor, max_restarts=1, max_task_retries=0
    )(PipelineActor)
    threads = max(1, int(cpus_per_actor))
    pool = [remote_cls.remote(run, threads, gpus_per_actor) for _ in range(max(1, actors))]
    load = dict.fromkeys(range(len(pool)), 0)
    pending: dict[Any, tuple[int, Path]] = {}
    queue = iter(files)
    try:
        while True:
            for idx in sorted(load, key=load.__getitem__):
                while load[idx] < IN_FLIGHT_PER_ACTOR:
                    path = next(queue, None)
                    if path is None:
                        break
                    ref = pool[idx].process.remote(str(path.resolve()), meta, force, allow_purged)
                    pending[ref] = (idx, path)
                    load[idx] += 1
            if not pending:
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                idx, path = pending.pop(ref)
                load[idx] -= 1
                yield _result(ray, ref, path)
    finally:
        for actor in pool:
            ray.kill(actor)
        if started:
            ray.shutdown()


def _absolute_store(run: RunConfig) -> RunConfig:
    """Actors do not share this process's working directory: pin every path of the run (the
    store, its artifact and key folders, policy files, the model manifest, a model folder)."""

    def pin(value: str | None) -> str | None:
        return str(Path(value).resolve()) if value else None

    store, models = run.store, run.models
    location = store.location if "://" in store.location else str(pin(store.location))
    whisper = pin(models.whisper) if Path(models.whisper).is_dir() else models.whisper
    return replace(
        run,
        store=replace(store, location=location, artifacts=pin(store.artifacts),
                      keys_dir=pin(store.keys_dir)),
        models=replace(models, manifest=pin(models.manifest), whisper=str(whisper)),
        policies=tuple(str(pin(p)) if p.endswith(".toml") else p for p in run.policies),
        policy_dir=pin(run.policy_dir),
    )  # fmt: skip


def _result(ray: Any, ref: Any, path: Path) -> ProcessResult:
    """The actor's result with the caller's path; a dead actor fails only its file."""
    try:
        result: ProcessResult = ray.get(ref)
    except ray.exceptions.RayError as exc:
        log.warning("%s: Ray task failed with %s", path, type(exc).__name__)
        error = f"{path}: Ray worker failed ({type(exc).__name__})"
        return ProcessResult(path, None, ProcessStatus.FAILED, error, 1)
    return replace(result, path=path)
