"""Score the detector on the labeled sets in ``../shared/eval/gold`` next to stock Presidio.

The scorer is ``shared/eval/score.py`` itself (loaded from its file, not copied); the stock
baseline is what ``shared/eval/baseline_presidio.py`` runs: ``AnalyzerEngine`` with default
recognizers, default threshold and the same spaCy model, measured in the same run.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redactor.detect.engine import PresidioDetector
from redactor.errors import InputError

__all__ = ["SetScore", "evaluate_set", "load_scorer", "stock_predict"]


@dataclass(frozen=True, slots=True)
class SetScore:
    name: str
    engine: str
    direct: float | None
    person: float | None
    over: float
    words_per_s: float
    labels: dict[str, Any]


def load_scorer(eval_dir: Path) -> Any:
    path = eval_dir / "score.py"
    if not path.is_file():
        raise InputError(f"{eval_dir}: no score.py (is this shared/eval?)")
    spec = importlib.util.spec_from_file_location("redactor_eval_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def ours_predict(
    detector: PresidioDetector,
) -> Callable[[Sequence[str]], list[list[dict[str, Any]]]]:
    def predict(texts: Sequence[str]) -> list[list[dict[str, Any]]]:
        return [[s.as_dict() for s in spans] for spans in detector.analyze_texts(texts)]

    return predict


def stock_predict(spacy_model: str) -> Callable[[Sequence[str]], list[list[dict[str, Any]]]]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from redactor.detect.offline import use_bundled_suffix_list

    use_bundled_suffix_list()
    # Stock Presidio warns about every recognizer of another language: noise in the table.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": spacy_model}]}
    analyzer = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine())

    def predict(texts: Sequence[str]) -> list[list[dict[str, Any]]]:
        return [
            [
                {"start": r.start, "end": r.end, "label": r.entity_type, "score": r.score}
                for r in analyzer.analyze(text=t, language="en")
            ]
            for t in texts
        ]

    return predict


def evaluate_set(
    gold_path: Path,
    engine: str,
    predict: Callable[[Sequence[str]], list[list[dict[str, Any]]]],
    scorer: Any,
) -> SetScore:
    docs = _load(gold_path)
    texts = [d["text"] for d in docs]
    t0 = time.perf_counter()
    spans = predict(texts)
    elapsed = time.perf_counter() - t0
    gold = {d["id"]: d for d in docs}
    pred = {d["id"]: {"id": d["id"], "spans": s} for d, s in zip(docs, spans, strict=True)}
    r = scorer.score(gold, pred)
    words = sum(len(t.split()) for t in texts)
    person = r["labels"].get("PERSON", {}).get("caught")
    return SetScore(gold_path.stem, engine, r["direct_caught"], person, r["over_redaction"],
                    words / elapsed if elapsed else 0.0, r["labels"])  # fmt: skip
