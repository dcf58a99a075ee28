"""Transcription: the pipeline's transcriber vs bare faster-whisper, same model, same run.

Bare is the faster of ``WhisperModel.transcribe`` and ``BatchedInferencePipeline.transcribe``,
with the same decoding options the pipeline uses (English, beam 5, word timestamps, VAD),
on the same decoded channels: the audio fixtures, plus one longer mono recording made by
concatenating them (``--long-s``, default 180 s; long enough for the batched path). Each method runs ``--repeat`` times, interleaved so that load
from other processes hits all of them alike, in an order that rotates every repeat (whichever
runs first after a file change pays for cold caches); the best time of each counts.
Target: pipeline <= 1.05x bare.

    .venv/bin/python bench/bench_transcribe.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AUDIO_FIXTURES, FIXTURES, Row, concatenated_speech, report, timed

from redactor.ingest import DecodedAudio, decode_audio
from redactor.models import WhisperSpec
from redactor.transcribe import FasterWhisperTranscriber

TARGET = 1.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=WhisperSpec().batch_size)
    parser.add_argument("--long-s", type=float, default=180.0)
    parser.add_argument(
        "--no-relisten",
        action="store_true",
        help="the pipeline without its second listen for skipped speech (redactor.relisten)",
    )
    args = parser.parse_args()

    from faster_whisper import BatchedInferencePipeline, WhisperModel

    spec = WhisperSpec(batch_size=args.batch_size, relisten=not args.no_relisten)
    model = WhisperModel(
        spec.resolved_model(), device="cpu", compute_type=spec.compute_type, local_files_only=True
    )
    pipeline = FasterWhisperTranscriber(spec, model=model)
    batched = BatchedInferencePipeline(model)
    audios = [decode_audio(FIXTURES / name) for name in AUDIO_FIXTURES]
    if args.long_s > 0:
        audios.append(DecodedAudio(channels=(concatenated_speech(args.long_s),)))
    speech_s = sum(a.duration_s for a in audios)
    opts: dict[str, Any] = {
        "language": "en",
        "beam_size": pipeline.BEAM_SIZE,
        "word_timestamps": True,
    }

    def run_pipeline(audio: DecodedAudio) -> None:
        pipeline.transcribe(audio)

    def run_sequential(audio: DecodedAudio) -> None:
        for ch in audio.channels:
            segments, _ = model.transcribe(
                ch, vad_filter=True, condition_on_previous_text=False, **opts
            )
            list(segments)

    def run_batched(audio: DecodedAudio) -> None:
        for ch in audio.channels:
            segments, _ = batched.transcribe(
                ch, batch_size=args.batch_size, without_timestamps=False, **opts
            )
            list(segments)

    methods = {"pipeline": run_pipeline, "sequential": run_sequential, "batched": run_batched}
    names = [*AUDIO_FIXTURES, f"concatenated_{args.long_s:.0f}s"][: len(audios)]
    run_pipeline(audios[-1])  # warm-up: first-call costs (VAD model, allocations) out of timing
    per_file = {m: dict.fromkeys(names, float("inf")) for m in methods}
    order = list(methods)
    for _ in range(args.repeat):
        for name, audio in zip(names, audios, strict=True):
            for method in order:
                per_file[method][name] = min(
                    per_file[method][name], timed(methods[method], audio)[0]
                )
        order = order[1:] + order[:1]
    best = {m: sum(times.values()) for m, times in per_file.items()}
    bare = min(best["sequential"], best["batched"])
    ratio = best["pipeline"] / bare
    rows = [
        Row(
            "transcribe: pipeline / bare faster-whisper",
            ratio,
            "x",
            f"<= {TARGET}",
            ratio <= TARGET,
        ),
        Row("transcribe: pipeline speed", speech_s / best["pipeline"], "xRT"),
        Row("transcribe: bare WhisperModel.transcribe", speech_s / best["sequential"], "xRT"),
        Row("transcribe: bare BatchedInferencePipeline", speech_s / best["batched"], "xRT"),
    ]
    report(
        "transcribe",
        rows,
        {
            "files": [*AUDIO_FIXTURES, f"concatenated {args.long_s:.0f} s"],
            "speech_s": speech_s,
            "best_wall_s": best,
            "best_wall_s_per_file": per_file,
            "repeat": args.repeat,
            "model": spec.name,
            "batch_size": args.batch_size,
            "options": opts,
        },
    )


if __name__ == "__main__":
    main()
