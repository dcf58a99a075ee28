"""Memory: peak RSS of ``redactor process`` on one long recording (target: <= 1.5 GB at 1 h).

The recording is the audio fixtures concatenated to ``--minutes`` (default 60), written as
16 kHz FLAC to a temporary folder (never committed), and processed by the real CLI with
tiny.en in a child process; its peak RSS comes from ``wait4`` (that child's own rusage). Given
several ``--minutes``, it also fits a line and reports the 60-minute estimate, which shows
how memory grows with length (the decoded audio is 3.8 MB a minute as float32).

    .venv/bin/python bench/bench_memory.py [--minutes 60] [--cli-args="--no-audio"]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, concatenated_speech, report

TARGET_MB = 1500.0


def peak_rss_mb(minutes: float, folder: Path, cli_args: list[str]) -> tuple[float, float, int]:
    import soundfile as sf

    path = folder / f"long_{minutes:g}min.flac"
    sf.write(path, concatenated_speech(minutes * 60), 16_000, subtype="PCM_16")
    cmd = [sys.executable, "-c", "from redactor.cli import main; main()"]
    cmd += ["process", str(path), "--store", str(folder / f"m{minutes:g}.db"), *cli_args]
    start = time.perf_counter()
    with (folder / "out.txt").open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    path.unlink()
    return usage.ru_maxrss / 1024, wall, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[60.0])
    parser.add_argument("--cli-args", default="", help="extra 'redactor process' arguments")
    args = parser.parse_args()
    sizes = sorted(args.minutes)
    measured = {}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        for minutes in sizes:
            measured[minutes] = peak_rss_mb(minutes, Path(tmp), args.cli_args.split())
            print(
                f"{minutes:g} min: peak {measured[minutes][0]:.0f} MB, {measured[minutes][1]:.0f} s,"
                f" exit {measured[minutes][2]}"
            )
    rows = []
    for minutes, (mb, wall, rc) in measured.items():
        target = f"<= {TARGET_MB:.0f}" if minutes == 60 else ""
        ok = (mb <= TARGET_MB and rc == 0) if minutes == 60 else None
        rows.append(Row(f"memory: peak RSS, {minutes:g}-min recording", mb, "MB", target, ok))
        rows.append(Row(f"memory: speed, {minutes:g}-min recording", minutes * 60 / wall, "xRT"))
    if len(sizes) > 1 and 60.0 not in measured:
        (m0, (r0, _, _)), (m1, (r1, _, _)) = (
            (sizes[0], measured[sizes[0]]),
            (sizes[-1], measured[sizes[-1]]),
        )
        slope = (r1 - r0) / (m1 - m0)
        est = r1 + slope * (60 - m1)
        rows.append(
            Row(
                "memory: peak RSS, 60 min (linear estimate)",
                est,
                "MB",
                f"<= {TARGET_MB:.0f}",
                est <= TARGET_MB,
            )
        )
        rows.append(Row("memory: growth per audio minute", slope, "MB"))
    report(
        "memory",
        rows,
        {
            "cli_args": args.cli_args,
            "runs": {
                str(k): {"peak_mb": v[0], "wall_s": v[1], "exit": v[2]} for k, v in measured.items()
            },
        },
    )


if __name__ == "__main__":
    main()
