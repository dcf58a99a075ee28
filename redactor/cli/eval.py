"""``redactor eval``: detection quality on ``../shared/eval/gold`` next to stock Presidio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redactor.cli import runopts as o
from redactor.cli.app import app
from redactor.errors import InputError


@app.command("eval")
def eval_command(
    eval_dir: Annotated[
        Path, typer.Option("--eval-dir", help="The shared/eval folder (gold/ and score.py).")
    ] = Path("../shared/eval"),
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="Only this gold set (repeatable).")
    ] = None,
    stock: Annotated[bool, typer.Option(help="Also measure stock Presidio in this run.")] = True,
    spacy_model: o.SpacyOpt = None,
) -> None:
    """Print direct-identifier recall, PERSON recall, over-redaction and words/s per set."""
    from redactor.detect import PresidioDetector
    from redactor.detect.evaluate import evaluate_set, load_scorer, ours_predict, stock_predict
    from redactor.models import spacy_model_name
    from redactor.runs import build_run

    gold_dir = eval_dir / "gold"
    if not gold_dir.is_dir():
        raise InputError(f"{eval_dir}: no gold/ folder")
    paths = sorted(gold_dir.glob("*.jsonl"))
    if sets:
        paths = [p for p in paths if p.stem in sets]
        if not paths:
            raise InputError(f"no gold set named {', '.join(sets)} in {gold_dir}")
    scorer = load_scorer(eval_dir)
    run = build_run(overrides=o.overrides(spacy_model=spacy_model))  # the default run's model
    detector = PresidioDetector(spacy_model=spacy_model_name(run.models.spacy, run.models.manifest))
    engines = [("redactor", ours_predict(detector))]
    if stock:
        engines.append(("stock", stock_predict(detector.spacy_model)))

    def fmt(x: float | None) -> str:
        return "   -  " if x is None else f"{x:6.3f}"

    typer.echo(f"{'set':<16}{'engine':<10}{'direct':>8}{'PERSON':>8}{'over':>8}{'words/s':>9}")
    for path in paths:
        for name, predict in engines:
            r = evaluate_set(path, name, predict, scorer)
            typer.echo(
                f"{r.name:<16}{name:<10}{fmt(r.direct):>8}{fmt(r.person):>8}"
                f"{r.over * 100:7.2f}%{r.words_per_s:9.0f}"
            )
