"""The per-file error guard every executor runs a file through.

A file that raises something other than the engine's own errors (which ``process_file``
already turns into a ``failed`` or ``refused`` result) must fail only itself: the batch goes
on. The message names the file and the error type only, because an exception's text may
quote content.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from redactor.executors.stages import LocalPipeline, ProcessResult, ProcessStatus
from redactor.types import RecordingMeta

__all__ = ["internal_failure", "process_file_safely", "process_files_safely"]

log = logging.getLogger("redactor.executors")


def internal_failure(path: Path, exc: Exception) -> ProcessResult:
    """An unexpected error as this file's failure (named by type only)."""
    log.warning("%s: failed with %s", path, type(exc).__name__)
    error = f"{path}: internal error ({type(exc).__name__})"
    return ProcessResult(path, None, ProcessStatus.FAILED, error, 1)


def process_file_safely(
    pipeline: LocalPipeline, path: Path, meta: RecordingMeta, force: bool, allow_purged: bool
) -> ProcessResult:
    """``pipeline.process_file``, with an unexpected error turned into this file's failure."""
    (result,) = process_files_safely(pipeline, [path], meta, force, allow_purged)
    return result


def process_files_safely(
    pipeline: LocalPipeline,
    paths: Iterable[Path],
    meta: RecordingMeta,
    force: bool,
    allow_purged: bool,
) -> Iterator[ProcessResult]:
    """``pipeline.process_files`` (audio checked in batches), each unexpected error turned
    into its file's failure."""
    return pipeline.process_files(
        paths, meta, force=force, allow_purged=allow_purged, on_error=internal_failure
    )
