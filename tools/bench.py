"""How long every chapter takes to run (``make bench``): a benchmark, not a test.

Usage: python -m tools.bench [--out DIR] [--name NAME] [--repeat N] [NOTEBOOK ...]

Every chapter runs top to bottom in a fresh kernel, one at a time (so the times are
not shared between chapters), with the environment that runs this script (``make
bench``: the lock), ``NNBOOK_DEVICE=cpu`` and the CPU code paths of tools/cpu_env.py,
as ``make outputs`` runs them, but nothing is written back to the notebooks. The
kernel's start is part of a chapter's time: a reader waits for it too. Where this
process may create a network namespace (``unshare``, as root on Linux), the run has
no network at all, and the report says so.

The report, NAME.md and NAME.json in DIR (default ``reports/bench-cpu``), gives the
seconds of every chapter and the total, the machine, and the targets: every chapter
within ``CHAPTER_TARGET`` seconds, the book within ``BOOK_TARGET``. With
``--repeat N`` each chapter runs N times and the median is kept; ``--before FILE``
(an earlier report's .json) shows its times beside the new ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from . import cpu_env
from .execute import notebook_client
from .notebooks import ROOT, notebooks

CHAPTER_TARGET = 30.0  # seconds, on a 2-core CPU
BOOK_TARGET = 240.0


def run_chapter(path: Path, timeout: int = 600) -> float:
    """Seconds to run ``path`` in a fresh kernel, kernel start included."""
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, path, timeout)
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def warm_up() -> None:
    """Start one kernel that imports what every chapter imports, untimed, so that
    the first chapter does not pay alone for reading the libraries from disk."""
    cell = nbformat.v4.new_code_cell("import matplotlib.pyplot, torch, nnbook")
    nb = nbformat.v4.new_notebook(cells=[cell])
    notebook_client(nb, ROOT / "book" / "warm-up.ipynb", 300).execute()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    import torch  # the torch the kernels use: the same Python runs them

    return {
        "date": dt.date.today().isoformat(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "cpu_pins": "AVX2 (tools/cpu_env.py)" if cpu_env.applies() else "native",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "network": "none (own network namespace)"
        if os.environ.get("NNBOOK_BENCH_OFFLINE") == "1"
        else "not isolated",
    }


def offline_command(argv: list[str]) -> list[str] | None:
    """This command again inside a new network namespace with only loopback up."""
    unshare = shutil.which("unshare")
    if not unshare or not sys.platform.startswith("linux"):
        return None
    inner = "ip link set lo up 2>/dev/null || true; exec " + " ".join(
        f"'{a}'" for a in argv
    )
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        return None
    return [unshare, "-n", "sh", "-c", inner]


def markdown(record: dict, previous: dict | None) -> str:
    info = record["machine"]
    lines = [
        "# Chapter times (`make bench`)",
        "",
        f"{info['date']}: {info['cpu']}, {info['cpu_count']} CPUs ({info['machine']}), "
        f"CPU code paths {info['cpu_pins']}; Python {info['python']}, torch "
        f"{info['torch']}; network: {info['network']}. Each chapter in a fresh kernel, "
        f"one at a time, kernel start included (after one untimed warm-up kernel); "
        f"median of {record['repeat']} run(s).",
        "",
        f"Targets: every chapter within {CHAPTER_TARGET:.0f} s, the book within "
        f"{BOOK_TARGET:.0f} s.",
        "",
    ]
    old = previous["seconds"] if previous else {}
    header = "| chapter | seconds |" + (" before |" if old else "") + " within target |"
    lines += [header, "| --- | ---: |" + (" ---: |" if old else "") + " --- |"]
    for name, seconds in record["seconds"].items():
        before = f" {old[name]:.1f} |" if name in old else (" |" if old else "")
        ok = "yes" if seconds <= CHAPTER_TARGET else "**no**"
        lines.append(f"| {name} | {seconds:.1f} |{before} {ok} |")
    total = record["total"]
    before = f" {previous['total']:.1f} |" if old else ""
    ok = "yes" if total <= BOOK_TARGET else "**no**"
    lines.append(f"| **total** | **{total:.1f}** |{before} {ok} |")
    if previous:
        lines += [
            "",
            f"Before: {previous['machine']['date']}, "
            f"torch {previous['machine']['torch']}.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    parser.add_argument("--name", default="bench-cpu")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--before", type=Path, help="an earlier report's .json")
    parser.add_argument(
        "--no-isolate",
        action="store_true",
        help="keep the network (by default it is cut where possible)",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not args.no_isolate and os.environ.get("NNBOOK_BENCH_OFFLINE") != "1":
        command = offline_command([sys.executable, "-m", "tools.bench", *sys.argv[1:]])
        if command:
            env = {**os.environ, "NNBOOK_BENCH_OFFLINE": "1"}
            sys.exit(subprocess.run(command, cwd=ROOT, env=env).returncode)
        print(
            "bench: no network namespace here; the run keeps the network",
            file=sys.stderr,
        )
    os.environ.setdefault("NNBOOK_DEVICE", "cpu")
    cpu_env.pin()  # before the kernels start: they inherit it
    paths = [p.resolve() for p in args.paths] or notebooks()
    warm_up()
    seconds = {}
    for path in paths:
        runs = [run_chapter(path) for _ in range(args.repeat)]
        name = str(path.relative_to(ROOT))
        seconds[name] = round(statistics.median(runs), 1)
        flag = "" if seconds[name] <= CHAPTER_TARGET else "  (over target)"
        print(f"{seconds[name]:6.1f} s  {name}{flag}", flush=True)
    total = round(sum(seconds.values()), 1)
    print(f"{total:6.1f} s  total (target {BOOK_TARGET:.0f} s)")
    record = {
        "machine": machine(),
        "repeat": args.repeat,
        "seconds": seconds,
        "total": total,
        "chapter_target": CHAPTER_TARGET,
        "book_target": BOOK_TARGET,
    }
    previous = json.loads(args.before.read_text()) if args.before else None
    if previous:
        record["before"] = {k: previous[k] for k in ("machine", "seconds", "total")}
    json_path = args.out / f"{args.name}.json"
    args.out.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{args.name}.md").write_text(
        markdown(record, previous), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
