"""The stages of one file: ingest -> transcribe -> detect -> redact -> store.

Every executor runs this, in this process (``inline``), in pool workers or in Ray actors;
``build_pipeline`` makes one from a ``RunConfig``. Engines (Whisper, spaCy/Presidio) are
created lazily and reused for every file. Each file's results are stored in one transaction
after every stage succeeded, so a failure stores nothing; a purge that lands while a file is
being processed is noticed before the write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from redactor.audio import AudioOptions, audio_artifacts
from redactor.crypto import new_key
from redactor.detect import Detector, PresidioDetector
from redactor.errors import InputError, PurgedError, RedactorError
from redactor.ingest import (
    SourceFile,
    audio_fingerprint,
    decode_audio,
    discover,
    source_file,
    text_fingerprint,
    validate_id,
)
from redactor.language import (
    DEFAULT_LANGUAGES,
    LanguageRefusedError,
    check_language,
    with_language,
)
from redactor.operators import KeyRing
from redactor.policy import Policy, default_policies, load_policy
from redactor.redact import redact_transcript
from redactor.store import (
    ArtifactKind,
    NewArtifact,
    ProcessedRecording,
    RecordingStatus,
    Store,
    open_store,
)
from redactor.summarize import summarize_recording
from redactor.transcribe import FasterWhisperTranscriber, Transcriber, default_speakers
from redactor.types import RecordingMeta, Transcript

if TYPE_CHECKING:
    from redactor.runs import RunConfig

__all__ = [
    "LocalPipeline",
    "ProcessResult",
    "ProcessStatus",
    "build_pipeline",
    "open_run_store",
    "warm_up",
]

log = logging.getLogger("redactor.pipeline")


class ProcessStatus(StrEnum):
    """What became of one input file; printed by ``redactor process`` as its value. Not a
    stored status (that is ``store.RecordingStatus``): it describes this run's work."""

    DONE = "done"  # stored (or completed) by this run
    SKIPPED = "skipped"  # already stored, by content hash or recording id
    FAILED = "failed"  # bad input, or an error: nothing of it stored
    REFUSED = "refused"  # purged, or a language the run does not allow


@dataclass(frozen=True, slots=True)
class ProcessResult:
    path: Path
    recording_id: str | None
    status: ProcessStatus
    error: str | None = None
    exit_code: int = 0
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True)
class _Loaded:
    """An input decoded or parsed: its content fingerprint, channels, and the transcript
    (called once)."""

    fingerprint: str | None
    channels: int
    transcript: Callable[[], Transcript]

    def __call__(self) -> Transcript:
        return self.transcript()


