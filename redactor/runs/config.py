"""A run, typed: what a pipeline file declares, checked key by key.

``parse_pipeline`` turns a pipeline file's TOML into a ``PipelineFile`` (every field optional,
unknown keys and bad values refused with the file, the key and the valid choices);
``redactor.runs.build`` merges it with the environment and the command line into a frozen
``RunConfig``, the one object the executors and the CLI read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from redactor.audio import AUDIO_FORMATS, AUDIO_MODES, AudioOptions
from redactor.errors import InputError
from redactor.models import WhisperSpec

__all__ = [
    "DEVICES",
    "EXECUTOR_NAMES",
    "LANGUAGE_CODE",
    "OPTIONAL_STAGES",
    "REQUIRED_STAGES",
    "STAGES",
    "ExecutorConfig",
    "ModelsConfig",
    "RunConfig",
    "StoreConfig",
    "parse_pipeline",
]

STAGES = ("ingest", "transcribe", "detect", "redact", "audio", "summarize", "store")
REQUIRED_STAGES = ("ingest", "transcribe", "detect", "redact", "store")
OPTIONAL_STAGES = ("audio", "summarize")
# local: this machine, inline for one worker and a pool for more (the CLI's historic default).
EXECUTOR_NAMES = ("inline", "local", "pool", "ray")
DEVICES = ("cpu", "cuda", "auto")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # ISO 639-1 (or -2/3)
COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16",
                 "int16", "float16", "bfloat16", "float32")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ModelsConfig:
    whisper: str = "tiny.en"  # manifest name, CTranslate2 directory, or model name
    spacy: str = "en_core_web_sm"  # manifest name or installed spaCy pipeline
    device: str = "cpu"
    compute_type: str = "int8"
    batch_size: int = 4
    manifest: str | None = None  # None: the shipped models/manifest.toml
    allow_download: bool = False

    def whisper_spec(self) -> WhisperSpec:
        return WhisperSpec(
            model=self.whisper,
            device=self.device,
            compute_type=self.compute_type,
            batch_size=self.batch_size,
            allow_download=self.allow_download,
            manifest=self.manifest,
        )


@dataclass(frozen=True, slots=True)
class ExecutorConfig:
    name: str = "inline"  # inline | pool | ray (``local`` is resolved by the builder)
    workers: int = 1  # pool processes or Ray actors, each loading the models once
    address: str | None = None  # Ray: cluster to join; None starts a local Ray
    cpus_per_worker: float = 1.0  # Ray: CPUs reserved per actor
    gpus_per_worker: float = 0.0  # Ray: GPUs per actor (> 0 runs Whisper on CUDA)


@dataclass(frozen=True, slots=True)
class StoreConfig:
    location: str = "redactor-data/redactor.db"  # SQLite file path or postgresql:// URL
    artifacts: str | None = None  # None: artifacts/ next to the SQLite file
    keys_dir: str | None = None  # pseudonym keys; None: keys/ next to the artifacts


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything a ``redactor process`` run is: built by ``build_run``, never by hand in the
    CLI. Picklable (workers and Ray actors build their own pipeline from it)."""

    name: str
    source: str  # the pipeline file it came from
    description: str = ""
    stages: tuple[str, ...] = STAGES
    models: ModelsConfig = field(default_factory=ModelsConfig)
    policies: tuple[str, ...] = ("support", "training")
    languages: tuple[str, ...] = ("en",)  # transcripts in other languages are refused
    policy_dir: str | None = None
    allow_terms: tuple[str, ...] = ()
    audio: AudioOptions = field(default_factory=AudioOptions)
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)
    store: StoreConfig = field(default_factory=StoreConfig)

    @property
    def summaries(self) -> bool:
        return "summarize" in self.stages

    def as_dict(self) -> dict[str, Any]:
        """The run as a pipeline file would say it (``redactor pipelines show``)."""
        audio: dict[str, Any] = {"format": self.audio.format}
        if self.audio.mode is not None:
            audio["mode"] = self.audio.mode
        if self.audio.padding_s is not None:
            audio["padding_ms"] = round(self.audio.padding_s * 1000, 3)
        policies: dict[str, Any] = {"use": list(self.policies),
                                    "allow_terms": list(self.allow_terms)}  # fmt: skip
        if self.policy_dir:
            policies["dir"] = self.policy_dir
        return {
            "description": self.description,
            "stages": list(self.stages),
            "languages": list(self.languages),
            "models": _present(asdict(self.models)),
            "policies": policies,
            "audio": audio,
            "executor": _present(asdict(self.executor)),
            "store": _present(asdict(self.store)),
        }


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# -- parsing a pipeline file ------------------------------------------------------------------

