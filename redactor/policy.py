"""Redaction policies: which entity types to redact, with which operator, and how the audio is.

A policy is a TOML file, chosen by name (``--policy support``). The shipped ones live in
``redactor/policies/``; ``REDACTOR_POLICY_DIR`` adds a folder of your own (same name: yours
wins). A path to a ``.toml`` file works too. Format (see ``docs/outputs.md``)::

    name = "support"
    description = "..."
    operator = "placeholder.v1"       # for every type not listed under [entities]
    # labels = ["PERSON", ...]        # only these types; omit for every detected type
    [entities.CREDIT_CARD]
    operator = "mask.v1"
    keep_last = 4                     # the operator's options
    [audio]
    enabled = true                    # write redacted audio for audio inputs
    mode = "bleep"                    # or "silence"
    padding_ms = 150
    check = "record"                  # verify the audio (off | record | require: withhold
                                      # audio that still lets a value through)
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from redactor.audio import AUDIO_CHECKS, AUDIO_MODES, AudioRedaction
from redactor.errors import InputError
from redactor.operators import (
    KeyRing,
    OperatorContext,
    RedactorOperator,
    build_operator,
    operator_class,
)
from redactor.redact import OperatorReplacer

__all__ = [
    "DEFAULT_POLICIES",
    "OperatorSpec",
    "Policy",
    "default_policies",
    "known_policies",
    "load_policy",
    "parse_policy",
]

SHIPPED_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICIES = ("support", "training")
_TOP_KEYS = {"name", "description", "operator", "labels", "entities", "audio"}


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    name: str
    options: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    description: str = ""
    labels: frozenset[str] | None = None  # None: redact every detected type
    default: OperatorSpec = OperatorSpec("label.v1")
    entities: tuple[tuple[str, OperatorSpec], ...] = ()
    audio: AudioRedaction = field(default_factory=AudioRedaction)

    @property
    def operator_names(self) -> tuple[str, ...]:
        return tuple(sorted({self.default.name, *(spec.name for _, spec in self.entities)}))

    def replacer(
        self,
        *,
        recording_id: str,
        host: str,
        data_key: bytes | None = None,
        keyring: KeyRing | None = None,
    ) -> OperatorReplacer:
        """Fresh operators for one recording; raises InputError when one lacks its key.

        One instance per operator name: the default and the entity routes that name the same
        operator share its per-recording state (one numbering of ``[PERSON_1]``...).
        """
        context = OperatorContext(
            recording_id=recording_id,
            host=host,
            policy=self.name,
            data_key=data_key,
            keyring=keyring,
        )
        instances: dict[str, RedactorOperator] = {}

        def make(spec: OperatorSpec) -> tuple[RedactorOperator, Mapping[str, Any]]:
            if spec.name not in instances:
                instances[spec.name] = build_operator(spec.name, context)
            params = dict(spec.options)
            instances[spec.name].validate(params)
            return instances[spec.name], params

        return OperatorReplacer(
            default=make(self.default),
            routes={label: make(spec) for label, spec in self.entities},
        )


def _spec(table: Mapping[str, Any], where: str, source: str) -> OperatorSpec:
    name = table.get("operator")
    try:
        cls = operator_class(name)
    except InputError as exc:
        raise InputError(f"{source}: {where}: {exc}") from None
    options = tuple(sorted((k, v) for k, v in table.items() if k != "operator"))
    cls().check_options(dict(options))  # a bare instance: the options alone, no key yet
    return OperatorSpec(cls.NAME, options)


def parse_policy(text: str, source: str) -> Policy:
    """Parse and check a policy file's text; errors name ``source`` and the bad entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML ({exc})") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise InputError(
            f"{source}: unknown key(s) {', '.join(sorted(unknown))}; valid: "
            + ", ".join(sorted(_TOP_KEYS))
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
        raise InputError(f"{source}: 'name' must be letters, digits, '-' or '_'")
    labels = data.get("labels")
    if labels is not None and (
        not isinstance(labels, list) or not all(isinstance(x, str) for x in labels)
    ):
        raise InputError(f"{source}: 'labels' must be a list of entity type names")
    entities = data.get("entities", {})
    if not isinstance(entities, dict) or not all(isinstance(v, dict) for v in entities.values()):
        raise InputError(f"{source}: [entities.TYPE] tables expected")
    audio = data.get("audio", {})
    if not isinstance(audio, dict) or set(audio) - {"enabled", "mode", "padding_ms", "check"}:
        raise InputError(f"{source}: [audio] takes enabled, mode, padding_ms, check")
    check = audio.get("check", "record")
    if check not in AUDIO_CHECKS:
        raise InputError(
            f"{source}: audio check {check!r}; choose one of: {', '.join(AUDIO_CHECKS)}"
        )
    mode = audio.get("mode", "bleep")
    if mode not in AUDIO_MODES:
        raise InputError(f"{source}: audio mode {mode!r}; choose one of: {', '.join(AUDIO_MODES)}")
    padding = audio.get("padding_ms", 150)
    if not isinstance(padding, int | float) or not 0 <= padding <= 2000:
        raise InputError(f"{source}: audio padding_ms must be a number 0-2000")
    return Policy(
        name=name,
        description=str(data.get("description", "")),
        labels=None if labels is None else frozenset(labels),
        default=_spec({"operator": data.get("operator", "label.v1")}, "operator", source),
        entities=tuple(
            (label, _spec(table, f"[entities.{label}]", source))
            for label, table in sorted(entities.items())
        ),
        audio=AudioRedaction(
            enabled=bool(audio.get("enabled", True)),
            mode=mode,
            padding_s=float(padding) / 1000,
            check=check,
        ),
    )


def known_policies(extra_dir: Path | None = None) -> dict[str, Path]:
    """Policy name -> file: the shipped ones, then ``extra_dir`` (which wins; default
    ``REDACTOR_POLICY_DIR``, which a run passes in as ``RunConfig.policy_dir``)."""
    if extra_dir is None:
        from redactor.environment import read_environment

        extra_dir = read_environment().policy_dir
    found = {p.stem: p for p in sorted(SHIPPED_DIR.glob("*.toml"))}
    if extra_dir is not None and extra_dir.is_dir():
        found.update({p.stem: p for p in sorted(extra_dir.glob("*.toml"))})
    return found


def load_policy(name: str, policy_dir: Path | None = None) -> Policy:
    """A policy by name (or a path to a ``.toml`` file)."""
    if name.endswith(".toml"):
        path = Path(name)
        if not path.is_file():
            raise InputError(f"policy file {name}: no such file")
    else:
        known = known_policies(policy_dir)
        if name not in known:
            raise InputError(f"unknown policy {name!r}; known policies: {', '.join(sorted(known))}")
        path = known[name]
    return _load_file(path)


@cache
def _load_file(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"policy file {path}: cannot read ({type(exc).__name__})") from None
    return parse_policy(text, f"policy file {path}")


def default_policies() -> tuple[Policy, ...]:
    return tuple(load_policy(n) for n in DEFAULT_POLICIES)