@dataclass
class LocalPipeline:
    store: Store
    transcriber: Transcriber = field(default_factory=FasterWhisperTranscriber)
    detector: Detector = field(default_factory=PresidioDetector)
    policies: Sequence[Policy] = field(default_factory=default_policies)
    audio: AudioOptions = field(default_factory=AudioOptions)
    keyring: KeyRing | None = None  # pseudonym keys; default: next to the store
    summaries: bool = True  # inferred summaries of the support redaction (redactor.summarize)
    languages: frozenset[str] = DEFAULT_LANGUAGES  # others are refused (redactor.language)

    def load_transcript(self, src: SourceFile) -> tuple[Transcript, int]:
        """Raw transcript and channel count for an audio or transcript file."""
        load = self.load(src)
        return load(), load.channels

    def load(self, src: SourceFile) -> _Loaded:
        """Decode or parse the input (cheap), so its fingerprint is known before transcribing."""
        if src.kind == "audio":
            # held until transcribed, then let go: the audio stage reads the file at its own
            # rate, and an hour of 16 kHz stereo is 460 MB
            held = [decode_audio(src.path)]
            return _Loaded(
                audio_fingerprint(held[0]),
                len(held[0].channels),
                lambda: self.transcriber.transcribe(held.pop(), src.meta.speakers),
            )
        from redactor.formats import read_transcript

        parsed = read_transcript(src.path)
        return _Loaded(text_fingerprint(src.path.read_bytes()), 1, lambda: parsed)

    def _refuse_if_purged(self, path: Path, rid: str, src: SourceFile, fp: str | None) -> None:
        if self.store.purges.tombstone_for(rid, src.sha256, fp):
            raise PurgedError(
                f"{path}: recording {rid} (or this call's content) was purged; "
                "re-ingest refused (use --allow-purged to force)"
            )

    def _complete(self, path: Path, rid: str) -> ProcessResult:
        """A stored recording whose later stages were cut off (a kill): run what is missing."""
        if self.summaries:
            red = [
                self.store.artifacts.redacted_transcript(rid, p.name)
                for p in self.policies
                if self.store.artifacts.newest(rid, ArtifactKind.REDACTED_TRANSCRIPT, p.name)
            ]
            summarize_recording(self.store, rid, red, self.detector)
        self.store.recordings.mark_done(rid)
        log.info("completed the stages of recording %s", rid)
        # The stored row's duration: a resumed file counts in the batch's audio hours too.
        return ProcessResult(
            path, rid, ProcessStatus.DONE, duration_s=self.store.recordings.get(rid).duration_s
        )

    def process_file(
        self, path: Path, meta: RecordingMeta, *, force: bool = False, allow_purged: bool = False
    ) -> ProcessResult:
        try:
            src = source_file(path, meta)
            rid = validate_id(src.recording_id)
            if not allow_purged:
                self._refuse_if_purged(path, rid, src, None)
            existing = self.store.recordings.processed_source(src.sha256)
            if not force and existing:
                return ProcessResult(path, existing, ProcessStatus.SKIPPED)
            if not force and self.store.recordings.exists(rid):
                if self.store.recordings.get(rid).status == RecordingStatus.STORED:
                    return self._complete(path, rid)
                return ProcessResult(path, rid, ProcessStatus.SKIPPED)
            loaded = self.load(src)
            if not allow_purged:
                self._refuse_if_purged(path, rid, src, loaded.fingerprint)
            raw, channels = loaded(), loaded.channels
            raw = with_language(raw)
            check_language(path, raw.language, self.languages)
            spans = self.detector.detect(raw)
            data_key = new_key()  # the recording's key: raw transcript and encrypt.v1 tokens
            keyring = self.keyring or KeyRing.default(self.store.artifact_root)
            redacted = [
                redact_transcript(
                    raw,
                    spans,
                    policy.replacer(
                        recording_id=rid, host=src.meta.host, data_key=data_key, keyring=keyring
                    ),
                    policy=policy.name,
                    detector=self.detector.name,
                    labels=policy.labels,
                )
                for policy in self.policies
            ]
            if not allow_purged and self.store.purges.tombstone_for(
                rid, src.sha256, loaded.fingerprint
            ):
                raise PurgedError(
                    f"{path}: recording {rid} was purged while processing; not stored"
                )
            extra: list[NewArtifact] = []
            written: list[Path] = []
            if src.kind == "audio":
                self._sweep_orphans(rid)
                extra, written = audio_artifacts(
                    path,
                    self.store.artifact_root,
                    recording_id=rid,
                    raw=raw,
                    redactions=list(zip((p.audio for p in self.policies), redacted, strict=True)),
                    options=self.audio,
                    speakers=default_speakers(channels, src.meta.speakers),
                    transcriber=self.transcriber,
                )
            old_files = self._audio_files(rid) if force else []
            try:
                self.store.recordings.save(
                    ProcessedRecording(
                        recording_id=rid,
                        meta=src.meta,
                        source_kind=src.kind if src.kind == "audio" else raw.source_kind,
                        source_sha256=src.sha256,
                        source_suffix=path.suffix.lower(),
                        channels=channels,
                        raw=raw,
                        redacted=redacted,
                        spans=spans,
                        extra=extra,
                        data_key=data_key,
                        fingerprint=loaded.fingerprint,
                        complete=not self.summaries,
                    ),
                    replace_existing=force,
                    allow_purged=allow_purged,
                )
            except BaseException:
                for f in written:  # nothing of a failed write may stay on disk
                    f.unlink(missing_ok=True)
                raise
            for f in old_files:  # replaced by a forced re-run: rows are gone, drop files
                if f not in written:
                    f.unlink(missing_ok=True)
            if self.summaries:  # after the write: a purge landing now refuses these too
                summarize_recording(self.store, rid, redacted, self.detector)
                self.store.recordings.mark_done(rid)  # a kill before this: the retry finishes
            log.info(
                "stored recording %s: %d segments, %d detections",
                rid,
                len(raw.segments),
                len(spans),
            )
            return ProcessResult(path, rid, ProcessStatus.DONE, duration_s=raw.duration_s)
        except (PurgedError, LanguageRefusedError) as exc:
            return ProcessResult(path, None, ProcessStatus.REFUSED, str(exc), exc.exit_code)
        except RedactorError as exc:
            return ProcessResult(path, None, ProcessStatus.FAILED, str(exc), exc.exit_code)

    def _sweep_orphans(self, rid: str) -> None:
        """Delete files in the recording's folder that no artifact row names: what a run
        killed between writing its audio and committing its rows left behind."""
        folder = self.store.recording_dir(rid)
        if not self.store.owns_artifact_root() or not folder.is_dir():  # claims a new root
            return
        registered = {
            (self.store.artifact_root / a.path).resolve()
            for a in self.store.artifacts.of(rid)
            if a.path
        }
        for f in folder.iterdir():
            if f.is_file() and f.resolve() not in registered:
                log.warning("removing an unregistered file of recording %s (crashed run)", rid)
                f.unlink(missing_ok=True)

    def _audio_files(self, rid: str) -> list[Path]:
        return [
            self.store.artifact_root / a.path
            for a in self.store.artifacts.of(rid, kind=ArtifactKind.REDACTED_AUDIO)
            if a.path
        ]

    def run(
        self,
        paths: Iterable[Path],
        meta: RecordingMeta,
        *,
        force: bool = False,
        allow_purged: bool = False,
    ) -> Iterator[ProcessResult]:
        for item in discover(paths):
            if isinstance(item, InputError):
                yield ProcessResult(Path(str(item.path)), None, ProcessStatus.FAILED, str(item), 2)
                continue
            yield self.process_file(item, meta, force=force, allow_purged=allow_purged)


