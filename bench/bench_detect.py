"""Detection speed on swne: redact-text's engine vs stock Presidio, with recall beside.

    python bench/bench_detect.py [--workers N] [--limit DOCS]

Measures, in one run on the same texts: our detector over a pool of N processes (what
``redactor redact-text --workers N`` runs), stock ``BatchAnalyzerEngine`` (batch_size 64,
n_process=N) and plain per-text ``AnalyzerEngine.analyze``; prints words/s, the ratios and
direct-identifier recall from shared/eval/score.py. Skips with a message where
../shared/eval is absent. Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from redactor.detect import PresidioDetector
from redactor.detect.batch import redact_lines
from redactor.detect.evaluate import load_scorer, stock_predict
from redactor.detect.offline import use_bundled_suffix_list

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="first N documents only")
    args = ap.parse_args()
    if not (EVAL / "gold" / "swne.jsonl").is_file():
        sys.exit(f"skip: {EVAL} is absent")
    lines = (EVAL / "gold" / "swne.jsonl").read_bytes().splitlines()
    if args.limit:
        lines = lines[: args.limit]
    docs = [json.loads(x) for x in lines]
    texts = [d["text"] for d in docs]
    words = sum(len(t.split()) for t in texts)
    scorer = load_scorer(EVAL)
    gold = {d["id"]: d for d in docs}

    def recall(spans: list[list[dict]]) -> float:
        pred = {d["id"]: {"spans": s} for d, s in zip(docs, spans, strict=True)}
        return float(scorer.score(gold, pred)["direct_caught"] or 0.0)

    det = PresidioDetector()
    det.engine  # noqa: B018 - load before timing, as a long-running worker would
    t = time.perf_counter()
    ours = [r["spans"] for r in redact_lines(lines, det, workers=args.workers)]  # type: ignore[index]
    ours_wps = words / (time.perf_counter() - t)

    use_bundled_suffix_list()
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": det.spacy_model}],
    }
    analyzer = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine())
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    t = time.perf_counter()
    res = batch.analyze_iterator(texts, language="en", batch_size=64, n_process=args.workers)
    stock_batch = [[{"start": r.start, "end": r.end} for r in rs] for rs in res]
    batch_wps = words / (time.perf_counter() - t)
    predict = stock_predict(det.spacy_model)
    t = time.perf_counter()
    stock_plain = predict(texts)
    plain_wps = words / (time.perf_counter() - t)

    print(f"swne: {len(docs)} docs, {words} words, workers={args.workers}")
    print(f"{'engine':<34}{'words/s':>9}{'direct recall':>15}")
    print(f"{'redactor redact-text':<34}{ours_wps:9.0f}{recall(ours):15.3f}")
    print(f"{'stock BatchAnalyzerEngine (bs 64)':<34}{batch_wps:9.0f}{recall(stock_batch):15.3f}")
    print(f"{'stock AnalyzerEngine.analyze':<34}{plain_wps:9.0f}{recall(stock_plain):15.3f}")
    print(
        f"ratio vs batch: {ours_wps / batch_wps:.2f}x   vs plain analyze: {ours_wps / plain_wps:.2f}x"
    )


if __name__ == "__main__":
    main()
