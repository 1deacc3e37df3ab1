"""The claims tier: run every chapter under some Python and PyTorch, and report.

Usage:
    python -m tools.claims [--device cpu|cuda] [--only STEM ...] [--jobs N]
                           [--strict-text] [--out DIR] [--name NAME] [NOTEBOOK ...]
    python -m tools.claims --make-env VENV --torch SPEC [--torchvision SPEC]

nbval (in ``make test``) holds the stored outputs to the last digit, which only
the locked build on a CPU can reproduce. This tier asks what a reader on another
build, or on a GPU, can rely on:

- every cell runs and every ``assert`` in it holds: those are the chapter's claims,
  each with a tolerance band, and a failure here is a failure of the book;
- every printed number that differs from the stored output is *reported* (old, new,
  relative change), not failed: trained weights round differently on every build;
- text that changed around the numbers (a word, a shape, a count) is reported too;
  with ``--strict-text`` it fails, outside cells tagged ``varies-by-build`` (cells that
  print counts which depend on training, such as errors per class). ``make test-gpu``
  uses it when the GPU machine has the locked PyTorch: the device-independent
  outputs must then match exactly.

The chapters run in the Python that runs this script (its kernel is that Python),
in fresh kernels, ``--jobs`` at a time. The log goes to ``--out`` as NAME.md (a
table per chapter, the failures, the drift table) and NAME.json.

``--make-env`` builds such a Python first: a virtual environment with uv, holding
the given torch and torchvision (``lower``: the lower bounds in requirements.txt;
``newest``: the newest release on the index; or a version), the helpers and what a
reader's notebook needs, each at the newest release that fits. ``make test-claims``
does both steps.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import configparser
import datetime as dt
import difflib
import json
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from .notebooks import ROOT, notebooks

NUMBER = re.compile(r"((?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)")
VARIES_TAG = "varies-by-build"
SKIP_TAGS = {"nbval-skip", "skip-execution"}
# What a reader's environment holds besides torch and torchvision (the helpers bring
# numpy, matplotlib, scikit-learn, tqdm, IPython and mnist1d), and what runs a kernel.
READER_PACKAGES = ["./helpers", "ipykernel", "nbclient", "nbformat", "pyyaml"]


# ----------------------------------------------------------------------------------
# Comparing outputs


def sanitizers(path: Path = ROOT / "tests" / "sanitize.cfg") -> list:
    """The (regex, replacement) pairs of an nbval sanitizer file."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return [
        (re.compile(parser[s]["regex"]), parser[s]["replace"])
        for s in parser.sections()
    ]


