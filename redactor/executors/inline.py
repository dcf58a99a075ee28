"""In this process, one file after another: the default for one worker, and what tests and
library callers use with a pipeline of their own (fakes through the seams)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from redactor.executors.guard import process_files_safely
from redactor.executors.stages import LocalPipeline, ProcessResult, build_pipeline
from redactor.types import RecordingMeta

if TYPE_CHECKING:
    from redactor.runs import RunConfig

__all__ = ["InlineExecutor"]


@dataclass
class InlineExecutor:
    """Runs the stages here. ``pipeline``: one already built (default: from ``run``, when the
    first file comes)."""

    run: RunConfig
    pipeline: LocalPipeline | None = None
    name = "inline"

    def process(
        self, files: Sequence[Path], meta: RecordingMeta, *, force: bool, allow_purged: bool
    ) -> Iterator[ProcessResult]:
        if not files:
            return
        if self.pipeline is None:
            self.pipeline = build_pipeline(self.run)
        # in batches: the audio checks of several recordings share Whisper's passes
        yield from process_files_safely(self.pipeline, files, meta, force, allow_purged)
