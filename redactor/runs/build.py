"""``build_run``: a run from a pipeline file, the environment and the command line.

Precedence, lowest first: the engine's defaults (``RunConfig``), the pipeline file, the
``REDACTOR_*`` environment variables, the command-line options. This is the one function that
builds a run, and the environment reaches it only through ``read_environment``.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomli_w

from redactor.audio import AudioOptions
from redactor.environment import Environment, read_environment, store_location
from redactor.errors import InputError
from redactor.policy import known_policies
from redactor.runs.config import (
    LANGUAGE_CODE,
    ExecutorConfig,
    ModelsConfig,
    PipelineFile,
    RunConfig,
    StoreConfig,
    check_stages,
    parse_pipeline,
)

__all__ = [
    "DEFAULT_PIPELINE",
    "RunOverrides",
    "build_run",
    "known_pipelines",
    "pipeline_path",
    "render_run",
    "shipped_pipelines_dir",
]

DEFAULT_PIPELINE = "default"


@dataclass(frozen=True, slots=True)
class RunOverrides:
    """Command-line values; ``None`` leaves the file's (or the environment's) value."""

    store: str | None = None
    whisper_model: str | None = None
    spacy_model: str | None = None
    policies: tuple[str, ...] | None = None
    allow_terms: tuple[str, ...] = ()  # added to the file's and the environment's
    allow_languages: tuple[str, ...] = ()  # added to the file's ``languages``
    audio: bool | None = None
    audio_format: str | None = None
    audio_mode: str | None = None
    audio_padding_ms: float | None = None
    executor: str | None = None
    workers: int | None = None
    ray_address: str | None = None
    cpus_per_worker: float | None = None
    gpus_per_worker: float | None = None
    models: str | None = None  # a model manifest path


def shipped_pipelines_dir() -> Path:
    return Path(str(importlib.resources.files("redactor.runs.shipped")))


def known_pipelines(extra_dir: Path | None = None) -> dict[str, Path]:
    """Pipeline name -> file: the shipped ones, then ``extra_dir`` (whose files win)."""
    found = {p.stem: p for p in sorted(shipped_pipelines_dir().glob("*.toml"))}
    if extra_dir is not None and extra_dir.is_dir():
        found.update({p.stem: p for p in sorted(extra_dir.glob("*.toml"))})
    return found


def pipeline_path(name: str, extra_dir: Path | None = None) -> Path:
    """A pipeline by name, or a path to a ``.toml`` file."""
    if name.endswith(".toml") or "/" in name:
        path = Path(name)
        if not path.is_file():
            raise InputError(f"pipeline file {name}: no such file")
        return path
    known = known_pipelines(extra_dir)
    if name not in known:
        raise InputError(f"unknown pipeline {name!r}; known pipelines: {', '.join(sorted(known))}")
    return known[name]


def read_pipeline(path: Path) -> PipelineFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"pipeline file {path}: cannot read ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"pipeline file {path}: not valid TOML ({exc})") from None
    return parse_pipeline(data, str(path))


def build_run(
    pipeline: str | None = None,
    overrides: RunOverrides | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> RunConfig:
    """The run for ``pipeline`` (name or path; default ``REDACTOR_PIPELINE``, else
    ``default``) with the environment and ``overrides`` applied. Checks what it can without
    loading anything: the file's keys and values, the policy names, the executor's options."""
    env = read_environment(environ)
    cli = overrides or RunOverrides()
    path = pipeline_path(pipeline or env.pipeline or DEFAULT_PIPELINE, env.pipeline_dir)
    f = read_pipeline(path)
    where = f"pipeline file {path}"
    base = RunConfig(name=path.stem, source=str(path))
    models = _models(base.models, f, env, cli)
    policy_dir = f.get("policies.dir") or (str(env.policy_dir) if env.policy_dir else None)
    policies = _first(cli.policies, _tuple(f.get("policies.use")), base.policies)
    _check_policies(policies, policy_dir, where if cli.policies is None else "--policy")
    stages = list(f.get("stages", base.stages))
    if cli.audio is not None:  # --audio / --no-audio adds or drops the stage
        stages = [s for s in stages if s != "audio"] + (["audio"] if cli.audio else [])
    stages_t = check_stages(stages, where)
    padding_ms = _first(cli.audio_padding_ms, f.get("audio.padding_ms"))
    audio = AudioOptions(
        enabled="audio" in stages_t,
        format=_first(cli.audio_format, f.get("audio.format"), base.audio.format),
        mode=_first(cli.audio_mode, f.get("audio.mode")),
        padding_s=None if padding_ms is None else float(padding_ms) / 1000,
    )
    allow = dict.fromkeys([*f.get("policies.allow_terms", []), *env.allow_terms,
                           *cli.allow_terms])  # fmt: skip
    languages = [c.strip().lower() for c in cli.allow_languages]
    if bad := sorted(c for c in languages if not LANGUAGE_CODE.fullmatch(c)):
        raise InputError(f"--allow-language: not an ISO 639 language code: {', '.join(bad)}")
    return replace(
        base,
        description=f.get("description", ""),
        languages=tuple(dict.fromkeys([*f.get("languages", base.languages), *languages])),
        stages=stages_t,
        models=models,
        policies=tuple(dict.fromkeys(policies)),
        policy_dir=policy_dir,
        allow_terms=tuple(allow),
        audio=audio,
        executor=_executor(base.executor, f, cli),
        store=StoreConfig(
            location=store_location(cli.store, f.get("store.location"), env),
            artifacts=_first(_str(env.artifacts), f.get("store.artifacts")),
            keys_dir=_first(_str(env.keys_dir), f.get("store.keys_dir")),
        ),
    )


def _models(
    base: ModelsConfig, f: PipelineFile, env: Environment, cli: RunOverrides
) -> ModelsConfig:
    manifest = _first(cli.models, _str(env.models), f.get("models.manifest"))
    return ModelsConfig(
        whisper=_first(cli.whisper_model, env.whisper_model, f.get("models.whisper"), base.whisper),
        spacy=_first(cli.spacy_model, env.spacy_model, f.get("models.spacy"), base.spacy),
        device=f.get("models.device", base.device),
        compute_type=f.get("models.compute_type", base.compute_type),
        batch_size=f.get("models.batch_size", base.batch_size),
        manifest=manifest,
        allow_download=env.allow_download or f.get("models.allow_download", False),
    )


def _executor(base: ExecutorConfig, f: PipelineFile, cli: RunOverrides) -> ExecutorConfig:
    from redactor.runs.config import EXECUTOR_NAMES

    name = _first(cli.executor, f.get("executor.name"), "local")
    if name not in EXECUTOR_NAMES:
        raise InputError(f"unknown executor {name!r}; choose one of: {', '.join(EXECUTOR_NAMES)}")
    workers = _first(cli.workers, f.get("executor.workers"), base.workers)
    if workers < 1:
        raise InputError(f"--workers must be at least 1 (got {workers})")
    if name == "local":
        name = "inline" if workers == 1 else "pool"
    address = _first(cli.ray_address, f.get("executor.address"))
    return ExecutorConfig(
        name=name,
        workers=workers,
        address=address or None,
        cpus_per_worker=float(
            _first(cli.cpus_per_worker, f.get("executor.cpus_per_worker"), base.cpus_per_worker)
        ),
        gpus_per_worker=float(
            _first(cli.gpus_per_worker, f.get("executor.gpus_per_worker"), base.gpus_per_worker)
        ),
    )


def _check_policies(names: tuple[str, ...], policy_dir: str | None, where: str) -> None:
    known = known_policies(Path(policy_dir) if policy_dir else None)
    for name in names:
        if name.endswith(".toml"):
            if not Path(name).is_file():
                raise InputError(f"{where}: policy file {name}: no such file")
        elif name not in known:
            raise InputError(
                f"{where}: unknown policy {name!r}; known policies: {', '.join(sorted(known))}"
            )


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _tuple(value: list[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def _str(value: Path | None) -> str | None:
    return None if value is None else str(value)


def render_run(run: RunConfig) -> str:
    """The resolved run as TOML: a valid pipeline file that reproduces it."""
    header = f"# pipeline {run.name} ({run.source}), with the environment and options applied\n"
    return header + tomli_w.dumps(run.as_dict())
