"""`make test-gpu`: the claims tier on a CUDA GPU, and a log in ``reports/``.

Every chapter executes with ``NNBOOK_DEVICE=cuda`` in a fresh kernel: every cell
must run and every assertion in it must hold (each claim has a tolerance band, so
a GPU's rounding does not break it). Printed numbers that differ from the stored
CPU outputs are reported with their relative change, not failed. When the GPU
machine has the locked PyTorch, the device-independent outputs (everything but
floating-point numbers, outside cells tagged ``varies-by-build``) must match the
stored ones exactly; with another PyTorch they are reported too. See
tools/claims.py. The log (reports/gpu-run.md and .json) records the date, GPU,
torch and CUDA versions, each chapter's time and result, and the drift table.

A GPU machine may have no internet, so this never makes an environment: it uses
the Python that runs it (the one with CUDA torch) and installs only what is
missing, from local wheels in ``.whl/`` (``pip download`` them where there is a
network). With ``--dry-run`` the same steps run on the CPU and the log goes to
``_build/`` instead, so the command can be tried anywhere.

Usage: python -m tools.test_gpu [--dry-run] [--only STEM ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys

from .claims import locked_version
from .notebooks import ROOT

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
    locked = locked_version("torch")
    same_build = torch.__version__.split("+")[0] == locked
    if not same_build:
        print(
            f"torch {torch.__version__} here, {locked} in the lock: outputs that do not "
            "depend on the device are reported, not failed",
            flush=True,
        )
    command = [
        sys.executable,
        "-m",
        "tools.claims",
        "--device",
        "cuda" if gpu else "cpu",
        "--jobs",
        "1",  # one chapter at a time: the times in the log are honest
        "--out",
        str(ROOT / ("reports" if gpu else "_build")),
        "--name",
        "gpu-run" if gpu else "gpu-dry-run",
    ]
    command += ["--strict-text"] if same_build else []
    command += ["--only", *args.only] if args.only else []
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
