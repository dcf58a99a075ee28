"""AI-training datasets from consented, redacted transcripts (``redactor export-dataset``).

Importing this package registers the dataset purge hook, so that purging a recording rewrites
every export it is in and ``verify-purge`` checks the exports too.
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
from redactor.dataset.propagate import export_purges, purge_exports, verify_exports
from redactor.dataset.registry import exports, exports_of
from redactor.purge import PurgeHook, register_purge_hook

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

DATASET_KINDS = frozenset({"dataset_export", "dataset_rows"})

register_purge_hook(
    PurgeHook(
        name="dataset-exports",
        kinds=DATASET_KINDS,
        purge=purge_exports,
        verify=verify_exports,
        describe=exports_of,
    )
)