def shown_text(outputs: list, rules: list) -> str:
    """The text a reader sees in a cell's outputs (figures excluded), sanitised."""
    parts = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            parts.append(output.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            glued = output.get("metadata", {}).get("scrapbook")
            if glued:  # a value the text quotes: compare it too
                value = data.get(f"{glued['mime_prefix']}text/plain")
                if value is not None:
                    parts.append(f"\n[glue {glued['name']}] {value}\n")
            elif "text/plain" in data and "image/png" not in data:
                parts.append(data["text/plain"])
        elif kind == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    text = "".join(parts)
    for regex, replacement in rules:
        text = regex.sub(replacement, text)
    return text


def is_float(token: str) -> bool:
    return "." in token or "e" in token.lower()


def relative_change(old: str, new: str) -> float:
    a, b = float(old), float(new)
    if a == b:
        return 0.0
    return abs(b - a) / max(abs(a), 1e-300)


def compare(old: str, new: str) -> tuple[list, list]:
    """Differences between two output texts: (number changes, text changes).

    A number change is (old, new, relative change, is_float); a text change is
    (old snippet, new snippet) for anything else that differs. Lines are matched
    first, then the numbers within each pair of changed lines.
    """
    numbers, texts = [], []
    a_lines, b_lines = old.splitlines(), new.splitlines()
    lines = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    for op, i1, i2, j1, j2 in lines.get_opcodes():
        if op == "equal":
            continue
        if op != "replace" or i2 - i1 != j2 - j1:
            texts.append(
                ("\n".join(a_lines[i1:i2])[:200], "\n".join(b_lines[j1:j2])[:200])
            )
            continue
        for x_line, y_line in zip(a_lines[i1:i2], b_lines[j1:j2], strict=True):
            line_numbers, line_texts = compare_line(x_line, y_line)
            numbers += line_numbers
            texts += line_texts
    return numbers, texts


def compare_line(old: str, new: str) -> tuple[list, list]:
    """``compare`` for one line: pair its numbers, or report the line as changed."""
    a, b = NUMBER.split(old), NUMBER.split(new)
    if len(a) == len(b) and a[0::2] == b[0::2]:  # the same words around the numbers
        numbers = [
            (x, y, relative_change(x, y), is_float(x) or is_float(y))
            for x, y in zip(a[1::2], b[1::2], strict=True)
            if x != y
        ]
        return numbers, []
    return [], [(old[:200], new[:200])]


# ----------------------------------------------------------------------------------
# Running one chapter


def run_chapter(path: Path, device: str, strict_text: bool, timeout: int) -> dict:
    """Execute ``path`` in a fresh kernel; compare with its stored outputs."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from .execute import notebook_client, tidy_streams

    os.environ["NNBOOK_DEVICE"] = device
    if device == "cpu":
        from . import cpu_env

        cpu_env.pin()  # the code paths the stored outputs were made with
    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, path, timeout, skip_cells_with_tag="skip-execution")
    result = {
        "notebook": str(path.relative_to(ROOT))
        if path.is_relative_to(ROOT)
        else str(path),
        "passed": True,
        "error": None,
        "numbers": [],
        "texts": [],
    }
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        result["passed"] = False
        result["error"] = str(error)[-3000:]
    except Exception as error:  # a dead kernel, a timeout: still a failed chapter
        result["passed"] = False
        result["error"] = f"{type(error).__name__}: {error}"[-3000:]
    result["seconds"] = round(time.perf_counter() - start, 1)

    rules = sanitizers()
    code = 0
    for before, after in zip(stored.cells, nb.cells, strict=True):
        if before.cell_type != "code":
            continue
        code += 1
        tags = set(before.metadata.get("tags", []))
        if tags & SKIP_TAGS or "nbval-ignore-output" in tags:
            continue
        if result["error"] and after.execution_count is None:
            break  # not reached
        old = shown_text(before.outputs, rules)
        new = shown_text(tidy_streams(after.outputs), rules)
        numbers, texts = compare(old, new)
        varies = VARIES_TAG in tags
        for x, y, change, floating in numbers:
            result["numbers"].append(
                {
                    "cell": code,
                    "old": x,
                    "new": y,
                    "relative": change,
                    "float": floating,
                    "varies": varies,
                }
            )
        for x, y in texts:
            result["texts"].append({"cell": code, "old": x, "new": y, "varies": varies})
    result["cells"] = code
    if strict_text:
        fixed = [t for t in result["texts"] if not t["varies"]]
        fixed += [n for n in result["numbers"] if not n["float"] and not n["varies"]]
        if fixed:
            result["passed"] = False
            result["strict_failures"] = len(fixed)
    return result


# ----------------------------------------------------------------------------------
# The log


def environment(device: str) -> dict:
    import numpy
    import torch

    info = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "numpy": numpy.__version__,
        "device": device,
        "lock_torch": locked_version("torch"),
    }
    try:
        import torchvision

        info["torchvision"] = torchvision.__version__
    except Exception as error:  # noqa: BLE001 - reported, not raised
        info["torchvision"] = f"not importable ({type(error).__name__})"
    if device == "cuda" and torch.cuda.is_available():
        info["device"] = f"cuda ({torch.cuda.get_device_name(0)})"
    return info


def locked_version(package: str) -> str | None:
    lock = ROOT / "requirements-lock.txt"
    if not lock.exists():
        return None
    match = re.search(rf"^{package}==([^\s;]+)", lock.read_text(), re.M)
    return match.group(1) if match else None


def report_lines(record: dict, limit: int = 60) -> list[str]:
    env = record["environment"]
    results = record["results"]
    lines = [
        f"# Claims tier: torch {env['torch']} on {env['device']}",
        "",
        f"- date: {env['date']}",
        f"- Python {env['python']} ({env['machine']}), torch {env['torch']} "
        f"(CUDA {env['cuda']}), torchvision {env['torchvision']}, numpy {env['numpy']}",
        f"- stored outputs made with the lock's torch {env['lock_torch']} on the CPU",
        f"- strict text: {record['strict_text']}; {record['jobs']} chapter(s) at a time",
        "",
        "Every cell ran and every assert held where the result says passed. Numbers",
        "that differ from the stored outputs are listed, not failed.",
        "",
        "| chapter | seconds | result | numbers changed | largest relative change | other text changed |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        changes = [n["relative"] for n in r["numbers"]]
        largest = f"{max(changes):.3g}" if changes else ""
        verdict = "passed" if r["passed"] else "**FAILED**"
        lines.append(
            f"| {Path(r['notebook']).stem} | {r['seconds']} | {verdict} | "
            f"{len(changes)} | {largest} | {len(r['texts'])} |"
        )
    numbers = [n for r in results for n in r["numbers"]]
    lines += [
        "",
        f"Total: {record['total_seconds']} s. All passed: {record['all_passed']}. "
        f"Numbers changed: {len(numbers)}"
        + (
            f" (median relative change {sorted(n['relative'] for n in numbers)[len(numbers) // 2]:.2g})."
            if numbers
            else "."
        ),
    ]
    failed = [r for r in results if not r["passed"]]
    if failed:
        lines += ["", "## Failures", ""]
        for r in failed:
            lines += [f"### {Path(r['notebook']).stem}", ""]
            if r["error"]:
                lines += ["```", r["error"].strip(), "```", ""]
            if r.get("strict_failures"):
                lines.append(
                    f"{r['strict_failures']} device-independent output(s) changed "
                    "(strict text); see the tables below."
                )
                lines.append("")
    lines += ["", "## Numbers that changed", ""]
    if not numbers:
        lines.append("None.")
    for r in results:
        if not r["numbers"]:
            continue
        lines += [
            "",
            f"### {Path(r['notebook']).stem}",
            "",
            "| cell | old | new | relative change |",
            "| ---: | ---: | ---: | ---: |",
        ]
        for n in r["numbers"][:limit]:
            lines.append(
                f"| {n['cell']} | {n['old']} | {n['new']} | {n['relative']:.3g} |"
            )
        if len(r["numbers"]) > limit:
            lines.append(
                f"| | | | ... {len(r['numbers']) - limit} more in the JSON log |"
            )
    texts = [t for r in results for t in r["texts"]]
    lines += ["", "## Other text that changed", ""]
    if not texts:
        lines.append("None.")
    for r in results:
        for t in r["texts"][:limit]:
            old = t["old"].replace("\n", "\\n").replace("|", "\\|")
            new = t["new"].replace("\n", "\\n").replace("|", "\\|")
            lines.append(
                f"- {Path(r['notebook']).stem}, cell {t['cell']}: `{old}` -> `{new}`"
            )
    return lines


# ----------------------------------------------------------------------------------
# Making an environment


def requirement_bound(package: str) -> str:
    """The lower bound of ``package`` in requirements.txt (``torch>=2.2`` -> ``2.2``)."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    match = re.search(rf"^{package}>=([\w.]+)\s*$", text, re.M)
    if not match:
        raise ValueError(f"requirements.txt has no lower bound for {package}")
    return match.group(1)


def pin(package: str, spec: str | None) -> str:
    if spec in (None, "", "newest"):
        return package
    if spec == "lower":
        return f"{package}=={requirement_bound(package)}"
    if not re.fullmatch(r"\d+(\.\d+)*", spec):
        raise ValueError(f"--{package}: want lower, newest or a version, got {spec!r}")
    return f"{package}=={spec}"


def make_env(venv: Path, torch_spec: str, vision_spec: str | None, extra: list) -> Path:
    """A fresh venv at ``venv`` with the given torch/torchvision; returns its Python."""
    uv = Path(sys.executable).with_name("uv")
    if not uv.exists():
        sys.exit(f"uv is missing from {uv.parent}: run `make install` first")
    if vision_spec is None:
        vision_spec = torch_spec if torch_spec in ("lower", "newest") else "newest"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run(
            [str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)],
            check=True,
        )
    wanted = [pin("torch", torch_spec), pin("torchvision", vision_spec), *extra]
    print("installing into", venv, ":", " ".join(wanted), flush=True)
    subprocess.run(
        [
            str(uv),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(python),
            "--reinstall-package",
            "nnbook",
            *wanted,
            *READER_PACKAGES,
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "UV_INDEX_STRATEGY": "unsafe-best-match"},
    )
    return python


# ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all)")
    parser.add_argument("--only", nargs="*", help="chapter stems to run")
    parser.add_argument("--device", default="cpu", help="NNBOOK_DEVICE (cpu, cuda)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--strict-text", action="store_true")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "claims")
    parser.add_argument("--name", help="log file stem (default from torch and device)")
    parser.add_argument("--make-env", type=Path, metavar="VENV")
    parser.add_argument("--torch", help="with --make-env: lower, newest or a version")
    parser.add_argument("--torchvision", help="with --make-env (default: as --torch)")
    parser.add_argument("--extra", nargs="*", default=[], help="more requirements")
    args = parser.parse_args()

    if args.make_env:
        python = make_env(
            args.make_env, args.torch or "newest", args.torchvision, args.extra
        )
        rest = [str(a) for a in args.paths]
        for flag in ("only",):
            if getattr(args, flag):
                rest += [f"--{flag}", *getattr(args, flag)]
        rest += [
            "--device",
            args.device,
            "--jobs",
            str(args.jobs),
            "--timeout",
            str(args.timeout),
            "--out",
            str(args.out),
        ]
        rest += ["--strict-text"] if args.strict_text else []
        rest += ["--name", args.name] if args.name else []
        return subprocess.run([str(python), __file__, *rest], cwd=ROOT).returncode

    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    paths = [p.resolve() for p in args.paths] or notebooks()
    if args.only:
        unknown = set(args.only) - {p.stem for p in paths}
        if unknown:
            parser.error(f"--only: no chapter named {sorted(unknown)}")
        paths = [p for p in paths if p.stem in args.only]
    env = environment(args.device)
    print(
        f"claims tier: torch {env['torch']}, torchvision {env['torchvision']}, "
        f"numpy {env['numpy']}, Python {env['python']}, device {env['device']}; "
        f"{len(paths)} chapter(s), {args.jobs} at a time",
        flush=True,
    )
    results = {}
    context = multiprocessing.get_context("spawn")  # the parent may hold CUDA
    with concurrent.futures.ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
        futures = {
            pool.submit(run_chapter, p, args.device, args.strict_text, args.timeout): p
            for p in paths
        }
        for future in concurrent.futures.as_completed(futures):
            r = future.result()
            results[futures[future]] = r
            print(
                f"{r['seconds']:6.1f} s  {'PASS' if r['passed'] else 'FAIL'}  "
                f"{Path(r['notebook']).stem}: {len(r['numbers'])} numbers changed, "
                f"{len(r['texts'])} other changes",
                flush=True,
            )
            if r["error"]:
                print(r["error"][-1500:], flush=True)
    ordered = [results[p] for p in paths]
    record = {
        "environment": env,
        **{k: env[k] for k in ("date", "device", "torch", "cuda", "python")},
        "strict_text": args.strict_text,
        "jobs": args.jobs,
        "results": ordered,
        "total_seconds": round(sum(r["seconds"] for r in ordered), 1),
        "all_passed": all(r["passed"] for r in ordered),
    }
    name = args.name or f"claims-torch-{env['torch'].split('+')[0]}-{args.device}"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.json").write_text(json.dumps(record, indent=1) + "\n")
    (args.out / f"{name}.md").write_text("\n".join(report_lines(record)) + "\n")
    print(f"log written to {args.out / name}.md; all passed: {record['all_passed']}")
    return 0 if record["all_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
