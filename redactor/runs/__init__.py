"""Runs as named files: a pipeline file (``pipelines/*.toml``) plus the environment and the
command line, built into one frozen ``RunConfig`` by ``build_run``.

The shipped pipeline files live in the top-level ``pipelines/`` folder, installed with the
package as ``redactor.runs.shipped``; any other file is used by path.
"""

from __future__ import annotations

from redactor.environment import VARIABLES, Environment, read_environment
from redactor.runs.build import (
    DEFAULT_PIPELINE,
    RunOverrides,
    build_run,
    known_pipelines,
    pipeline_path,
    render_run,
)
from redactor.runs.config import ExecutorConfig, ModelsConfig, RunConfig, StoreConfig

__all__ = [
    "DEFAULT_PIPELINE",
    "VARIABLES",
    "Environment",
    "ExecutorConfig",
    "ModelsConfig",
    "RunConfig",
    "RunOverrides",
    "StoreConfig",
    "build_run",
    "known_pipelines",
    "pipeline_path",
    "read_environment",
    "render_run",
]
