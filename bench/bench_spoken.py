"""End to end on spoken calls the engine has never heard: what survives redaction, per type.

    python bench/bench_spoken.py [--calls 42] [--seed 11] [--leaks FILE.md] [--asr hotwords]

Generates (once, cached under bench/results/spoken/) synthetic calls with many voices, mono,
stereo and telephone-band copies (bench/spoken_calls.py; needs espeak-ng, flite, festival and
sox), then in one run:

(a) our pipeline (``LocalPipeline``, support policy, into a temporary store),
(b) the stock build: bare faster-whisper tiny.en (``WhisperModel.transcribe`` defaults) and
    stock Presidio (``AnalyzerEngine``, default recognizers, the same spaCy model) redacting
    with a type tag (``<PHONE_NUMBER>``),
(c) our redacted audio, re-transcribed with the same model.

For every true value it asks ``redactor.residue.recoverable``: can it still be read from our
redacted transcript, from our redacted audio (re-transcribed), from the stock output? It
prints a table per value type, word errors on the sentences without personal data, and the
cost of the audio check, and writes bench/results/spoken.json. ``--leaks`` writes what still
leaks (type, form, voice, the redacted text around it) as Markdown.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, Row, report
from spoken_calls import generate

from redactor.residue import recoverable

TYPES = (
    "US_SSN", "PHONE_NUMBER", "CREDIT_CARD", "ACCOUNT_NUMBER", "LAST4", "PERSON",
    "EMAIL_ADDRESS", "STREET_ADDRESS", "DATE_OF_BIRTH",
)  # fmt: skip


class TimedTranscriber:
    """Our transcriber, timing every call (pipeline transcription vs the audio check)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0
        self.check_seconds = 0.0  # the audio check's calls (speaker "check")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def listen(self, audio: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.inner.listen(audio)
        finally:
            self.check_seconds += time.perf_counter() - t

    def transcribe(self, audio: Any, speakers: Any = ()) -> Any:
        t = time.perf_counter()
        try:
            return self.inner.transcribe(audio, speakers)
        finally:
            if list(speakers) == ["check"]:
                self.check_seconds += time.perf_counter() - t
            else:
                self.seconds += time.perf_counter() - t


def _norm_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def _edits(ref: list[str], hyp: list[str]) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return prev[-1]


def plain_word_errors(call: dict, raw: Any) -> tuple[int, int]:
    """(edits, reference words) over the sentences without personal data: the recognised
    words whose middle falls inside the sentence's scripted interval, on its speaker."""
    edits = total = 0
    for s in call["sentences"]:
        if s["pii"]:
            continue
        hyp = [
            w.text
            for seg in raw.segments
            if call["layout"] == "mono" or seg.speaker == s["speaker"]
            for w in seg.words
            if s["start"] - 0.25 <= (w.start_s + w.end_s) / 2 <= s["end"] + 0.25
        ]
        ref = _norm_words(s["text"])
        edits += _edits(ref, _norm_words(" ".join(hyp)))
        total += len(ref)
    return edits, total


def context(call: dict, value: dict, segments: list[tuple[float, float, str]]) -> list[str]:
    """The redacted text around a value: segments overlapping its intervals, and the one
    before (where the cue is)."""
    lo = min(a for a, _ in value["intervals"]) - 0.5
    hi = max(b for _, b in value["intervals"]) + 0.5
    idx = [i for i, (a, b, _) in enumerate(segments) if a < hi and b > lo]
    if idx and idx[0] > 0:
        idx.insert(0, idx[0] - 1)
    return [segments[i][2] for i in idx]


