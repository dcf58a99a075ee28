"""Language: Lingua for text, Whisper's own detection for audio, and the refusal policy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from redactor.ingest import decode_audio
from redactor.language import (
    LanguageRefusedError,
    check_language,
    detect_language,
    language_name,
    with_language,
)
from redactor.transcribe import FasterWhisperTranscriber
from redactor.types import Segment, Transcript
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Herzlich willkommen zu einer Aufzeichnung meiner Präsentation in Paderborn.", "de"),
        ("gente, estamos aqui na rodoviária, vão de táxi para levar e trazer", "pt"),
        ("Bonjour, je vous appelle au sujet de ma facture du mois dernier.", "fr"),
        ("Hola, llamo por la factura del mes pasado, creo que hay un error.", "es"),
        ("Hi, this is Emily, I am calling about last month's bill, I think it's wrong.", "en"),
        ("ok", None),  # too short to tell
    ],
)
def test_language_detect_text(text: str, code: str | None) -> None:
    assert detect_language(text) == code


def _transcript(text: str, language: str = "") -> Transcript:
    return Transcript((Segment(0, "speaker", 0.0, 1.0, text),), language=language)


def test_language_producer_language_wins_and_short_text_is_english() -> None:
    assert (
        with_language(_transcript("Guten Morgen, wie geht es Ihnen heute?", "en")).language == "en"
    )
    assert with_language(_transcript("Guten Morgen, wie geht es Ihnen heute?")).language == "de"
    assert with_language(_transcript("ok")).language == "en"


def test_language_refusal_names_language_and_the_way_out(tmp_path: Path) -> None:
    with pytest.raises(LanguageRefusedError) as err:
        check_language(tmp_path / "talk.vtt", "de", {"en"})
    message = str(err.value)
    assert "talk.vtt" in message and "German (de)" in message and "--allow-language de" in message
    assert err.value.exit_code == 2
    check_language(tmp_path / "talk.vtt", "de", {"en", "de"})
    assert language_name("xx") == "xx"


class _Detecting:
    """The real tiny.en model behind a multilingual face: records what it was asked and
    answers with the language a multilingual model detected (faster-whisper's info)."""

    def __init__(self, real: Any, language: str) -> None:
        self.real, self.language, self.asked = real, language, []
        self.model = SimpleNamespace(is_multilingual=True)

    def transcribe(self, audio: Any, **kwargs: Any) -> Any:
        self.asked.append(kwargs["language"])
        segments, info = self.real.transcribe(audio, **{**kwargs, "language": "en"})
        return segments, replace_info(info, self.language)


def replace_info(info: Any, language: str) -> Any:
    return (
        info._replace(language=language)
        if hasattr(info, "_replace")
        else replace(info, language=language)
    )


def test_language_audio_uses_whisper_detection(transcriber: FasterWhisperTranscriber) -> None:
    audio = decode_audio(FIXTURES / "short_phone.wav")
    assert transcriber.transcribe(audio).language == "en"  # tiny.en: English only
    fake = _Detecting(transcriber.model, "de")
    detecting = FasterWhisperTranscriber(transcriber.spec, model=fake)
    t = detecting.transcribe(audio)
    assert fake.asked and set(fake.asked) == {None}  # asked Whisper to detect
    assert t.language == "de"
