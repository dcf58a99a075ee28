"""Redact JSON-lines texts in batches, optionally over a pool of worker processes.

The library behind ``redactor redact-text``. Each input line is ``{"id": ..., "text": ...}``;
consecutive lines with the same id are the turns of one recording, detected together (one
value, one decision); every other line stands alone.
a bad line (not UTF-8, empty, not a JSON object, no string ``text``, too long, control
characters) yields a ``LineError`` naming the line number and the problem, never the content,
and every other line is still processed. Output keeps input order.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from redactor.detect.engine import PresidioDetector
from redactor.types import TextSpan

__all__ = ["MAX_LINE_BYTES", "LineError", "analyze_lines", "parse_line", "redact_lines",
           "redacted_text"]  # fmt: skip

MAX_LINE_BYTES = 1_000_000
CHUNK = 128
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    problem: str


def parse_line(
    number: int, raw: bytes, max_bytes: int = MAX_LINE_BYTES
) -> tuple[Any, str] | LineError:
    """``(id, text)`` for a good line, else a ``LineError`` that does not quote the line."""
    if len(raw) > max_bytes:
        return LineError(number, f"line is {len(raw)} bytes, over the {max_bytes}-byte limit")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return LineError(number, f"not valid UTF-8 (byte offset {exc.start})")
    if not line.strip():
        return LineError(number, "empty line")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return LineError(number, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return LineError(number, "not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        return LineError(number, 'no string "text" field')
    if _CONTROL.search(text):
        return LineError(number, "text contains control characters")
    doc_id = obj.get("id", number)
    if not isinstance(doc_id, str | int):
        return LineError(number, '"id" must be a string or an integer')
    return doc_id, text


def redacted_text(text: str, spans: Iterable[TextSpan]) -> str:
    parts: list[str] = []
    pos = 0
    for sp in spans:
        parts.append(text[pos : sp.start])
        parts.append(f"<{sp.label}>")
        pos = sp.end
    parts.append(text[pos:])
    return "".join(parts)


def _record(doc_id: Any, text: str, spans: list[TextSpan]) -> dict[str, Any]:
    return {"id": doc_id, "redacted": redacted_text(text, spans),
            "spans": [s.as_dict() for s in spans]}  # fmt: skip


_WORKER: PresidioDetector | None = None


def _init_worker(spacy_model: str, allow: tuple[str, ...]) -> None:
    global _WORKER
    _WORKER = PresidioDetector(spacy_model=spacy_model, allow_list=allow)


def _work(chunk: list[tuple[Any, str]]) -> list[dict[str, Any]]:
    assert _WORKER is not None
    spans = analyze_lines(_WORKER, chunk)
    return [_record(i, t, s) for (i, t), s in zip(chunk, spans, strict=True)]


def analyze_lines(detector: PresidioDetector, lines: list[tuple[Any, str]]) -> list[list[TextSpan]]:
    """Spans per line. Consecutive lines with the same id are the turns of one recording
    (``PresidioDetector.analyze_recording``: context across them, one value, one decision);
    every other line is a document of its own."""
    groups: list[list[int]] = []
    for k, (doc_id, _) in enumerate(lines):
        if groups and lines[groups[-1][0]][0] == doc_id:
            groups[-1].append(k)
        else:
            groups.append([k])
    out: list[list[TextSpan]] = [[] for _ in lines]
    singles = [g[0] for g in groups if len(g) == 1]
    for k, spans in zip(
        singles, detector.analyze_texts([lines[k][1] for k in singles]), strict=True
    ):
        out[k] = spans
    for g in groups:
        if len(g) > 1:
            for k, spans in zip(
                g, detector.analyze_recording([lines[k][1] for k in g]), strict=True
            ):
                out[k] = spans
    return out


def redact_lines(
    lines: Iterable[bytes],
    detector: PresidioDetector,
    *,
    workers: int = 1,
    max_bytes: int = MAX_LINE_BYTES,
) -> Iterator[dict[str, Any] | LineError]:
    """Yield an output record or a ``LineError`` per input line, in input order."""
    items = (parse_line(n, raw.rstrip(b"\r\n"), max_bytes) for n, raw in enumerate(lines, 1))
    chunks = _chunks(items)
    if workers <= 1:
        for chunk in chunks:
            yield from _run(chunk, detector)
        return
    detector.engine  # noqa: B018 - load once in the parent; forked workers share it
    ctx = mp.get_context("fork")
    allow = tuple(sorted(detector.allow_list))
    with ctx.Pool(workers, _init_worker, (detector.spacy_model, allow)) as pool:
        pairs = ((c, [x for x in c if not isinstance(x, LineError)]) for c in chunks)
        for chunk, recs in _zip_results(pairs, pool):
            it = iter(recs)
            for x in chunk:
                yield x if isinstance(x, LineError) else next(it)


def _zip_results(pairs: Iterator[tuple[list[Any], list[Any]]], pool: Any) -> Iterator[Any]:
    kept: list[list[Any]] = []

    def feed() -> Iterator[list[tuple[Any, str]]]:
        for chunk, good in pairs:
            kept.append(chunk)
            yield good

    for recs in pool.imap(_work, feed(), chunksize=1):
        yield kept.pop(0), recs


def _run(chunk: list[Any], detector: PresidioDetector) -> Iterator[dict[str, Any] | LineError]:
    good = [x for x in chunk if not isinstance(x, LineError)]
    spans = iter(analyze_lines(detector, good))
    for x in chunk:
        if isinstance(x, LineError):
            yield x
        else:
            yield _record(x[0], x[1], next(spans))


def _chunks(items: Iterator[Any]) -> Iterator[list[Any]]:
    """Chunks of about ``CHUNK`` lines; consecutive lines with one id stay in one chunk."""
    chunk: list[Any] = []
    for item in items:
        if len(chunk) >= CHUNK and _id(item) != _id(chunk[-1]):
            yield chunk
            chunk = []
        chunk.append(item)
    if chunk:
        yield chunk


def _id(item: Any) -> Any:
    return object() if isinstance(item, LineError) else item[0]  # a bad line joins nothing