def run_ours(calls: list[dict], folder: Path, asr: str, *, audio: bool = True) -> dict[str, Any]:
    from redactor.audio import AudioOptions
    from redactor.audio_check import stored_check
    from redactor.errors import NotFoundError
    from redactor.executors import LocalPipeline
    from redactor.ingest import decode_audio
    from redactor.policy import load_policy
    from redactor.store import open_store
    from redactor.transcribe import FasterWhisperTranscriber
    from redactor.types import RecordingMeta
    from redactor.web.content import redacted_audio

    tmp = Path(tempfile.mkdtemp(prefix="bench-spoken-"))
    store = open_store(str(tmp / "redactor.db"))
    transcriber = TimedTranscriber(FasterWhisperTranscriber(asr_spec(asr)))
    pipe = LocalPipeline(
        store=store,
        transcriber=transcriber,
        policies=(load_policy("support"),),
        summaries=False,
        audio=AudioOptions(enabled=audio),
    )
    out: dict[str, Any] = {"calls": {}}
    t0 = time.perf_counter()
    # as `redactor process` does: the audio checks of a batch of calls share Whisper's passes
    ids: dict[str, str] = {}
    files = [folder / call["file"] for call in calls]
    results = pipe.process_files(files, RecordingMeta())
    for i, (call, res) in enumerate(zip(calls, results, strict=True), 1):
        print(f"\r  ours {i}/{len(calls)}", end="", flush=True)
        if res.status != "done" or res.recording_id is None:
            raise SystemExit(f"bench_spoken: {call['file']}: {res.status} ({res.error})")
        ids[call["name"]] = res.recording_id
    print()
    out["pipeline_s"] = time.perf_counter() - t0
    out["transcribe_s"] = transcriber.seconds
    out["audio_check_s"] = transcriber.check_seconds
    listen = FasterWhisperTranscriber(asr_spec(asr), model=transcriber.inner.model)
    t0 = time.perf_counter()
    for call in calls:
        rid = ids[call["name"]]
        red, raw = (
            store.artifacts.redacted_transcript(rid, "support"),
            store.recordings.raw_transcript(rid),
        )
        heard = ""  # no published audio (withheld, or --text-only) leaks nothing
        with contextlib.suppress(NotFoundError):
            audio = redacted_audio(store, rid)  # the file is sealed: read it decrypted
            heard = listen.transcribe(decode_audio(audio.path, data=audio.read())).text
        check = stored_check(store, rid, "support")
        out["calls"][call["name"]] = {
            "redacted": red.text,
            "segments": [(s.start_s, s.end_s, f"{s.speaker}: {s.text}") for s in red.segments],
            "raw": raw.text,
            "heard": heard,
            "wer": plain_word_errors(call, raw),
            "audio_check": check,
        }
    out["retranscribe_s"] = time.perf_counter() - t0
    return out


CUES = (
    "social security number, account number, card number, date of birth, phone number, "
    "email address, last four digits, street address"
)


def asr_spec(asr: str) -> Any:
    """plain: the default; hotwords / prompt: the cue words as faster-whisper ``hotwords``
    or ``initial_prompt``."""
    from redactor.models import WhisperSpec

    if asr == "hotwords":
        return WhisperSpec(hotwords=CUES)
    if asr == "prompt":
        return WhisperSpec(initial_prompt=f"Customer support call. {CUES}.")
    if asr != "plain":
        raise SystemExit(f"bench_spoken: --asr {asr!r}; choose plain, hotwords or prompt")
    return WhisperSpec()


def run_stock(calls: list[dict], folder: Path) -> dict[str, Any]:
    from faster_whisper import WhisperModel
    from presidio_anonymizer import AnonymizerEngine

    from redactor.detect.evaluate import stock_predict
    from redactor.models import default_whisper_model, spacy_model_name

    model = WhisperModel(default_whisper_model(), device="cpu", compute_type="int8")
    analyzer = stock_predict(spacy_model_name())
    anonymizer = AnonymizerEngine()
    from presidio_analyzer import RecognizerResult

    out: dict[str, Any] = {"calls": {}}
    t_asr = t_det = 0.0
    for call in calls:
        t = time.perf_counter()
        segments, _ = model.transcribe(str(folder / call["file"]), language="en")
        texts = [s.text.strip() for s in segments]
        t_asr += time.perf_counter() - t
        t = time.perf_counter()
        text = "\n".join(texts)
        spans = analyzer([text])[0]
        results = [RecognizerResult(s["label"], s["start"], s["end"], s["score"]) for s in spans]
        red = anonymizer.anonymize(text=text, analyzer_results=results).text  # type: ignore[arg-type]
        t_det += time.perf_counter() - t
        out["calls"][call["name"]] = {"raw": text, "redacted": red}
    out["asr_s"], out["detect_s"] = t_asr, t_det
    return out


