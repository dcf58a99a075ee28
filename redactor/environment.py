"""The environment variables the engine reads, read in one place (a leaf module: the store,
policies and keys use it without importing the run builder).

``read_environment`` is the only code in ``redactor`` that looks at ``os.environ`` for a
setting (a test keeps it so): ``build_run`` folds it into a run, and the few settings that are
not about a run (the role for ``reveal``, logging, tracebacks) are taken from it by the CLI.
Everything else receives its values as arguments. An empty variable counts as unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_STORE", "VARIABLES", "Environment", "read_environment", "store_location"]

DEFAULT_STORE = "redactor-data/redactor.db"

# name -> what it sets; the README's configuration table lists the same names.
VARIABLES = {
    "REDACTOR_PIPELINE": "the pipeline (run definition) by name or path; default 'default'",
    "REDACTOR_PIPELINE_DIR": "a folder of extra pipeline files (*.toml), found by name",
    "REDACTOR_MODELS": "the model manifest (models/manifest.toml) to use instead of the shipped one",
    "REDACTOR_STORE": "store: SQLite file path or postgresql:// URL",
    "REDACTOR_ARTIFACTS": "folder for artifact files (redacted audio)",
    "REDACTOR_WHISPER_MODEL": "speech model: manifest name, CTranslate2 directory or model name",
    "REDACTOR_SPACY_MODEL": "NER model: manifest name or installed spaCy pipeline name",
    "REDACTOR_ALLOW_DOWNLOAD": "1: let faster-whisper download a model given by name",
    "REDACTOR_POLICY_DIR": "a folder of extra policy files (*.toml), found by name",
    "REDACTOR_KEYS_DIR": "folder of per-host pseudonym keys",
    "REDACTOR_ALLOW_TERMS": "comma-separated terms never to redact",
    "REDACTOR_TOKEN": "your admin API token for `redactor reveal` (the one a host's grant names)",
    "REDACTOR_LOG_LEVEL": "log level (logs carry ids and counts, never content)",
    "REDACTOR_DEBUG": "1: show tracebacks of internal errors",
    "XDG_CACHE_HOME": "where derived caches go (the detector's lexicon); default ~/.cache",
}


@dataclass(frozen=True, slots=True)
class Environment:
    """The ``REDACTOR_*`` variables, typed. ``None``: not set."""

    pipeline: str | None = None
    pipeline_dir: Path | None = None
    models: Path | None = None
    store: str | None = None
    artifacts: Path | None = None
    whisper_model: str | None = None
    spacy_model: str | None = None
    allow_download: bool = False
    policy_dir: Path | None = None
    keys_dir: Path | None = None
    allow_terms: tuple[str, ...] = ()
    token: str | None = None
    log_level: str = "WARNING"
    debug: bool = False
    cache_dir: Path | None = None


def read_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """The settings from ``environ`` (default: this process's environment)."""
    env = os.environ if environ is None else environ

    def text(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    def path(name: str) -> Path | None:
        value = text(name)
        return Path(value) if value else None

    terms = text("REDACTOR_ALLOW_TERMS") or ""
    return Environment(
        pipeline=text("REDACTOR_PIPELINE"),
        pipeline_dir=path("REDACTOR_PIPELINE_DIR"),
        models=path("REDACTOR_MODELS"),
        store=text("REDACTOR_STORE"),
        artifacts=path("REDACTOR_ARTIFACTS"),
        whisper_model=text("REDACTOR_WHISPER_MODEL"),
        spacy_model=text("REDACTOR_SPACY_MODEL"),
        allow_download=text("REDACTOR_ALLOW_DOWNLOAD") == "1",
        policy_dir=path("REDACTOR_POLICY_DIR"),
        keys_dir=path("REDACTOR_KEYS_DIR"),
        allow_terms=tuple(t.strip() for t in terms.split(",") if t.strip()),
        token=text("REDACTOR_TOKEN"),
        log_level=(text("REDACTOR_LOG_LEVEL") or "WARNING").upper(),
        debug=text("REDACTOR_DEBUG") == "1",
        cache_dir=path("XDG_CACHE_HOME"),
    )


def store_location(
    option: str | None, pipeline_file: str | None = None, env: Environment | None = None
) -> str:
    """Where the store is: ``--store``, else ``REDACTOR_STORE``, else the pipeline file's
    ``store.location``, else ``./redactor-data/redactor.db``. Every command resolves it here."""
    env = env or read_environment()
    return option or env.store or pipeline_file or DEFAULT_STORE
