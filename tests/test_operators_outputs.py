"""Acceptance: for every operator, no redacted value survives in any copy of the transcript.

The committed transcript fixtures (Zoom/Teams VTT, SRT, AWS JSON) go through the real pipeline
(real detector, real store) once per module with one policy per operator; then every stored
redaction is checked in segment text, word list, speaker labels, and the JSON, VTT, SRT and
text exports.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from redactor.detect import Detector
from redactor.executors import LocalPipeline
from redactor.formats import render
from redactor.operators import OPERATORS, KeyRing
from redactor.operators.encrypt import TOKEN_RE
from redactor.policy import Policy, parse_policy
from redactor.store import MEMORY, Store, open_store
from redactor.types import RecordingMeta, RedactedTranscript
from tests.conftest import FIXTURES

TRANSCRIPTS = ("meeting_zoom.vtt", "meeting_teams.vtt", "meeting.srt", "call_aws.json")
OPTIONS = {"mask.v1": "keep_last = 4"}


def operator_policy(op: str) -> Policy:
    name = op.replace(".", "_")
    extra = OPTIONS.get(op, "")
    text = f'name = "{name}"\noperator = "{op}"\n'
    if extra:
        text += f'[entities.CREDIT_CARD]\noperator = "{op}"\n{extra}\n'
    return parse_policy(text, f"test policy {name}")


def leaks(output: str, pii: dict[str, Any]) -> list[str]:
    """Which forms of one PII value appear in ``output`` (case- and separator-insensitive).

    ``encrypt.v1`` tokens are dropped first: their ciphertext is random base64, which holds
    a short name such as "Sam" (case-insensitive) by chance in about one run in a hundred;
    what a token decrypts to is tested by the reveal tests."""
    output = TOKEN_RE.sub("[ENC]", output)
    low = output.casefold()
    found = [f for f in {pii["value"], pii["text"]} if f.casefold() in low]
    if pii["value"].isdigit():
        squashed = re.sub(r"[\s\-().,]", "", output)
        if pii["value"] in squashed:
            found.append("digits")
    return found


@pytest.fixture(scope="module")
def redacted_imports(
    tmp_path_factory: pytest.TempPathFactory, detector: Detector
) -> tuple[Store, dict[str, str]]:
    root = tmp_path_factory.mktemp("ops")
    ring = KeyRing(root / "keys")
    ring.create("acme")
    st = open_store(MEMORY, artifact_root=root / "artifacts")  # about outputs, not the disk
    pipeline = LocalPipeline(
        store=st,
        detector=detector,
        policies=[operator_policy(op) for op in OPERATORS],
        keyring=ring,
    )
    ids = {}
    for name in TRANSCRIPTS:
        result = pipeline.process_file(FIXTURES / name, RecordingMeta(host="acme"))
        assert result.status == "done", result.error
        assert result.recording_id
        ids[name] = result.recording_id
    return st, ids


def copies(red: RedactedTranscript, rid: str) -> dict[str, str]:
    return {
        "segment text": red.text,
        "word list": " ".join(w.text for s in red.segments for w in s.words),
        "speakers": " ".join(s.speaker for s in red.segments),
        **{fmt: render(red, rid, fmt) for fmt in ("json", "vtt", "srt", "txt")},
    }


@pytest.mark.parametrize("op", sorted(OPERATORS))
@pytest.mark.parametrize("fixture", TRANSCRIPTS)
def test_operators_no_value_survives_any_copy(
    redacted_imports: tuple[Store, dict[str, str]],
    fixture_info: dict[str, Any],
    fixture: str,
    op: str,
) -> None:
    st, ids = redacted_imports
    rid = ids[fixture]
    red = st.artifacts.redacted_transcript(rid, op.replace(".", "_"))
    assert op in red.operators
    problems = [
        (where, pii["type"], form)
        for where, text in copies(red, rid).items()
        for pii in fixture_info[fixture]["pii"]
        for form in leaks(text, pii)
    ]
    assert not problems, problems  # (copy, type, form): never the value itself


def test_operators_recorded_on_every_stored_artifact(
    redacted_imports: tuple[Store, dict[str, str]],
) -> None:
    st, ids = redacted_imports
    for rid in ids.values():
        rows = [a for a in st.artifacts.of(rid) if a.kind == "redacted_transcript"]
        assert len(rows) == len(OPERATORS)
        for row in rows:
            producer = row.producers
            assert producer[0].startswith("redactor-detect/")
            assert producer[1] == str(row.policy).replace("_", ".")


def test_operators_placeholder_numbering_stable_within_recording(
    redacted_imports: tuple[Store, dict[str, str]],
) -> None:
    """Zoom: the speaker "John Smith" and the John Smith named in a turn are one placeholder."""
    st, ids = redacted_imports
    red = st.artifacts.redacted_transcript(ids["meeting_zoom.vtt"], "placeholder_v1")
    speakers = [s.speaker for s in red.segments]
    assert len(set(speakers)) == 2 and all(re.fullmatch(r"\[PERSON_\d\]", x) for x in speakers)
    assert speakers[0] == "[PERSON_1]"  # numbered in order of first appearance
    caller = speakers[1]
    assert f"this is {caller}" in red.segments[1].text
    again = st.artifacts.redacted_transcript(ids["meeting_zoom.vtt"], "placeholder_v1")
    assert [s.text for s in again.segments] == [s.text for s in red.segments]


def test_operators_pseudonyms_stable_across_host_recordings_not_across_hosts(
    tmp_path: Path, detector: Detector
) -> None:
    ring = KeyRing(tmp_path / "keys")
    for host in ("acme", "globex"):
        ring.create(host)
    st = open_store(MEMORY, artifact_root=tmp_path / "artifacts")
    pipeline = LocalPipeline(
        store=st, detector=detector, policies=[operator_policy("pseudonym.v1")], keyring=ring
    )
    tokens = {}
    for rid, host in (("a1", "acme"), ("a2", "acme"), ("g1", "globex")):
        src = tmp_path / f"{rid}.vtt"
        shutil.copy(FIXTURES / "meeting_zoom.vtt", src)
        src.write_text(src.read_text() + f"\nNOTE {rid}\n")  # a different file each time
        result = pipeline.process_file(src, RecordingMeta(host=host, recording_id=rid))
        assert result.status == "done", result.error
        tokens[rid] = st.artifacts.redacted_transcript(rid, "pseudonym_v1").segments[1].speaker
    assert re.fullmatch(r"\[PERSON:[0-9a-f]{12}\]", tokens["a1"])
    assert tokens["a1"] == tokens["a2"] != tokens["g1"]
