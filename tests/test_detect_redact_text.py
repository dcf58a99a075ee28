"""``redactor redact-text``: the I/O contract and per-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app


def run(tmp_path: Path, lines: list[bytes], *extra: str) -> tuple[int, list[dict], str]:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    res = CliRunner().invoke(
        app, ["redact-text", "--input", str(src), "--output", str(dst), *extra]
    )
    out = [json.loads(x) for x in dst.read_text().splitlines()] if dst.exists() else []
    return res.exit_code, out, res.output


@pytest.mark.slow  # the real detector, in worker processes for "2"
@pytest.mark.parametrize("workers", ["1", "2"])
def test_detect_redact_text_contract(tmp_path: Path, workers: str) -> None:
    text = "hi my name is john smith, call me on six four six five five five two eight one nine"
    code, out, _ = run(
        tmp_path, [json.dumps({"id": "a", "text": text}).encode()] * 3, "--workers", workers
    )
    assert code == 0 and len(out) == 3
    rec = out[0]
    assert rec["id"] == "a" and "john" not in rec["redacted"] and "eight" not in rec["redacted"]
    for sp in rec["spans"]:
        assert set(sp) == {"start", "end", "label", "score"}
        assert 0 <= sp["start"] < sp["end"] <= len(text)


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (b"\xff\xfe not utf8", "not valid UTF-8"),
        (b"", "empty line"),
        (b'{"id": "x"}', 'no string "text"'),
        (b'{"id": "x", "text": "a\\u0000b"}', "control characters"),
        (b'{"id": "x", "text": "' + b"a" * 5_000_000 + b'"}', "over the"),
        (b"[1, 2]", "not a JSON object"),
    ],
)
@pytest.mark.slow  # runs the real detector or speech model
def test_detect_redact_text_bad_line_reported_others_kept(
    tmp_path: Path, bad: bytes, problem: str
) -> None:
    good = json.dumps({"id": "g", "text": "email me at jane.doe@example.com"}).encode()
    code, out, err = run(tmp_path, [good, bad, good])
    assert code == 2
    assert [r["id"] for r in out] == ["g", "g"]
    assert "line 2" in err and problem in err
    assert "jane" not in err
