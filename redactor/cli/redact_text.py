"""``redactor redact-text``: detect and redact personal data in JSON-lines texts (no audio)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from redactor.cli import runopts as o
from redactor.cli.app import app, err_console
from redactor.errors import InputError


@app.command("redact-text")
def redact_text(
    input_path: Annotated[Path, typer.Option("--input", "-i", help='JSON lines: {"id", "text"}.')],
    output_path: Annotated[
        Path, typer.Option("--output", "-o", help='JSON lines: {"id", "redacted", "spans"}.')
    ],
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    spacy_model: o.SpacyOpt = None,
    allow: Annotated[
        list[str] | None, typer.Option(help="Term never to redact (repeatable).")
    ] = None,
) -> None:
    """Redact each line's "text"; spans are offsets into the input text.

    A bad line (not UTF-8, empty, no "text", over 1 MB, control characters) is reported on
    stderr with its line number and skipped; every other line is processed. Exit code 2 if any
    line was bad.
    """
    from redactor.detect import PresidioDetector
    from redactor.detect.batch import LineError, redact_lines
    from redactor.models import spacy_model_name
    from redactor.runs import build_run

    if not input_path.is_file():
        raise InputError(f"{input_path}: no such input file")
    run = build_run(overrides=o.overrides(spacy_model=spacy_model))  # the default run's model
    detector = PresidioDetector(
        spacy_model=spacy_model_name(run.models.spacy, run.models.manifest),
        allow_list=(*run.allow_terms, *(allow or ())),
    )
    bad = 0
    with input_path.open("rb") as src, output_path.open("w", encoding="utf-8") as out:
        for item in redact_lines(src, detector, workers=workers):
            if isinstance(item, LineError):
                bad += 1
                err_console.print(
                    f"error: {input_path} line {item.line}: {item.problem}", markup=False
                )
                continue
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    raise typer.Exit(2 if bad else 0)
