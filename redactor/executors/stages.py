"""The stages of one file: ingest -> transcribe -> detect -> redact -> store.

Every executor runs this, in this process (``inline``), in pool workers or in Ray actors;
``build_pipeline`` makes one from a ``RunConfig``. Engines (Whisper, spaCy/Presidio) are
created lazily and reused for every file. Each file's results are stored in one transaction
after every stage succeeded, so a failure stores nothing; a purge that lands while a file is
being processed is noticed before the write. ``process_files`` holds a batch of recordings
until their redacted audio is written and checked, together (``CHECK_BATCH_FILES``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from redactor.audio import AudioOptions, PendingAudio, plan_audio, write_audio_artifacts
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
from redactor.types import RecordingMeta, RedactedTranscript, Span, Transcript

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

# Recordings whose audio is checked together (``LocalPipeline.process_files``): up to this
# many files and this much audio. A batch holds its files' transcripts, not their audio (a
# source is read again for a rewrite); what a kill costs is the batch's work, done again.
CHECK_BATCH_FILES = 64
CHECK_BATCH_S = 1800.0
_T = TypeVar("_T")


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


@dataclass(frozen=True, slots=True)
class _Admitted:
    """A file that passed the cheap checks and is to be processed."""

    path: Path
    src: SourceFile
    recording_id: str
    force: bool
    allow_purged: bool

    def clashes(self, other: _Prepared) -> bool:
        """The same recording or the same content as a file held in the batch."""
        held = other.admitted
        return self.recording_id == held.recording_id or self.src.sha256 == held.src.sha256


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A file transcribed, detected and redacted, its audio planned, nothing stored yet."""

    admitted: _Admitted
    fingerprint: str | None
    channels: int
    raw: Transcript
    spans: Sequence[Span]
    redacted: Sequence[RedactedTranscript]
    data_key: bytes
    audio: PendingAudio | None

    @property
    def path(self) -> Path:
        return self.admitted.path

    @property
    def checked(self) -> bool:
        """Its redacted audio is to be checked (held to be checked with others)."""
        return self.audio is not None and self.audio.checked


