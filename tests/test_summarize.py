"""Summaries: built from redacted text only, tagged inferred, re-scanned before they are stored."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.detect import PresidioDetector
from redactor.store import Store
from redactor.summarize import (
    SUMMARY_KINDS,
    ExtractiveSummarizer,
    Summary,
    SummaryItem,
    load_summary,
    store_summary,
    stored_summary,
)
from redactor.types import RedactedSegment, RedactedTranscript, TextSpan, Transcript
from tests.conftest import digits, store_location
from tests.synthetic import make_recording


def _redacted(*texts: str) -> RedactedTranscript:
    segs = tuple(RedactedSegment(i, "agent", i, i + 1.0, t, ()) for i, t in enumerate(texts))
    return RedactedTranscript(segs, policy="support", operators=("label.v1",), detector="t/v1")


class FlagEverything:
    """A scanner that finds a PERSON in any text containing 'Zeb' (fake, through the seam)."""

    name = "flag/v1"

    def analyze_texts(self, texts: Sequence[str]) -> list[list[TextSpan]]:
        return [
            [TextSpan(m.start(), m.end(), "PERSON", 0.9) for m in re.finditer("Zeb", t)]
            for t in texts
        ]


def test_summarize_fixture_call_has_no_pii_and_is_inferred(
    processed: tuple[Store, dict[str, str]], fixture_info: dict[str, Any]
) -> None:
    st, ids = processed
    for name in ("call_support.flac", "call_stereo.flac"):
        rid = ids[name]
        parts = load_summary(st, rid)
        assert set(parts) <= set(SUMMARY_KINDS) and "summary" in parts
        assert parts["summary"]["items"], "a real call gets a non-empty summary"
        red_id = next(
            a.id
            for a in st.artifacts.of(rid)
            if a.kind == "redacted_transcript" and a.policy == "support"
        )
        n_segments = len(st.artifacts.redacted_transcript(rid, "support").segments)
        text = ""
        for part in parts.values():
            assert part["data_category"] == "inferred" and part["derived_from"] == red_id
            assert re.fullmatch(r"redactor-summarize/extractive\.v\d+", part["method"])
            for item in part["items"]:
                assert item["evidence"] and all(0 <= e < n_segments for e in item["evidence"])
                text += item["text"] + "\n"
        rows = [a for a in st.artifacts.of(rid) if a.kind in SUMMARY_KINDS]
        assert rows and all(a.data_category == "inferred" for a in rows)
        lowered = text.lower()
        for pii in fixture_info[name]["pii"]:
            assert pii["value"].lower() not in lowered, pii["type"]
            assert pii["spoken"].lower() not in lowered, pii["type"]
            # Placeholder numbers ("[PERSON_1]") are not data; a house number alone is too short.
            if len(digits(pii["value"])) >= 4:
                unplaced = re.sub(r"\[[A-Z_]+\d*\]", " ", text)
                assert digits(pii["value"]) not in digits(unplaced), pii["type"]


def test_summarize_rejects_a_raw_transcript() -> None:
    raw = Transcript((), "en", 0.0, "audio", "fake/v1")  # the type is the point, not content
    with pytest.raises(TypeError, match="RedactedTranscript only"):
        ExtractiveSummarizer().summarize(raw)  # type: ignore[arg-type]


def test_summarize_picks_central_sentences_topics_and_actions() -> None:
    s = ExtractiveSummarizer(max_sentences=2).summarize(
        _redacted(
            "Thank you for calling. How can I help you today?",
            "My invoice shows a duplicate charge on the invoice for March.",
            "I will refund the duplicate charge and send a new invoice by Friday.",
            "Great, thanks a lot.",
        )
    )
    assert [i.evidence for i in s.summary] == [(1,), (2,)]
    assert [i.text for i in s.action_items] == [
        "I will refund the duplicate charge and send a new invoice by Friday."
    ]
    topics = {i.text: i.evidence for i in s.key_topics}
    assert topics["invoice"] == (1, 2) and topics["duplicate"] == (1, 2)


def test_summarize_scanner_skips_flagged_candidates() -> None:
    s = ExtractiveSummarizer(scanner=FlagEverything(), max_sentences=3).summarize(
        _redacted(
            "Please send the invoice to Zeb at the office today.",
            "The invoice was sent to the office last week.",
        )
    )
    assert all("Zeb" not in i.text for i in s.summary + s.action_items)
    assert s.summary


def test_summarize_stored_summary_reads_back_what_was_stored(memory_store: Store) -> None:
    """The summary read back is the one stored: same items, the stored parts' artifact ids
    and producers; a part the re-scan refused is absent (not an empty part)."""
    make_recording(memory_store, "rec-a")  # with a synthetic summary, which is replaced
    red_id = next(a.id for a in memory_store.artifacts.of("rec-a", kind="redacted_transcript"))
    made = Summary(
        "redactor-summarize/extractive.v1",
        "support",
        (SummaryItem("Call [PERSON_1] back about the order.", (0, 2)),),
        (SummaryItem("order", (0,)),),
        (SummaryItem("Call Zeb back.", (1,)),),  # FlagEverything refuses it
    )
    refused = store_summary(
        memory_store, "rec-a", made, scanner=FlagEverything(), derived_from=red_id
    )
    assert refused == {"action_items": ["PERSON"]}
    got = stored_summary(memory_store, "rec-a")
    assert got is not None
    assert (got.method, got.policy, got.summary, got.key_topics, got.action_items) == (
        made.method,
        made.policy,
        made.summary,
        made.key_topics,
        (),
    )
    ids = {a.kind: a.id for a in memory_store.artifacts.of("rec-a") if a.kind in SUMMARY_KINDS}
    assert got.artifacts == (("summary", ids["summary"]), ("key_topics", ids["key_topics"]))
    assert got.producer == "redactor-summarize/extractive.v1, flag/v1"
    assert [(kind, items) for kind, _, items in got.stored_parts()] == [
        ("summary", made.summary),
        ("key_topics", made.key_topics),
    ]


def test_summarize_stored_summary_is_none_without_one(memory_store: Store) -> None:
    assert stored_summary(memory_store, "rec-none") is None
    make_recording(memory_store, "rec-b")
    got = stored_summary(memory_store, "rec-b")
    assert got is not None and got.producers == ("test-summary/v1",)
    assert [kind for kind, _, _ in got.stored_parts()] == ["summary"]


@pytest.mark.slow  # runs the real detector or speech model
def test_summarize_store_refuses_a_part_with_a_detection(memory_store: Store) -> None:
    """Real detector: a part that reads as personal data out of context is not stored."""
    make_recording(memory_store, "rec-a")
    red_id = next(
        a.id for a in memory_store.artifacts.of("rec-a") if a.kind == "redacted_transcript"
    )
    item = SummaryItem("Call [PERSON_1] back about the order.", (0,))
    leaky = SummaryItem("Call Zeb Quackenbush back at zeb.q@example.org.", (0,))
    summary = Summary("redactor-summarize/extractive.v1", "support", (item,), (), (leaky,))
    refused = store_summary(
        memory_store, "rec-a", summary, scanner=PresidioDetector(), derived_from=red_id
    )
    assert "action_items" in refused and "EMAIL_ADDRESS" in refused["action_items"]
    assert "summary" not in refused
    stored = load_summary(memory_store, "rec-a")
    assert "action_items" not in stored
    assert stored["summary"]["items"][0]["text"].startswith("Call [PERSON_1]")


def test_summarize_show_prints_the_summary_labelled_inferred(
    processed: tuple[Store, dict[str, str]], tmp_path: Path
) -> None:
    st, ids = processed
    rid = ids["call_support.flac"]
    runner = CliRunner()
    txt = runner.invoke(app, ["show", rid, "--summary", "-f", "txt", "--store", store_location(st)])
    assert txt.exit_code == 0, txt.output
    assert txt.output.startswith("INFERRED DATA")
    assert "Summary:" in txt.output and "[segments " in txt.output
    js = runner.invoke(app, ["show", rid, "--summary", "--store", store_location(st)])
    doc = json.loads(js.output)
    assert doc["data_category"] == "inferred" and doc["summary"]["data_category"] == "inferred"
    bad = runner.invoke(app, ["show", rid, "--summary", "-f", "vtt", "--store", store_location(st)])
    assert bad.exit_code == 2