_TABLES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "models": {"whisper": str, "spacy": str, "device": str, "compute_type": str,
               "batch_size": int, "manifest": str, "allow_download": bool},
    "policies": {"use": list, "allow_terms": list, "dir": str},
    "audio": {"format": str, "mode": str, "padding_ms": (int, float)},
    "executor": {"name": str, "workers": int, "address": str, "cpus_per_worker": (int, float),
                 "gpus_per_worker": (int, float)},
    "store": {"location": str, "artifacts": str, "keys_dir": str},
}  # fmt: skip
_TOP = {"description": str, "stages": list, "languages": list}
_CHOICES: dict[str, tuple[str, ...]] = {
    "models.device": DEVICES,
    "models.compute_type": COMPUTE_TYPES,
    "audio.format": AUDIO_FORMATS,
    "audio.mode": AUDIO_MODES,
    "executor.name": EXECUTOR_NAMES,
}


@dataclass(frozen=True, slots=True)
class PipelineFile:
    """A pipeline file's values by dotted key (``executor.workers``), checked, all optional."""

    source: str
    values: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def parse_pipeline(data: Mapping[str, Any], source: str) -> PipelineFile:
    """Check a pipeline file's TOML: known keys, right types, valid choices and ranges."""
    where = f"pipeline file {source}"
    valid = sorted([*_TOP, *_TABLES])
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _TOP:
            values[key] = _typed(where, key, value, _TOP[key])
        elif key in _TABLES:
            if not isinstance(value, dict):
                raise InputError(f"{where}: [{key}] must be a table")
            for sub, item in value.items():
                kinds = _TABLES[key]
                if sub not in kinds:
                    raise InputError(
                        f"{where}: unknown key '{key}.{sub}'; valid keys in [{key}]: "
                        f"{', '.join(sorted(kinds))}"
                    )
                values[f"{key}.{sub}"] = _typed(where, f"{key}.{sub}", item, kinds[sub])
        else:
            raise InputError(f"{where}: unknown key '{key}'; valid keys: {', '.join(valid)}")
    _check_values(where, values)
    return PipelineFile(source, values)


def _typed(where: str, key: str, value: Any, kind: type | tuple[type, ...]) -> Any:
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
    if not ok:
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise InputError(f"{where}: '{key}' must be {_A.get(names, names)}")
    if isinstance(value, list) and not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: '{key}' must be a list of strings")
    return value


_A = {"str": "a string", "int": "an integer", "bool": "true or false", "list": "a list",
      "int or float": "a number"}  # fmt: skip


def _check_values(where: str, values: Mapping[str, Any]) -> None:
    for key, choices in _CHOICES.items():
        if key in values and values[key] not in choices:
            raise InputError(
                f"{where}: '{key}' = {values[key]!r}; choose one of: {', '.join(choices)}"
            )
    check_stages(values.get("stages", STAGES), where)
    if bad := [c for c in values.get("languages", ()) if not LANGUAGE_CODE.fullmatch(c)]:
        raise InputError(f"{where}: 'languages': not an ISO 639 language code: {', '.join(bad)}")
    ranges = {"executor.workers": (1, None), "models.batch_size": (1, None),
              "executor.cpus_per_worker": (0.01, None), "executor.gpus_per_worker": (0, None),
              "audio.padding_ms": (0, 2000)}  # fmt: skip
    for key, (lo, hi) in ranges.items():
        if key in values and (values[key] < lo or (hi is not None and values[key] > hi)):
            bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
            raise InputError(f"{where}: '{key}' = {values[key]!r}; must be {bound}")


def check_stages(stages: list[str] | tuple[str, ...], where: str) -> tuple[str, ...]:
    """Stages in the engine's order; each known, the required ones present, none twice."""
    for stage in stages:
        if stage not in STAGES:
            raise InputError(
                f"{where}: unknown stage {stage!r} in 'stages'; choose from: {', '.join(STAGES)}"
            )
    if len(set(stages)) != len(stages):
        raise InputError(f"{where}: a stage is listed twice in 'stages'")
    missing = [s for s in REQUIRED_STAGES if s not in stages]
    if missing:
        raise InputError(
            f"{where}: 'stages' lacks {', '.join(missing)}; always run: "
            f"{', '.join(REQUIRED_STAGES)} (optional: {', '.join(OPTIONAL_STAGES)})"
        )
    return tuple(s for s in STAGES if s in stages)