def open_run_store(run: RunConfig) -> Store:
    """The run's store (``store.location``, its artifact folder where the run names one)."""
    artifacts = Path(run.store.artifacts) if run.store.artifacts else None
    return open_store(run.store.location, artifact_root=artifacts)


def build_pipeline(
    run: RunConfig, *, cpu_threads: int | None = None, device: str | None = None
) -> LocalPipeline:
    """A pipeline as ``run`` says (models, policies, audio, stages, store); loads nothing yet.

    ``cpu_threads``/``device``: what the executor gives this worker (threads per pool worker;
    CUDA for a Ray actor with a GPU, which then computes in float16).
    """
    from redactor.models import spacy_model_name

    whisper = run.models.whisper_spec()
    if cpu_threads is not None:
        whisper = replace(whisper, cpu_threads=cpu_threads)
    if device is not None and device != whisper.device:
        whisper = replace(whisper, device=device, compute_type="float16")
    policy_dir = Path(run.policy_dir) if run.policy_dir else None
    store = open_run_store(run)
    keys = Path(run.store.keys_dir) if run.store.keys_dir else None
    return LocalPipeline(
        store=store,
        transcriber=FasterWhisperTranscriber(whisper),
        detector=PresidioDetector(
            spacy_model=spacy_model_name(run.models.spacy, run.models.manifest),
            allow_list=run.allow_terms,
        ),
        policies=tuple(load_policy(n, policy_dir) for n in run.policies),
        audio=run.audio,
        keyring=KeyRing.default(store.artifact_root, keys),
        summaries=run.summaries,
        languages=frozenset(run.languages),
    )


def warm_up(pipeline: LocalPipeline) -> None:
    """Load the models now, once, rather than inside the first file's timing."""
    model = getattr(pipeline.transcriber, "model", None)
    del model
    analyze = getattr(pipeline.detector, "analyze_texts", None)
    if analyze is not None:
        analyze(["warm up"])
