"""Decoding audio to 16 kHz float32: the whole file streamed, or only chosen stretches of it,
always the samples faster-whisper's own decoder gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from faster_whisper.audio import decode_audio as fw_decode

from redactor.audio import read_audio, write_audio
from redactor.errors import InputError
from redactor.ingest import SAMPLE_RATE, decode_audio, decode_stretches
from tests.conftest import FIXTURES

NAMES = ["call_support.flac", "spoken_tel_account.wav", "call_stereo.flac", "short_phone.wav"]


def _made(name: str, folder: Path) -> Path:
    """A 44.1 kHz stereo MP3, or a 48 kHz six-channel WAV, from the fixtures."""
    if name.endswith(".mp3"):
        samples, _rate = read_audio(FIXTURES / "call_stereo.flac")
        write_audio(samples, 44_100, folder / name, "mp3")  # played faster: another rate
    else:
        samples, _rate = read_audio(FIXTURES / "call_support.flac")
        six = np.repeat(samples, 6, axis=1) * np.linspace(0.2, 1.0, 6, dtype=np.float32)
        sf.write(folder / name, six, 48_000, subtype="PCM_16")
    return folder / name


@pytest.mark.parametrize("name", [*NAMES, "stereo_44k.mp3", "six_48k.wav"])
def test_decode_audio_gives_faster_whispers_samples(name: str, tmp_path: Path) -> None:
    """Streamed in 16-bit blocks (an hour peaks at 345 MB, not 575 MB), the samples are
    faster-whisper's exactly: 8 kHz mu-law and 44.1 kHz MP3 resampled, stereo split, six
    channels mixed down to two; ``split_stereo=False`` mixes down to one; from bytes too."""
    path = FIXTURES / name if name in NAMES else _made(name, tmp_path)
    got = decode_audio(path)
    want = (
        fw_decode(str(path), split_stereo=True)
        if len(got.channels) == 2
        else (fw_decode(str(path)),)
    )
    assert len(got.channels) == len(want)
    assert all(np.array_equal(a, b) for a, b in zip(got.channels, want, strict=True))
    assert np.array_equal(decode_audio(path, split_stereo=False).channels[0], fw_decode(str(path)))
    from_bytes = decode_audio(Path("sealed"), data=path.read_bytes())
    assert all(np.array_equal(a, b) for a, b in zip(from_bytes.channels, want, strict=True))


@pytest.mark.parametrize("name", NAMES)
def test_decode_stretches_are_the_whole_decodes_samples(name: str) -> None:
    """The audio check decodes only what it hears; those samples are the whole decode's,
    exactly, and a stretch past the end is cut short there."""
    whole = decode_audio(FIXTURES / name)
    end = len(whole.channels[0]) / SAMPLE_RATE
    stretches = [
        (ch, a, a + 1.3) for ch in range(len(whole.channels)) for a in (0.0, 2.37, end - 0.5)
    ]
    parts = decode_stretches(FIXTURES / name, stretches)
    for (ch, a, b), part in zip(stretches, parts, strict=True):
        assert np.array_equal(part, whole.channels[ch][int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)])
    assert len(parts[-1]) == int(0.5 * SAMPLE_RATE)
    with pytest.raises(InputError, match="channel"):
        decode_stretches(FIXTURES / name, [(len(whole.channels), 0.0, 1.0)])


def test_decode_names_the_input_and_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_bytes(b"not audio at all")
    for call in (lambda: decode_audio(bad), lambda: decode_stretches(bad, [(0, 0.0, 1.0)])):
        with pytest.raises(InputError, match=r"notes\.wav: cannot decode audio"):
            call()
