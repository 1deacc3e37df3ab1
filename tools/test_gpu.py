"""`make test-gpu`: run every chapter on a CUDA GPU under nbval and write a log.

Every notebook executes with ``NNBOOK_DEVICE=cuda``; every assertion in it must
hold and every output that does not depend on the device must match the stored
one (tests/sanitize.cfg and tests/sanitize-gpu.cfg mask what legitimately
differs). The log goes to ``reports/`` with the date, GPU, torch and CUDA
versions, and each notebook's time and result.

A GPU machine may have no internet, so this never makes an environment: it uses
the Python that runs it (the one with CUDA torch) and installs only what is
missing, from local wheels in ``.whl/`` (``pip download`` them where there is a
network). With ``--dry-run`` the same steps run on the CPU and the log goes to
``_build/`` instead, so the command can be tried anywhere.

Usage: python tools/test_gpu.py [--dry-run] [--only STEM ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebooks import ROOT, notebooks  # noqa: E402

# import name -> distribution name, for everything the notebooks and nbval need
NEEDED = {
    "nbval": "nbval",
    "nbclient": "nbclient",
    "nbformat": "nbformat",
    "pytest": "pytest",
    "yaml": "pyyaml",
    "sklearn": "scikit-learn",
    "matplotlib": "matplotlib",
    "tqdm": "tqdm",
    "mnist1d": "mnist1d",
    "ipykernel": "ipykernel",
    "IPython": "ipython",
    "scipy": "scipy",
    "requests": "requests",
}
WHEELS = ROOT / ".whl"


def pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", *args],
        check=True,
    )


def install_missing() -> None:
    missing = [
        dist
        for module, dist in NEEDED.items()
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        if not WHEELS.is_dir():
            sys.exit(
                f"missing {missing} and no local wheels in {WHEELS}: pip download them there"
            )
        print(f"installing from {WHEELS}: {missing}", flush=True)
        pip("--find-links", str(WHEELS), *missing)
    if importlib.util.find_spec("nnbook") is None:
        print("installing the helpers from ./helpers", flush=True)
        pip("--no-deps", "--no-build-isolation", str(ROOT / "helpers"))


def sanitizers(gpu: bool, out: Path) -> Path:
    files = [ROOT / "tests" / "sanitize.cfg"] + (
        [ROOT / "tests" / "sanitize-gpu.cfg"] if gpu else []
    )
    out.write_text("\n".join(f.read_text() for f in files))
    return out


def environment(gpu: bool) -> dict:
    import torch

    info = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "device": "cpu (dry run)",
    }
    if gpu:
        info["device"] = torch.cuda.get_device_name(0)
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--dry-run", action="store_true", help="run on the CPU, log to _build/"
    )
    parser.add_argument(
        "--only", nargs="*", help="notebook stems to run (default: all)"
    )
    args = parser.parse_args()
    install_missing()
    import torch

    gpu = not args.dry_run
    if gpu and not torch.cuda.is_available():
        sys.exit(
            "no CUDA device is visible to torch; use DRY_RUN=1 to try the command on the CPU"
        )
    out_dir = ROOT / ("reports" if gpu else "_build")
    out_dir.mkdir(exist_ok=True)
    config = sanitizers(
        gpu,
        ROOT / "_build" / "sanitize-run.cfg"
        if not gpu
        else out_dir / ".sanitize-run.cfg",
    )
    env = {**os.environ, "NNBOOK_DEVICE": "cuda" if gpu else "cpu"}
    paths = [p for p in notebooks() if not args.only or p.stem in args.only]
    results = []
    for path in paths:
        start = time.perf_counter()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-o",
                "addopts=",
                "--nbval",
                "--nbval-current-env",
                "--nbval-sanitize-with",
                str(config),
                str(path),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = round(time.perf_counter() - start, 1)
        summary = (run.stdout.strip().splitlines() or [""])[-1]
        results.append(
            {
                "notebook": str(path.relative_to(ROOT)),
                "seconds": seconds,
                "passed": run.returncode == 0,
                "summary": summary,
            }
        )
        print(
            f"{seconds:6.1f} s  {'PASS' if run.returncode == 0 else 'FAIL'}  {path.stem}  ({summary})",
            flush=True,
        )
        if run.returncode != 0:
            print(run.stdout[-4000:], flush=True)
    config.unlink()
    record = {
        **environment(gpu),
        "results": results,
        "total_seconds": round(sum(r["seconds"] for r in results), 1),
        "all_passed": all(r["passed"] for r in results),
    }
    stem = "gpu-run" if gpu else "gpu-dry-run"
    (out_dir / f"{stem}.json").write_text(json.dumps(record, indent=2) + "\n")
    lines = [
        f"# {'GPU' if gpu else 'Dry (CPU)'} run of every notebook",
        "",
        f"- date: {record['date']}",
        f"- device: {record['device']}",
        f"- torch {record['torch']}, CUDA {record['cuda']}, Python {record['python']}",
        "",
        "| notebook | seconds | result |",
        "| --- | ---: | --- |",
    ]
    lines += [
        f"| {r['notebook']} | {r['seconds']} | {'passed' if r['passed'] else 'FAILED'} |"
        for r in results
    ]
    lines += [
        "",
        f"Total: {record['total_seconds']} s. All passed: {record['all_passed']}.",
    ]
    (out_dir / f"{stem}.md").write_text("\n".join(lines) + "\n")
    print(f"log written to {out_dir / stem}.md")
    return 0 if record["all_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
