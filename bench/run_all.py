"""Run every ``bench/bench_*.py`` and print one table of targets vs measured numbers.

Each script writes ``bench/results/<name>.json`` (see ``common.py``); this collects them into
``bench/results/all.json`` with the machine they ran on. ``bench/results/`` is gitignored.
Pass ``--only transcribe scaling`` to run some, ``--quick`` for shorter settings, and extra
arguments for one script as ``--args memory=--minutes 5 15``.

    .venv/bin/python bench/run_all.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, ROOT, Row, machine, table

BENCH = Path(__file__).resolve().parent
QUICK = {
    "transcribe": ["--repeat", "1", "--long-s", "120"],
    "scaling": ["--files", "4", "--seconds", "30"],
    "memory": ["--minutes", "5", "15"],
    "spoken": ["--only", "6"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--args", action="append", default=[], metavar="NAME=ARGS")
    args = parser.parse_args()
    extra = {k: v.split() for k, v in (a.split("=", 1) for a in args.args)}
    scripts = sorted(BENCH.glob("bench_*.py"))
    names = [s.stem.removeprefix("bench_") for s in scripts]
    chosen = [n for n in names if args.only is None or n in args.only]
    rows: list[Row] = []
    runs = {}
    for name in chosen:
        argv = extra.get(name, QUICK.get(name, []) if args.quick else [])
        print(f"== {name} {' '.join(argv)}", flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(BENCH / f"bench_{name}.py"), *argv], check=False)
        runs[name] = {"argv": argv, "exit": proc.returncode, "wall_s": time.perf_counter() - start}
        result = RESULTS / f"{name}.json"
        if proc.returncode == 0 and result.is_file():
            rows.extend(Row(**r) for r in json.loads(result.read_text())["rows"])
        else:
            rows.append(Row(f"{name}: did not finish (exit {proc.returncode})", float("nan"), ""))
    print()
    print(table(rows))
    out = RESULTS / "all.json"
    out.write_text(
        json.dumps(
            {"machine": machine(), "runs": runs, "rows": [r.__dict__ for r in rows]}, indent=2
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")
    failed = [r.metric for r in rows if r.ok is False]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