def score(calls: list[dict], ours: dict, stock: dict | None) -> tuple[dict, list[dict]]:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    leaks: list[dict] = []
    for call in calls:
        o = ours["calls"][call["name"]]
        st = stock["calls"][call["name"]] if stock else None
        for v in call["values"]:
            row = per[v["type"]]
            row["n"] += 1
            hits = {
                "raw": recoverable(v["type"], v["value"], o["raw"]),
                "transcript": recoverable(v["type"], v["value"], o["redacted"]),
                "audio": recoverable(v["type"], v["value"], o["heard"]),
            }
            if st:
                hits["stock"] = recoverable(v["type"], v["value"], st["redacted"])
                hits["stock_raw"] = recoverable(v["type"], v["value"], st["raw"])
            for k, hit in hits.items():
                row[k] += int(hit)
            if hits["transcript"] or hits["audio"]:
                leaks.append(
                    {
                        "call": call["name"], "type": v["type"], "form": v["form"],
                        "value": v["value"], "spoken": v["spoken"], "layout": call["layout"],
                        "tel": call["tel"], "voice": call["voices"][v["speaker"]],
                        "in_transcript": hits["transcript"], "in_audio": hits["audio"],
                        "context": context(call, v, o["segments"]),
                    }
                )  # fmt: skip
    return {k: dict(v) for k, v in per.items()}, leaks


def pct(a: int, n: int) -> str:
    return f"{100 * a / n:5.1f}%" if n else "    -"


def print_table(per: dict) -> list[str]:
    head = f"{'type':<16}{'n':>4}{'ASR heard':>11}{'ours text':>11}{'ours audio':>12}{'stock':>9}"
    lines = [head]
    tot: dict[str, int] = defaultdict(int)
    for t in [*TYPES, *sorted(set(per) - set(TYPES))]:
        if t not in per:
            continue
        r = per[t]
        for k, v in r.items():
            tot[k] += v
        lines.append(
            f"{t:<16}{r['n']:>4}{pct(r['raw'], r['n']):>11}{pct(r['transcript'], r['n']):>11}"
            f"{pct(r['audio'], r['n']):>12}{pct(r.get('stock', 0), r['n']):>9}"
        )
    lines.append(
        f"{'all':<16}{tot['n']:>4}{pct(tot['raw'], tot['n']):>11}"
        f"{pct(tot['transcript'], tot['n']):>11}{pct(tot['audio'], tot['n']):>12}"
        f"{pct(tot.get('stock', 0), tot['n']):>9}"
    )
    print("\n".join(lines))
    return lines