OnError = Callable[[Path, Exception], ProcessResult]


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
        """One file through every stage (an unexpected error is raised, not recorded)."""
        (result,) = self.process_files([path], meta, force=force, allow_purged=allow_purged)
        return result

    def process_files(
        self,
        paths: Iterable[Path],
        meta: RecordingMeta,
        *,
        force: bool = False,
        allow_purged: bool = False,
        on_error: OnError | None = None,
    ) -> Iterator[ProcessResult]:
        """Files through every stage, a result per file, in order.

        Recordings whose redacted audio is checked are held in a batch (up to
        ``CHECK_BATCH_FILES`` files and ``CHECK_BATCH_S`` seconds of audio) and their audio is
        written and checked together (``redactor.audio.write_audio_artifacts``): the check's
        windows of several recordings share Whisper's encoder passes. Nothing of a held file
        is stored before its check is done, so a kill loses only the batch's work, which the
        re-run does again. ``on_error(path, exc)`` turns an unexpected error into that
        file's result (default: raise it)."""
        queue: list[_Prepared | ProcessResult] = []  # results held back to keep the order
        for path in paths:
            admit = partial(self._admit, path, meta, force, allow_purged)
            admitted = self._guarded(path, on_error, admit)
            if isinstance(admitted, _Admitted) and any(
                isinstance(q, _Prepared) and admitted.clashes(q) for q in queue
            ):
                yield from self._flush(queue, on_error)  # the same call twice: store it first
                queue = []
                admitted = self._guarded(path, on_error, admit)
            item = (
                self._guarded(path, on_error, partial(self._prepare, admitted))
                if isinstance(admitted, _Admitted)
                else admitted
            )
            held = [q for q in queue if isinstance(q, _Prepared)]
            if isinstance(item, _Prepared) and (
                len(held) >= CHECK_BATCH_FILES
                or sum(q.raw.duration_s for q in [*held, item]) > CHECK_BATCH_S
            ):
                yield from self._flush(queue, on_error)
                queue = []
            queue.append(item)
            if not any(isinstance(q, _Prepared) and q.checked for q in queue):
                yield from self._flush(queue, on_error)  # nothing to check with others
                queue = []
        yield from self._flush(queue, on_error)

    def _guarded(
        self, path: Path, on_error: OnError | None, step: Callable[[], _T]
    ) -> _T | ProcessResult:
        """``step()``, or this file's result when it fails: the engine's own errors as
        ``failed``/``refused``, an unexpected one through ``on_error`` (or raised)."""
        try:
            return step()
        except (PurgedError, LanguageRefusedError) as exc:
            return ProcessResult(path, None, ProcessStatus.REFUSED, str(exc), exc.exit_code)
        except RedactorError as exc:
            return ProcessResult(path, None, ProcessStatus.FAILED, str(exc), exc.exit_code)
        except Exception as exc:
            if on_error is None:
                raise
            return on_error(path, exc)

    def _admit(
        self, path: Path, meta: RecordingMeta, force: bool, allow_purged: bool
    ) -> _Admitted | ProcessResult:
        """Cheap checks before any work: refused, already stored, or to do."""
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
        return _Admitted(path, src, rid, force, allow_purged)

    def _prepare(self, a: _Admitted) -> _Prepared:
        """Transcribe, detect and redact; plan the redacted audio (written by ``_flush``)."""
        path, src, rid = a.path, a.src, a.recording_id
        loaded = self.load(src)
        if not a.allow_purged:
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
        audio = None
        if src.kind == "audio":
            self._sweep_orphans(rid)
            audio = plan_audio(
                path,
                self.store.artifact_root,
                recording_id=rid,
                raw=raw,
                redactions=list(zip((p.audio for p in self.policies), redacted, strict=True)),
                options=self.audio,
                speakers=default_speakers(channels, src.meta.speakers),
            )
        return _Prepared(a, loaded.fingerprint, channels, raw, spans, redacted, data_key, audio)

    def _flush(
        self, queue: Sequence[_Prepared | ProcessResult], on_error: OnError | None
    ) -> Iterator[ProcessResult]:
        """Write (and check) the held files' redacted audio together, then store each; yield
        every result in the queue's order."""
        batch = [q for q in queue if isinstance(q, _Prepared)]
        pending = [p.audio for p in batch if p.audio is not None]
        audio: list[tuple[list[NewArtifact], list[Path]] | ProcessResult] | None = None
        if len(pending) > 1:
            try:
                written = iter(write_audio_artifacts(pending, self.transcriber))
                audio = [next(written) if p.audio is not None else ([], []) for p in batch]
            except Exception:  # one file's failure fails only that file: each on its own
                log.warning("a batch's audio check failed; checking its files one by one")
        if audio is None:
            audio = [self._guarded(p.path, on_error, partial(self._audio, p)) for p in batch]
        files = iter(audio)
        for q in queue:
            if isinstance(q, ProcessResult):
                yield q
                continue
            done = next(files)
            yield (
                done
                if isinstance(done, ProcessResult)
                else self._guarded(q.path, on_error, partial(self._store, q, *done))
            )

    def _audio(self, p: _Prepared) -> tuple[list[NewArtifact], list[Path]]:
        if p.audio is None:
            return [], []
        return write_audio_artifacts([p.audio], self.transcriber)[0]

    def _store(self, p: _Prepared, extra: list[NewArtifact], written: list[Path]) -> ProcessResult:
        """Store one prepared file in one transaction, then its summaries."""
        path, src, rid = p.path, p.admitted.src, p.admitted.recording_id
        allow_purged = p.admitted.allow_purged
        try:
            if not allow_purged and self.store.purges.tombstone_for(rid, src.sha256, p.fingerprint):
                raise PurgedError(
                    f"{path}: recording {rid} was purged while processing; not stored"
                )
            force = p.admitted.force
            old_files = self._audio_files(rid) if force else []
            self.store.recordings.save(
                ProcessedRecording(
                    recording_id=rid,
                    meta=src.meta,
                    source_kind=src.kind if src.kind == "audio" else p.raw.source_kind,
                    source_sha256=src.sha256,
                    source_suffix=path.suffix.lower(),
                    channels=p.channels,
                    raw=p.raw,
                    redacted=p.redacted,
                    spans=p.spans,
                    extra=extra,
                    data_key=p.data_key,
                    fingerprint=p.fingerprint,
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
            summarize_recording(self.store, rid, p.redacted, self.detector)
            self.store.recordings.mark_done(rid)  # a kill before this: the retry finishes
        log.info(
            "stored recording %s: %d segments, %d detections",
            rid,
            len(p.raw.segments),
            len(p.spans),
        )
        return ProcessResult(path, rid, ProcessStatus.DONE, duration_s=p.raw.duration_s)

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
        files: list[Path] = []
        for item in discover(paths):
            if isinstance(item, InputError):
                yield from self.process_files(files, meta, force=force, allow_purged=allow_purged)
                files = []
                yield ProcessResult(Path(str(item.path)), None, ProcessStatus.FAILED, str(item), 2)
                continue
            files.append(item)
        yield from self.process_files(files, meta, force=force, allow_purged=allow_purged)


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
