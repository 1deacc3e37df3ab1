"""Execute notebooks in place (``make outputs``) and record how long each took.

Usage: python -m tools.execute [--timings FILE] [NOTEBOOK ...]

Every notebook runs in a fresh kernel with its folder as the working
directory, ``NNBOOK_DEVICE`` as set by the caller (``make outputs`` sets
``cpu``) and the CPU code paths of tools/cpu_env.py, so the stored outputs are
the ones nbval reproduces.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from . import cpu_env
from .notebooks import ROOT, notebooks


def tidy_streams(outputs: list) -> list:
    """Merge consecutive stream outputs and keep only what a terminal would show.

    A progress bar redraws its line with carriage returns; stored as it came,
    every redraw would be a separate line on the site.
    """
    tidied: list = []
    for output in outputs:
        previous = tidied[-1] if tidied else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            tidied.append(output)
    for output in tidied:
        if output.output_type == "stream":
            lines = output.text.split("\n")
            output.text = "\n".join(line.rsplit("\r", 1)[-1] for line in lines)
    return tidied


def notebook_client(nb, path: Path, timeout: int, **options) -> NotebookClient:
    """An nbclient runner for ``nb`` (read from ``path``), in the folder of ``path``."""
    return NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        **options,
    )


def execute(path: Path, timeout: int = 300) -> float:
    """Run ``path`` top to bottom, save it with fresh outputs, return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, path, timeout)
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = tidy_streams(cell.outputs)
    nbformat.write(nb, path)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument(
        "--timings", type=Path, help="write the times to this JSON file"
    )
    args = parser.parse_args()
    cpu_env.pin()  # the kernels inherit it
    paths = [p.resolve() for p in args.paths] or notebooks()
    times = {}
    for path in paths:
        seconds = execute(path)
        name = str(path.relative_to(ROOT))
        times[name] = round(seconds, 1)
        print(f"{seconds:6.1f} s  {name}", flush=True)
    print(f"{sum(times.values()):6.1f} s  total")
    if args.timings:
        if (
            args.timings.exists() and args.paths
        ):  # a partial run updates the others' times
            times = {**json.loads(args.timings.read_text())["seconds"], **times}
        order = [str(p.relative_to(ROOT)) for p in notebooks()]  # reading order
        times = {name: times[name] for name in order if name in times}
        record = {
            "device": os.environ.get("NNBOOK_DEVICE", "auto"),
            "cpu_count": os.cpu_count(),
            "machine": platform.machine(),
            "python": platform.python_version(),
            "seconds": times,
        }
        args.timings.parent.mkdir(parents=True, exist_ok=True)
        args.timings.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
