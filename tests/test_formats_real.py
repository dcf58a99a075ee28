"""Acceptance: every real transcript file in ``../shared/formats/real`` (skipped where absent).

Each file was produced by a real tool (``SOURCES.tsv``). Each must be read as its format, with
the right number of speakers and segments, in time order with the file's own times, and
nothing may be refused except non-English under the default language policy, which names the
language. Segment counts of cue and segment formats are the file's own cues/segments/lines;
for word streams (AWS, Deepgram and AssemblyAI without utterances, Rev.ai, HF chunks) they
follow ``formats.build.cut_turns``.
"""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import pytest

from redactor.formats import read_transcript
from redactor.language import DEFAULT_LANGUAGES, LanguageRefusedError, check_language, with_language
from tests.conftest import SHARED

REAL = SHARED / "formats" / "real"

# file, kind, speakers, segments, first start (s), last end (s), language
CASES = [
    ("assemblyai_transcription.json", "assemblyai", 1, 2, 0.170, 25.140, "en"),
    ("assemblyai_utterances.json", "assemblyai", 1, 1, 0.170, 25.140, "en"),
    ("aws_channel_labels_shotaro.json", "aws", 2, 5, 0.000, 40.420, "en"),
    ("aws_plain_edgarroman.json", "aws", 1, 1, 1.150, 11.440, "en"),
    ("aws_plain_shotaro.json", "aws", 1, 10, 0.460, 82.110, "en"),
    ("aws_podcast_josdea.json", "aws", 1, 43, 5.020, 916.172, "en"),
    ("aws_speaker_labels_8voices_shotaro.json", "aws", 8, 23, 0.000, 270.572, "en"),
    ("deepgram_cli_de.srt", "srt", 1, 5, 0.999, 19.050, "de"),
    ("deepgram_cli_de.vtt", "vtt", 1, 5, 0.999, 19.050, "de"),
    ("deepgram_speakers.json", "deepgram", 3, 22, 3.040, 163.105, "en"),
    ("deepgram_transcription.json", "deepgram", 1, 1, 0.080, 25.440, "en"),
    ("deepgram_utterances.json", "deepgram", 1, 6, 0.080, 25.440, "en"),
    ("deepgram_whisper_transcription.json", "deepgram", 1, 1, 0.060, 25.560, "en"),
    ("hf_whisper_chunks_curiouslycory.json", "hf-chunks", 1, 46, 29.920, 603.960, "en"),
    ("revai_transcript_sdk.json", "revai", 1, 15, 0.300, 106.330, "en"),
    ("teams_docx_export.txt", "text", 5, 15, 0.000, 124.400, "en"),
    ("teams_format_example_jmarshrossney.vtt", "vtt", 2, 12, 10.087, 62.000, "en"),
    ("whisper_openai_pt_jonasaacampos.json", "whisper", 1, 82, 0.000, 212.000, "pt"),
    ("whisper_openai_pt_jonasaacampos.srt", "srt", 1, 82, 0.000, 212.000, "pt"),
    ("whisper_pyannote_diarized.txt", "text", 5, 791, 6.835, 3321.997, "en"),
    ("whisper_timestamped.json", "whisper", 1, 4, 0.120, 25.320, "en"),
    ("whispercpp_oj_raagar9.json", "whispercpp", 1, 1, 0.000, 7.000, "en"),
    ("whisperx_yujingr.json", "whisper", 1, 322, 0.031, 925.307, "en"),
    ("whisperx_yujingr.srt", "srt", 1, 322, 0.031, 925.307, "en"),
    ("whisperx_yujingr.vtt", "vtt", 1, 322, 0.031, 925.307, "en"),
    ("youtube_auto_armin.vtt", "vtt", 1, 3337, 0.719, 7120.840, "en"),
    ("zoom_cc_GMT20240124.vtt", "vtt", 1, 100, 68.000, 739.000, "en"),
    ("zoom_chat_GMT20240124.txt", "messages", 4, 12, 316.000, 909.000, "en"),
    ("zoom_transcript_GMT20240124.vtt", "vtt", 6, 102, 0.050, 735.620, "en"),
    ("zoom_transcript_lesson_caleob.vtt", "vtt", 1, 264, 4.160, 1874.720, "en"),
    ("zoom_transcript_webinar_philipprager.vtt", "vtt", 6, 300, 4.859, 3341.970, "en"),
]
LANGUAGE_NAMES = {"de": "German (de)", "pt": "Portuguese (pt)"}


@pytest.fixture(scope="module")
def real() -> Path:
    if not REAL.is_dir():
        pytest.skip("../shared/formats/real is absent: the real transcript files are not here")
    return REAL


def test_formats_real_table_covers_every_file(real: Path) -> None:
    with (real / "SOURCES.tsv").open(encoding="utf-8") as f:
        listed = {row["file"] for row in csv.DictReader(f, delimiter="\t")}
    on_disk = {p.name for p in real.iterdir() if p.name != "SOURCES.tsv"}
    assert listed == on_disk == {c[0] for c in CASES}


@pytest.mark.parametrize(
    ("name", "kind", "speakers", "segments", "first", "last", "language"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_formats_real_file_accepted(
    real: Path,
    name: str,
    kind: str,
    speakers: int,
    segments: int,
    first: float,
    last: float,
    language: str,
) -> None:
    t = with_language(read_transcript(real / name))
    assert t.source_kind == kind
    assert len({s.speaker for s in t.segments}) == speakers
    assert len(t.segments) == segments
    assert t.segments[0].start_s == pytest.approx(first, abs=1e-3)
    assert t.segments[-1].end_s == pytest.approx(last, abs=1e-3)
    starts = [s.start_s for s in t.segments]
    assert starts == sorted(starts)  # in time order
    for seg in t.segments:
        assert seg.text and seg.start_s <= seg.end_s
        assert all(seg.text[w.char_start : w.char_end] == w.text for w in seg.words)
    assert t.language == language
    if language in DEFAULT_LANGUAGES:
        check_language(real / name, t.language, DEFAULT_LANGUAGES)
    else:
        with pytest.raises(LanguageRefusedError, match=re.escape(LANGUAGE_NAMES[language])) as err:
            check_language(real / name, t.language, DEFAULT_LANGUAGES)
        assert err.value.exit_code == 2 and name in str(err.value)


def test_formats_real_youtube_rolling_captions_once(real: Path) -> None:
    """Each rolling line once, with the per-word times of its <00:00:01.000><c> tags."""
    raw = (real / "youtube_auto_armin.vtt").read_text(encoding="utf-8")
    t = read_transcript(real / "youtube_auto_armin.vtt")
    words = [w for s in t.segments for w in s.words]
    tags = raw.count("<c>")
    heads = sum(1 for s in t.segments)  # the first word of a line precedes its first tag
    assert len(words) >= tags and len(words) <= tags + 2 * heads
    first = t.segments[0].words
    assert [(w.text, w.start_s) for w in first[:3]] == [
        ("i", 0.719),
        ("know", 0.88),
        ("people", 1.04),
    ]
    # no line repeated in the next segment
    texts = [s.text for s in t.segments]
    assert all(a != b for a, b in itertools.pairwise(texts))
