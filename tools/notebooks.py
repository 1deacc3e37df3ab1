"""Shared helpers of the tools and tests: find the book's notebooks, read the config."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def config() -> dict:
    """The parsed ``_config.yml``."""
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def repo_url() -> str:
    return config()["repository"]["url"].rstrip("/")


def version() -> str:
    return str(config()["sphinx"]["config"]["release"])


def toc_files() -> list[str]:
    """Every file listed in ``_toc.yml`` (without suffix), in reading order."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:-\s*file|root):\s*(\S+)", text, flags=re.M)


def notebooks() -> list[Path]:
    """The chapter notebooks, in reading order."""
    paths = [ROOT / f"{name}.ipynb" for name in toc_files()]
    return [p for p in paths if p.exists()]


SETUP_TEMPLATE = """\
# Setup, the same in every chapter: install the book's helpers if they are
# missing (in Colab, say), seed the random number generators, pick a device.
import importlib.util
import subprocess
import sys

REPO = "{repo}"
VERSION = "{version}"
if importlib.util.find_spec("nnbook") is None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet",
         f"nnbook @ git+{{REPO}}@v{{VERSION}}#subdirectory=helpers"],
        check=True,
    )

import matplotlib.pyplot as plt
import torch
from torch import nn

from nnbook import pick_device, seed_everything

generator = seed_everything(0)
device = pick_device()
torch.set_num_threads(1)  # the book's small models run fastest on one CPU thread
print(f"device: {{device}}")"""


# The sentence of every title cell that announces the folded setup cell below it.
SETUP_SENTENCE = (
    "The folded cell below sets the chapter up: it installs the book's helpers if "
    "they\nare missing, seeds the random number generators and chooses where to "
    "compute (*Show\ncode* opens it)."
)


def setup_cell_source() -> str:
    """The setup cell every chapter starts with, filled from ``_config.yml``."""
    return SETUP_TEMPLATE.format(repo=repo_url(), version=version())


EXERCISE = re.compile(r"^:{3,}\{exercise\}[^\n]*\n:label:\s*([\w-]+)", re.M)
SOLUTION_START = re.compile(
    r"^(:{3,})\{solution-start\}\s*([\w-]+)\s*\n:class:\s*dropdown\s*\n\1\s*$"
)
SOLUTION_END = re.compile(r"^(:{3,})\{solution-end\}\s*\n\1\s*$")


@dataclass
class Exercise:
    """An exercise's cells: the stub, the solution cells and the check."""

    label: str
    stub: str
    solutions: list[str]
    check: str
    check_outputs: list


def exercises(nb) -> list[Exercise]:
    """Parse the exercises of a notebook, insisting on the book's pattern:
    exercise directive, stub cell, solution-start, solution cell(s), solution-end,
    check cell. Raises ValueError, naming the label, where the pattern breaks."""
    found = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        match = EXERCISE.search(cell.source) if cell.cell_type == "markdown" else None
        if not match:
            continue
        label = match.group(1)
        try:
            stub, start = cells[i + 1], cells[i + 2]
            if (
                stub.cell_type != "code"
                or "raise NotImplementedError" not in stub.source
            ):
                raise ValueError(
                    "the cell after the exercise must be a stub raising NotImplementedError"
                )
            start_match = SOLUTION_START.match(start.source.strip())
            if (
                start.cell_type != "markdown"
                or not start_match
                or start_match.group(2) != label
            ):
                raise ValueError(
                    "the stub must be followed by a dropdown solution-start for this label"
                )
            j = i + 3
            solutions = []
            while cells[j].cell_type == "code":
                solutions.append(cells[j].source)
                j += 1
            if not solutions or not SOLUTION_END.match(cells[j].source.strip()):
                raise ValueError("solution code cells must be followed by solution-end")
            check = cells[j + 1]
            if check.cell_type != "code" or "check_" not in check.source:
                raise ValueError("solution-end must be followed by a check cell")
        except IndexError:
            raise ValueError(
                f"exercise {label}: the notebook ends before the pattern does"
            ) from None
        except ValueError as exc:
            raise ValueError(f"exercise {label}: {exc}") from None
        found.append(
            Exercise(
                label, stub.source, solutions, check.source, check.get("outputs", [])
            )
        )
    return found


# ----------------------------------------------------------------------------------
# Folded cells: the lesson first. The site shows a "Show code" toggle for a cell
# tagged hide-input, and its output stays visible.

FOLD_TAG = "hide-input"
EXERCISE_TAGS = {"exercise-stub", "solution", "exercise-check"}
PLOTTING = re.compile(r"\bplt\.|\bfig\b|\bax\w*\.|\baxes\b")
CLAIMS = re.compile(r"\bassert\b|\bglue\(|\bprint\(|autograd|\.backward\(")
FOLD_LINES = 15  # plotting code longer than this is folded


def fold_problems(nb, taught: set[str] = frozenset()) -> list[str]:
    """Where a notebook breaks the folding rules (an empty list if nowhere).

    Folded: the setup cell, the cells of the exercise section that build the
    checks' cases, and plotting cells longer than FOLD_LINES lines that assert,
    glue and print nothing. A sentence mentioning "the folded cell below" comes
    right before each folded cell. Never folded: stubs, solutions, checks, and
    cells that define one of ``taught`` (the helpers that a chapter teaches).
    """
    from .helper_sources import cell_definitions

    problems = []
    cells = nb.cells
    if FOLD_TAG not in cells[1].metadata.get("tags", []):
        problems.append("the setup cell is not folded")
    if SETUP_SENTENCE not in cells[0].source:
        problems.append("the title cell does not announce the folded setup cell")
    in_exercises = False
    for i, cell in enumerate(cells[2:], start=2):
        if cell.cell_type == "markdown" and re.search(
            r"^## Exercises", cell.source, re.M
        ):
            in_exercises = True
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        where = (
            f"cell {i} ({cell.source.splitlines()[0][:50] if cell.source else ''!r})"
        )
        folded = FOLD_TAG in tags
        if folded and (tags & EXERCISE_TAGS or set(cell_definitions(cell)) & taught):
            problems.append(f"{where}: exercises and taught helpers stay open")
            continue
        lines = len(cell.source.splitlines())
        should = (in_exercises and not tags - {FOLD_TAG}) or (
            lines > FOLD_LINES
            and PLOTTING.search(cell.source)
            and not CLAIMS.search(cell.source)
            and not set(cell_definitions(cell)) & taught
        )
        if should and not folded:
            problems.append(f"{where}: should be folded (tag {FOLD_TAG})")
        if folded:
            before = cells[i - 1]
            sentence = " ".join(before.source.split())
            if before.cell_type != "markdown" or "folded cell" not in sentence:
                problems.append(f"{where}: no sentence before it says what it does")
    return problems