def write_leaks(path: Path, leaks: list[dict], lines: list[str], meta: dict) -> None:
    md = [
        "# Speech leaks (bench/bench_spoken.py)",
        "",
        f"Run {meta['at']}, {meta['calls']} calls (seed {meta['seed']}), detector "
        f"`{meta['detector']}`, ASR `{meta['asr']}`. Synthetic values (Faker): not secret.",
        "'text' = recoverable from our redacted transcript, 'audio' = from our redacted audio",
        "re-transcribed. Context = our redacted segments around the value (cue turn first).",
        "",
        "```",
        *lines,
        "```",
        "",
        "| call | type | form | voice | where | true value | spoken | redacted text around it |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for lk in leaks:
        where = "+".join(k for k in ("in_transcript", "in_audio") if lk[k]).replace("in_", "")
        ctx = " / ".join(lk["context"]).replace("|", "\\|")
        voice = (
            lk["voice"]
            + (" tel" if lk["tel"] else "")
            + (" stereo" if lk["layout"] == "stereo" else "")
        )
        md.append(
            f"| {lk['call']} | {lk['type']} | {lk['form']} | {voice} | {where} | {lk['value']} "
            f"| {' / '.join(lk['spoken'])} | {ctx} |"
        )
    path.write_text("\n".join(md) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=42)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--asr", default="plain", help="plain | hotwords | prompt")
    ap.add_argument("--no-stock", action="store_true")
    ap.add_argument(
        "--text-only",
        action="store_true",
        help="no redacted audio, no stock build: transcript leaks and word errors only (--asr)",
    )
    ap.add_argument("--only", type=int, default=0, help="first N calls only (quick look)")
    ap.add_argument("--leaks", type=Path, default=None, help="write the leaks as Markdown")
    args = ap.parse_args()

    from redactor.detect import PresidioDetector

    folder = RESULTS / "spoken"
    t0 = time.perf_counter()
    calls = generate(folder, args.calls, args.seed)
    gen_s = time.perf_counter() - t0
    if args.only:
        calls = calls[: args.only]
    audio_s = sum(c["duration"] for c in calls)
    print(f"{len(calls)} calls, {audio_s / 60:.1f} min of audio (generated in {gen_s:.0f} s)")
    ours = run_ours(calls, folder, args.asr, audio=not args.text_only)
    stock = None if args.no_stock or args.text_only else run_stock(calls, folder)
    per, leaks = score(calls, ours, stock)
    lines = print_table(per)
    n = sum(r["n"] for r in per.values())
    text_share = sum(r["transcript"] for r in per.values()) / n
    audio_share = sum(r["audio"] for r in per.values()) / n
    stock_share = sum(r.get("stock", 0) for r in per.values()) / n
    wer_e = sum(c["wer"][0] for c in ours["calls"].values())
    wer_n = sum(c["wer"][1] for c in ours["calls"].values())
    checks = [c["audio_check"] for c in ours["calls"].values() if c["audio_check"]]
    check_summary = {
        "checked": len(checks),
        "passed": sum(c["passed"] for c in checks),
        "withheld": sum(not c["published"] for c in checks),
        "widened": sum(c["widenings"] > 0 for c in checks),
        "widenings": sum(c["widenings"] for c in checks),
        "cost_share": ours["audio_check_s"] / max(ours["transcribe_s"], 1e-9),
    }
    print(
        f"audio check: {check_summary['passed']}/{check_summary['checked']} passed, "
        f"{check_summary['widened']} widened ({check_summary['widenings']} widenings), "
        f"{check_summary['withheld']} withheld; cost {ours['audio_check_s']:.1f} s = "
        f"{100 * check_summary['cost_share']:.1f}% of transcription ({ours['transcribe_s']:.1f} s)"
    )
    print(f"word errors on plain sentences: {wer_e}/{wer_n} = {wer_e / max(1, wer_n):.3f}")
    print(
        f"times: ours pipeline {ours['pipeline_s']:.0f} s (transcription {ours['transcribe_s']:.0f}"
        f" s), re-transcribe {ours['retranscribe_s']:.0f} s"
        + (
            f", stock ASR {stock['asr_s']:.0f} s, stock detect {stock['detect_s']:.0f} s"
            if stock
            else ""
        )
    )
    meta = {
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "calls": len(calls),
        "seed": args.seed,
        "detector": PresidioDetector().name,
        "asr": args.asr,
    }
    if args.leaks:
        write_leaks(args.leaks, leaks, lines, meta)
        print(f"wrote {args.leaks}")
    rows = [
        Row(
            "recoverable from redacted transcript",
            100 * text_share,
            "%",
            "<= 1%",
            text_share <= 0.01,
        ),
    ]
    if not args.text_only:
        rows.append(
            Row(
                "recoverable from redacted audio",
                100 * audio_share,
                "%",
                "<= 1%",
                audio_share <= 0.01,
            )
        )
    if stock:
        rows += [
            Row("recoverable from stock build", 100 * stock_share, "%"),
            Row(
                "stock / ours (transcript; none left counts as one)",
                stock_share / max(text_share, 1 / n),
                "x",
                ">= 10x",
                stock_share >= 10 * text_share,
            ),
            Row(
                "stock / ours (audio; none left counts as one)",
                stock_share / max(audio_share, 1 / n),
                "x",
                ">= 10x",
                stock_share >= 10 * audio_share,
            ),
        ]
    rows.append(Row("word error rate, plain sentences", wer_e / max(1, wer_n), ""))
    share = check_summary["cost_share"]
    if not args.text_only:
        rows.append(
            Row("audio check / transcription time", 100 * share, "%", "<= 25%", share <= 0.25)
        )
    report(
        "spoken" if args.asr == "plain" and not args.text_only else f"spoken-{args.asr}",
        rows,
        {**meta, "per_type": per, "leaks": leaks, "audio_min": audio_s / 60,
         "times": {k: v for k, v in ours.items() if k.endswith("_s")}
         | ({"stock_" + k: v for k, v in stock.items() if k.endswith("_s")} if stock else {}),
         "wer": [wer_e, wer_n], "audio_check": check_summary},
    )  # fmt: skip


if __name__ == "__main__":
    main()
