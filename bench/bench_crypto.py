"""What encrypting everything of a recording costs: process, show and the viewer page, with the
bodies sealed (as stored) and with sealing switched off in this process (the A/B baseline).

Each variant runs on its own fresh SQLite store; the variants alternate, ``--repeat`` rounds,
and the median of each is reported. Target: the sealed variant is within 5% of the plain one.

    .venv/bin/python bench/bench_crypto.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import FIXTURES, Row, report

CALL = FIXTURES / "meeting_zoom.vtt"


@contextmanager
def plain() -> Iterator[None]:
    """Sealing off: bodies are stored and read as they are (what the store did before)."""
    import redactor.store.artifacts as arts
    import redactor.store.writing as writing

    saved = (arts.seal, arts.is_sealed, writing.seal)
    arts.seal = writing.seal = lambda key, body, rid: body  # type: ignore[assignment]
    arts.is_sealed = lambda body: False  # type: ignore[assignment]
    try:
        yield
    finally:
        arts.seal, arts.is_sealed, writing.seal = saved


def measure(sealed: bool, detector: object, tmp: Path, n: int) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from redactor.auth import create_token
    from redactor.formats import render
    from redactor.pipelines import LocalPipeline
    from redactor.store import open_store
    from redactor.types import RecordingMeta
    from redactor.web import create_app

    with nullcontext() if sealed else plain():
        st = open_store(str(tmp / f"s{n}-{sealed}" / "redactor.db"))
        pipe = LocalPipeline(store=st, detector=detector)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        result = pipe.process_file(CALL, RecordingMeta(host="acme", recording_id="call-1"))
        t_process = time.perf_counter() - t0
        assert result.status == "done", result

        def show() -> None:
            red = st.artifacts.redacted_transcript("call-1", "support")
            render(red, "call-1", "json")

        t_show = _best(show, 50)
        token = create_token(st, role="support", name="bench")
        client = TestClient(create_app(st, allowed_hosts=["testserver"]))
        client.post("/login", data={"token": token})  # the viewer's session cookie

        def page() -> None:
            r = client.get("/recordings/call-1?ticket=SUP-1")
            assert r.status_code == 200, r.status_code

        t_page = _best(page, 20)
        st.close()
    return {"process": t_process, "show": t_show, "page": t_page}


def _best(fn: Callable[[], None], times: int) -> float:
    """Median of ``times`` calls, in seconds."""
    laps = []
    for _ in range(times):
        t0 = time.perf_counter()
        fn()
        laps.append(time.perf_counter() - t0)
    return statistics.median(laps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    from redactor.detect import Detector

    detector = Detector()
    detector.analyze_texts(["warm up"])
    got: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            for sealed in (n % 2 == 0, n % 2 != 0):  # alternate which goes first
                for k, v in measure(sealed, detector, Path(tmp), n).items():
                    got[sealed].setdefault(k, []).append(v)
    rows = []
    info = {}
    for k in ("process", "show", "page"):
        on, off = statistics.median(got[True][k]), statistics.median(got[False][k])
        ratio = on / off
        info[k] = {"sealed_s": on, "plain_s": off}
        rows.append(Row(f"{k}: sealed / plain", ratio, "x", "<= 1.05", ratio <= 1.05))
        print(f"{k}: sealed {on * 1000:.2f} ms, plain {off * 1000:.2f} ms")
    report("crypto", rows, info)


if __name__ == "__main__":
    main()
