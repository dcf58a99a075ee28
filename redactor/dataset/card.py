"""The dataset card (``README.md``): YAML front matter for the Hub, then what the data is.

Everything in the card comes from the manifest (counts, policy, operators, gate settings), so a
rewrite after a purge regenerates it and the card never disagrees with the files.
"""

from __future__ import annotations

from typing import Any

import yaml

from redactor.dataset.gate import DIGIT_RUN_MIN, GATE_MIN_SCORE
from redactor.dataset.manifest import ExportManifest

__all__ = ["render_card", "size_category"]

_SIZES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
)


def size_category(rows: int) -> str:
    for limit, name in _SIZES:
        if rows < limit:
            return name
    return "100M<n<1B"


def _front_matter(m: ExportManifest) -> dict[str, Any]:
    splits = [s for s, n in sorted(m.splits.items()) if n or s == "train"]
    fm: dict[str, Any] = {
        "license": m.license,
        "language": list(m.languages) or ["en"],
        "task_categories": ["text-generation"],
        "task_ids": ["dialogue-modeling"],
        "size_categories": [size_category(m.rows)],
        "pretty_name": m.pretty_name,
        "tags": ["conversational", "redacted", "synthetic-surrogates"],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s, "path": f"data/{s}/*.parquet"} for s in splits],
            },
            {
                "config_name": "conversations",
                "data_files": [
                    {"split": s, "path": f"conversations/{s}/*.parquet"} for s in splits
                ],
            },
        ],
    }
    if m.license == "other":
        fm["license_name"] = m.license_name or "internal-use-only"
    return fm


def render_card(m: ExportManifest) -> str:
    """The card's full text for a manifest (see ``redactor.dataset.export``)."""
    front = yaml.safe_dump(_front_matter(m), sort_keys=False, allow_unicode=True)
    split_lines = "\n".join(f"| {s} | {n} |" for s, n in sorted(m.splits.items()))
    labels = ", ".join(f"`{k}` ({v})" for k, v in sorted(m.replaced_labels.items())) or "none"
    drops = (
        "\n".join(f"| {why} | {n} |" for why, n in sorted(m.dropped.items())) or "| (none) | 0 |"
    )
    ops = ", ".join(f"`{o}`" for o in m.operators)
    return f"""---
{front}---

# {m.pretty_name}

Conversation turns from recorded calls and meetings whose host consented to AI training and
in which no participant opted out, redacted with the `{m.policy}` policy. One row per
utterance: `id`, `conversation_id` (the turns of one call share it), `turn`, `speaker` (a
role such as `agent`, or `speaker_N`), `start`/`end` (seconds), `text`, `language`. The
`conversations` config has one row per call instead: `conversation_id`, `language` and
`messages`, the turns in order as `{{role, content}}` (role: the speaker label), the form chat
fine-tuning libraries read (`load_dataset(path, "conversations")`).

- Dataset version: **{m.dataset_version}** (export `{m.export_id}`, created
  {m.created_at}, updated {m.updated_at})
- Rows: **{m.rows}** from **{len(m.recordings)}** recordings
- Files: Parquet (`data/<split>/*.parquet`, `conversations/<split>/*.parquet`) and the same
  rows as JSON lines (`*.jsonl` beside them); `manifest.jsonl` maps every row to its recording, segments,
  policy and operators.

| split | rows |
|---|---|
{split_lines}

Splits are by recording (no call is in two splits), assigned by a hash of the seed
({m.seed}) and the recording id, so the same seed gives the same splits.

## Personal and Sensitive Information

This dataset is built from redacted transcripts only; raw transcripts never leave the
redaction engine.

- **Selection.** Only recordings whose host gave training consent and where no participant
  opted out. Purging a recording (host deletion, retention, a data-subject request) rewrites
  this dataset without its rows and bumps the version.
- **What was removed.** Personal data found by `{m.detector}` (Presidio with spaCy and
  transcript-aware recognizers for spoken digits, spoken e-mails, spelled names and numbers
  split across words) was replaced by {ops}: realistic but fictional surrogates (fake names,
  cards in an issuer-test range, `555-01xx` phones, `example.com` e-mails), consistent within
  a conversation. Replaced entity types (count): {labels}.
- **Speakers.** Speaker labels are reduced to roles (`agent`, `customer`) or `speaker_N`;
  caption speaker names are not kept.
- **Residual-PII gate.** Every row was scanned again, more strictly: the detector at score
  threshold {GATE_MIN_SCORE}, any run of {DIGIT_RUN_MIN}+ digits or digit words outside the
  surrogates (a lone year excepted), and any e-mail shape (written or spoken). Rows that
  tripped it were dropped, not repaired. Identical utterances (normalised, surrogates
  counted as their type) were kept once.

| dropped because | rows |
|---|---|
{drops}

Surrogates look real on purpose; they are not the people in the calls. Automatic redaction
can miss things: report anything that looks like real personal data to the data owner, and
do not try to re-identify speakers.
"""
