"""The conversation layout of a dataset export: one row per call with ``messages``
[{role, content}], beside the utterance rows; both load with Hugging Face ``datasets`` from
the local folder (offline), and a purge removes a call from both."""

from __future__ import annotations

from pathlib import Path

import pytest

from redactor.dataset import export_dataset
from redactor.purge import purge, verify_purge
from redactor.store import Store
from tests.export_support import make_conversation
from tests.fakes import QuietDetector


@pytest.fixture
def exported(store: Store, tmp_path: Path) -> Path:
    for i in range(6):
        make_conversation(store, f"rec-{i:02d}")
    out = tmp_path / "ds"
    export_dataset(store, out, analyzer=QuietDetector(), splits=(("train", 1.0),))
    return out


def _load(out: Path, config: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    return datasets.load_dataset(str(out), config, cache_dir=str(tmp_path / "hf-cache"))


def test_export_conversations_load_with_datasets(
    exported: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = _load(exported, "default", monkeypatch, tmp_path)["train"]
    convs = _load(exported, "conversations", monkeypatch, tmp_path)["train"]
    assert convs.column_names == ["conversation_id", "language", "messages"]
    assert len(convs) == 6 and len({c["conversation_id"] for c in convs}) == 6
    for conv in convs:
        turns = sorted(
            (r for r in rows if r["conversation_id"] == conv["conversation_id"]),
            key=lambda r: r["turn"],
        )
        assert conv["messages"] == [{"role": r["speaker"], "content": r["text"]} for r in turns]
        assert {m["role"] for m in conv["messages"]} == {"agent", "customer"}
    assert sum(len(c["messages"]) for c in convs) == len(rows)


def test_export_conversations_purged_with_the_recording(
    store: Store, exported: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from redactor.dataset import exports
    from redactor.dataset.rows import conversation_id

    cid = conversation_id(exports(store)[0].id, "rec-03")
    purge(store, "rec-03", "host-deleted")
    assert verify_purge(store, "rec-03") == []
    convs = _load(exported, "conversations", monkeypatch, tmp_path)["train"]
    assert len(convs) == 5 and cid not in convs["conversation_id"]
    jsonl = (exported / "conversations" / "train").glob("*.jsonl")
    assert all(cid not in f.read_text() for f in jsonl)
