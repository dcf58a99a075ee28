"""AI-training datasets from consented, redacted transcripts (``redactor export-dataset``).

``redactor.purge`` lists the dataset purge hook (``propagate``) among its built-in hooks, so
that purging a recording rewrites every export it is in and ``verify-purge`` checks them too.
"""

from __future__ import annotations

from redactor.dataset.consent import eligible_recordings, set_opt_out, set_training_consent
from redactor.dataset.export import (
    DEFAULT_SPLITS,
    ExportGateError,
    ExportReport,
    export_dataset,
    split_of,
)
from redactor.dataset.gate import DIGIT_RUN_MIN, GATE_MIN_SCORE, Gate
from redactor.dataset.propagate import DATASET_KINDS, export_purges
from redactor.dataset.registry import exports, exports_of

__all__ = [
    "DATASET_KINDS",
    "DEFAULT_SPLITS",
    "DIGIT_RUN_MIN",
    "GATE_MIN_SCORE",
    "ExportGateError",
    "ExportReport",
    "Gate",
    "eligible_recordings",
    "export_dataset",
    "export_purges",
    "exports",
    "exports_of",
    "set_opt_out",
    "set_training_consent",
    "split_of",
]
