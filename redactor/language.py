"""Language: detect a transcript's language, and refuse the ones the models are not made for.

Audio gets Whisper's own detection (``FasterWhisperTranscriber``: ``info.language``; an
English-only model such as ``tiny.en`` can only say ``en``). A transcript file keeps the
language its tool wrote (Whisper's ``language``, AssemblyAI's ``language_code``, a WebVTT
``Language:`` header); otherwise its text is identified offline with Lingua
(``lingua-language-detector``, models inside the wheel), over a fixed set of common
languages in Lingua's low-accuracy mode: loads in well under a second, and a transcript is far
longer than the ~120 characters that mode needs. Text too short to tell is taken as English.

The detection and redaction models are English (``en_core_web_sm``, the recognizers' cue
words), so by default any other language is refused (exit 2, naming the language) instead of
being redacted as if it were English; ``--allow-language de`` processes it anyway, and the
outputs then say ``de``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.types import Transcript

__all__ = [
    "DEFAULT_LANGUAGES",
    "DETECTOR_NAME",
    "LanguageRefusedError",
    "check_language",
    "detect_language",
    "language_name",
    "with_language",
]

DETECTOR_NAME = "lingua-low.v1"
DEFAULT_LANGUAGES = frozenset({"en"})
SAMPLE_CHARS = 4000  # enough to be sure; keeps a two-hour transcript's detection short
# The languages told apart (Lingua's names for them).
# fmt: off
_CANDIDATES = (
    "ENGLISH", "GERMAN", "FRENCH", "SPANISH", "PORTUGUESE", "ITALIAN", "DUTCH", "POLISH",
    "SWEDISH", "DANISH", "BOKMAL", "FINNISH", "TURKISH", "RUSSIAN", "UKRAINIAN", "CZECH",
    "ROMANIAN", "HUNGARIAN", "GREEK", "ARABIC", "HEBREW", "HINDI", "CHINESE", "JAPANESE",
    "KOREAN", "VIETNAMESE", "INDONESIAN",
)
# fmt: on

_lock = threading.Lock()
_detector: Any = None


class LanguageRefusedError(InputError):
    """The input is in a language the configured models are not allowed to process."""


def _lingua() -> Any:
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            langs = [getattr(Language, name) for name in _CANDIDATES]
            _detector = (
                LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
            )
        return _detector


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot be told."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    found = _lingua().detect_language_of(sample)
    return None if found is None else str(found.iso_code_639_1.name).lower()


def language_name(code: str) -> str:
    """``German (de)``; an unknown code is shown as it is."""
    try:
        from lingua import IsoCode639_1, Language

        lang = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        return f"{lang.name.title()} ({code})"
    except (AttributeError, ValueError):
        return code


def with_language(t: Transcript) -> Transcript:
    """The transcript with its language set: the producer's, else detected, else ``en``."""
    from dataclasses import replace

    if t.language:
        return t
    return replace(t, language=detect_language(t.text) or "en")


def check_language(path: Path, language: str, allowed: Iterable[str]) -> None:
    allowed = frozenset(allowed)
    if language not in allowed:
        raise LanguageRefusedError(
            f"{path}: language is {language_name(language)}; the models process "
            f"{', '.join(sorted(allowed))} (use --allow-language {language} to process it anyway)",
            path=path,
        )
