"""Redacted audio files are sealed at rest (``sealed-file.v1``) and shredded with the recording.

The file is AES-GCM sealed with a key of its own, and that key is sealed in the artifact row
with the recording's content key; a purge destroys the content key first, so a copy of the
file taken before the purge (a backup, a file a failed unlink left) cannot be decoded with
anything still stored.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from typer.testing import CliRunner

from redactor.audio import AudioOptions, read_audio
from redactor.audio_check import stored_check
from redactor.audio_file import FORMAT, SealedAudio, key_from_body, write_sealed
from redactor.cli import app
from redactor.crypto import (
    FILE_CHUNK,
    FILE_MAGIC,
    new_key,
    open_file,
    open_file_range,
    seal_file,
    sealed_file_size,
    unseal,
)
from redactor.errors import StoreError
from redactor.executors import LocalPipeline
from redactor.purge import purge, verify_purge
from redactor.store import Store
from redactor.store import schema as s
from redactor.types import RecordingMeta
from redactor.web.content import redacted_audio
from tests.conftest import FIXTURES, store_location
from tests.fakes import FakeDetector, FakeTranscriber
from tests.synthetic import make_recording, marker
from tests.web_support import make_web

CALL = FIXTURES / "short_phone.wav"


def _process(st: Store, rid: str = "call-1", path: Path = CALL) -> SealedAudio:
    """The call through the pipeline with fakes. The fake transcriber always "hears" digits,
    so the audio check (which reads the sealed file back) fails: ``record`` keeps the audio."""
    pipe = LocalPipeline(
        store=st,
        transcriber=FakeTranscriber(),
        detector=FakeDetector(),  # type: ignore[arg-type]
        summaries=False,
        audio=AudioOptions(check="record"),
    )
    result = pipe.process_file(path, RecordingMeta(host="acme", recording_id=rid))
    assert result.status == "done", result.error
    check = stored_check(st, rid, "support")
    assert check is not None and check["checks"] >= 1  # it decoded the sealed file
    return redacted_audio(st, rid)


def _pcm_windows(samples: np.ndarray) -> list[bytes]:
    """A few 64-byte stretches of the audio's 16-bit PCM, from speech (not silence)."""
    pcm = np.clip(np.round(samples[:, 0] * 32768), -32768, 32767).astype("<i2")
    loud = np.flatnonzero(np.abs(pcm) > 2000)
    return [pcm[i : i + 32].tobytes() for i in loud[:: max(1, len(loud) // 8)][:8]]


def _every_stored_key(st: Store) -> list[bytes]:
    """Every key the store still holds, and every 32-byte value any readable body yields."""
    with st.engine.connect() as conn:
        keys = [bytes(k) for (k,) in conn.execute(select(s.data_keys.c.key))]
        keys += [bytes(k) for (k,) in conn.execute(select(s.content_keys.c.key))]
        rows = conn.execute(
            select(s.artifacts.c.recording_id, s.artifacts.c.body, s.content_keys.c.key)
            .outerjoin(s.content_keys, s.content_keys.c.recording_id == s.artifacts.c.recording_id)
            .where(s.artifacts.c.body.is_not(None))
        ).all()
    for rid, body, ck in rows:
        for k in [bytes(ck)] if ck is not None else []:
            try:
                plain = unseal(k, bytes(body), rid)
            except (InvalidTag, ValueError):
                continue
            try:
                found = key_from_body(plain)
            except StoreError:
                continue
            if found is not None:
                keys.append(found)
    return keys


@pytest.mark.parametrize(
    "size", [0, 1, FILE_CHUNK - 1, FILE_CHUNK, FILE_CHUNK + 1, 2 * FILE_CHUNK + 5]
)
def test_audio_sealed_file_round_trips_and_knows_its_size(size: int) -> None:
    key, data = new_key(), np.random.default_rng(size).bytes(size)
    sealed = b"".join(seal_file(key, data, b"rec-1"))
    assert sealed.startswith(FILE_MAGIC)
    assert b"".join(open_file(key, io.BytesIO(sealed), b"rec-1")) == data
    assert sealed_file_size(len(sealed)) == size


def test_audio_sealed_file_refuses_wrong_key_recording_or_tampering() -> None:
    key, data = new_key(), np.random.default_rng(1).bytes(2 * FILE_CHUNK + 100)
    sealed = b"".join(seal_file(key, data, b"rec-1"))
    header, chunk = 10, FILE_CHUNK + 16
    first, second = sealed[header : header + chunk], sealed[header + chunk : header + 2 * chunk]
    cases = {
        "wrong key": (new_key(), sealed, b"rec-1"),
        "other recording": (key, sealed, b"rec-2"),
        "flipped bit": (key, sealed[:500] + bytes([sealed[500] ^ 1]) + sealed[501:], b"rec-1"),
        "cut at a chunk boundary": (key, sealed[: header + 2 * chunk], b"rec-1"),
        "chunks swapped": (key, sealed[:header] + second + first + sealed[-116:], b"rec-1"),
    }
    for why, (k, blob, aad) in cases.items():
        with pytest.raises(InvalidTag):
            b"".join(open_file(k, io.BytesIO(blob), aad))
            pytest.fail(why)


@pytest.mark.parametrize(
    ("start", "stop"),
    [(0, 1), (5, 17), (FILE_CHUNK - 3, FILE_CHUNK + 3), (FILE_CHUNK, 2 * FILE_CHUNK + 50),
     (0, 2 * FILE_CHUNK + 50), (2 * FILE_CHUNK + 49, 2 * FILE_CHUNK + 50)],
)  # fmt: skip
def test_audio_sealed_file_range_decrypts_only_what_is_asked(start: int, stop: int) -> None:
    key, data = new_key(), np.random.default_rng(3).bytes(2 * FILE_CHUNK + 50)
    sealed = b"".join(seal_file(key, data, b"r"))
    got = b"".join(open_file_range(key, io.BytesIO(sealed), b"r", len(sealed), start, stop))
    assert got == data[start:stop]
    cut = sealed[: 10 + 2 * (FILE_CHUNK + 16)]  # the last chunk gone: the new last one fails
    with pytest.raises(InvalidTag):
        b"".join(open_file_range(key, io.BytesIO(cut), b"r", len(cut), FILE_CHUNK, FILE_CHUNK + 1))


def test_audio_file_on_disk_is_sealed_and_reads_back(memory_store: Store) -> None:
    """The pipeline's redacted audio: sealed on disk (no PCM, not decodable as audio), the
    key sealed in its row (never in clear), and every reader gets the audio back."""
    audio = _process(memory_store)
    on_disk = audio.path.read_bytes()
    assert on_disk.startswith(FILE_MAGIC)
    with pytest.raises(Exception):  # noqa: B017  (whatever the decoder raises)
        read_audio(audio.path)
    plain = audio.read()
    samples, rate = read_audio(audio.path, data=plain)
    original, rate0 = read_audio(CALL)
    assert rate == rate0 and samples.shape == original.shape
    assert audio.size == len(plain)
    for window in _pcm_windows(samples):
        assert window not in on_disk
    assert plain[200:264] not in on_disk  # nor any stretch of the encoded (FLAC) file
    (row,) = memory_store.artifacts.of("call-1", kind="redacted_audio", with_body=True)
    assert FORMAT in row.producer and audio.key is not None and row.body is not None
    with memory_store.engine.connect() as conn:
        stored = conn.execute(
            select(s.artifacts.c.body).where(s.artifacts.c.id == row.id)
        ).scalar_one()
    assert audio.key not in bytes(stored) and b"key" not in bytes(stored)  # sealed body


def test_audio_purge_leaves_no_decodable_copy(backend_store: Store, tmp_path: Path) -> None:
    """A copy of the file taken before the purge (a backup; a file a failed unlink left)
    decodes before the purge and not after: no key still stored opens it, and it holds no
    stretch of the audio's PCM."""
    st = backend_store
    audio = _process(st)
    # a neighbour: its keys stay stored and must not open the copy
    _process(st, "call-2", FIXTURES / "silence.wav")
    samples, _ = read_audio(audio.path, data=audio.read())
    backup = tmp_path / "backup.bin"
    shutil.copyfile(audio.path, backup)
    aad = b"call-1\x00redacted_audio"

    def opens(key: bytes) -> bool:
        try:
            with backup.open("rb") as fh:
                b"".join(open_file(key, fh, aad))
            return True
        except InvalidTag:
            return False

    assert any(opens(k) for k in _every_stored_key(st)), "premise: the copy decodes now"
    purge(st, "call-1", "host-deleted")
    assert not audio.path.exists() and verify_purge(st, "call-1") == []
    keys = _every_stored_key(st)
    assert keys, "the neighbour's keys are still stored"
    assert not [k for k in keys if opens(k)]
    sealed = backup.read_bytes()
    assert not [w for w in _pcm_windows(samples) if w in sealed]
    assert redacted_audio(st, "call-2").read()  # the neighbour's audio is untouched


def test_audio_legacy_plain_file_is_still_served(tmp_path: Path) -> None:
    """A store written before audio was sealed: its plain file (no key in the row) is read
    as it is, by the API and by ``show --audio``."""
    web = make_web(tmp_path, on_disk=True)
    make_recording(web.store, "rec-old", host="acme", plain_audio=True)
    audio = redacted_audio(web.store, "rec-old")
    assert audio.key is None
    assert audio.path.read_bytes() == b"RIFF" + marker("rec-old").encode()
    r = web.client.get("/api/recordings/rec-old/audio?ticket=T-1", headers=web.auth("support"))
    assert r.status_code == 200 and r.content == b"RIFF" + marker("rec-old").encode()
    out = tmp_path / "old.wav"
    res = CliRunner().invoke(
        app,
        ["show", "rec-old", "--audio", str(out), "--store", store_location(web.store)],
        env={"REDACTOR_ARTIFACTS": str(web.store.artifact_root)},
    )
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == b"RIFF" + marker("rec-old").encode()


def test_audio_api_streams_the_decrypted_file(tmp_path: Path) -> None:
    web = make_web(tmp_path)
    sealed = redacted_audio(web.store, "rec-a1")
    assert sealed.key is not None and sealed.path.read_bytes().startswith(FILE_MAGIC)
    r = web.client.get("/api/recordings/rec-a1/audio?ticket=T-1", headers=web.auth("support"))
    assert r.status_code == 200
    assert r.content == b"RIFF" + marker("rec-a1").encode()
    assert int(r.headers["content-length"]) == len(r.content)
    assert r.headers["content-type"] == "audio/wav"


@pytest.mark.parametrize("plain", [False, True])
@pytest.mark.parametrize(
    ("header", "status", "want"),
    [
        ("bytes=2-5", 206, slice(2, 6)),
        ("bytes=4-", 206, slice(4, None)),
        ("bytes=-3", 206, slice(-3, None)),
        ("bytes=0-999999", 206, slice(0, None)),
        ("bytes=9-2", 200, slice(None)),  # not a valid range: the whole file
        ("bytes=0-1,4-5", 200, slice(None)),  # several ranges: the whole file
        ("bytes=9999-", 416, None),
    ],
)
def test_audio_api_serves_byte_ranges_for_seeking(
    tmp_path: Path, plain: bool, header: str, status: int, want: slice | None
) -> None:
    """A player seeks with ``Range``: the endpoint answers 206 with the decrypted bytes asked
    for (sealed and plain files alike), 416 for a range past the end."""
    web = make_web(tmp_path)
    make_recording(web.store, "rec-r", host="acme", plain_audio=plain)
    payload = b"RIFF" + marker("rec-r").encode()
    r = web.client.get(
        "/api/recordings/rec-r/audio?ticket=T-1",
        headers={**web.auth("support"), "Range": header},
    )
    assert r.status_code == status
    if want is None:
        assert r.headers["content-range"] == f"bytes */{len(payload)}"
        return
    assert r.content == payload[want] and r.headers["accept-ranges"] == "bytes"
    assert int(r.headers["content-length"]) == len(r.content)
    if status == 206:
        first = want.indices(len(payload))[0]
        end = first + len(r.content) - 1
        assert r.headers["content-range"] == f"bytes {first}-{end}/{len(payload)}"


def test_audio_tampered_file_is_refused_everywhere(tmp_path: Path) -> None:
    """A changed sealed file is an error (500 / exit 1), never garbage served as audio, and
    ``show --audio`` leaves no OUT and no audit row of a read that did not happen."""
    web = make_web(tmp_path, on_disk=True)
    path = redacted_audio(web.store, "rec-a1").path
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    r = web.client.get("/api/recordings/rec-a1/audio?ticket=T-1", headers=web.auth("support"))
    assert r.status_code == 500 and marker("rec-a1") not in r.text
    out = tmp_path / "out.wav"
    res = CliRunner().invoke(
        app,
        ["show", "rec-a1", "--audio", str(out), "--store", store_location(web.store)],
        env={"REDACTOR_ARTIFACTS": str(web.store.artifact_root)},
    )
    assert res.exit_code == 1 and "integrity" in res.output
    assert not out.exists() and not list(tmp_path.glob(".out.wav*"))
    assert not [e for e in web.store.audit.entries("rec-a1") if "audio" in e.action]


def test_audio_written_sealed_file_is_removed_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redactor.audio_file as af

    def boom(*_a: object) -> object:
        yield b"rdxf1\n"
        raise OSError("disk full")

    monkeypatch.setattr(af, "seal_file", boom)
    with pytest.raises(OSError):
        write_sealed(tmp_path / "x.flac", b"audio", "rec-1")
    assert not list(tmp_path.iterdir())
