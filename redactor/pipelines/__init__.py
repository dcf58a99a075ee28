"""Wiring the stages for a run: one machine (``local``) or a Ray cluster (``ray_executor``)."""

from redactor.pipelines.local import LocalPipeline, ProcessResult

__all__ = ["LocalPipeline", "ProcessResult"]
