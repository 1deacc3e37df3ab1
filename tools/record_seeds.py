"""Re-record the multi-seed tables of the MNIST-1D chapters from real runs.

Usage: python -m tools.record_seeds [STEM ...]   (then `make outputs`)

The MNIST-1D chapters quote more training runs than they can afford to run live
(a chapter must run within 30 seconds): the comparison and the shuffled chapter 5
seeds of each model, whose range fixes their bands; *Beyond the table* 16 seeds of
its recipe; the ablation 8 seeds of each of its 16 runs. A chapter runs seed 0 live
(the ablation only some of its runs) and holds the rest in a ``RECORDED = {...}``
literal. This tool produces that literal: it executes the chapter up to the cell
holding it, runs every seed in the same kernel with the chapter's own training
functions, and writes the table into the cell, with a comment naming the PyTorch
build and device it came from. Nothing in the table is typed by hand, and
``tests/test_recorded.py`` checks that the runs a chapter makes live equal their
recorded values under the lock.

Run it on the CPU with the lock installed (``make seeds``; ``make outputs`` does the
rest); all four chapters take about ten minutes on one core.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from . import cpu_env
from .notebooks import ROOT

RECORDERS = {
    "mnist1d-benchmark": """
import json
table = {name: [] for name in MODELS}
for seed in range(5):
    for name, make_model in MODELS.items():
        _, _, test = train_and_test(make_model, X_train, y_train, X_test, y_test,
                                    seed=seed, device=device, **TABLE_BUDGET)
        table[name].append(round(test, 3))
print(json.dumps(table))
""",
    "mnist1d-shuffled": """
import json
table = {name: [] for name in MODELS}
for seed in range(5):
    for name, make_model in MODELS.items():
        _, _, test = train_and_test(make_model, X_train_shuffled, y_train,
                                    X_test_shuffled, y_test, seed=seed, device=device,
                                    **TABLE_BUDGET)
        table[name].append(round(test, 3))
print(json.dumps(table))
""",
    # Code run after the chapter's cells up to the RECORDED cell; it prints one JSON
    # object, the new table.
    "mnist1d-ablation": """
import json
runs = {"baseline": BASELINE, "recipe": RECIPE}
for name, key in CHANGES.items():
    runs[f"+ {name}"] = BASELINE | {key: RECIPE[key]}
    runs[f"- {name}"] = RECIPE | {key: BASELINE[key]}
table = {run: [] for run in runs}
for seed in range(8):
    for run, settings in runs.items():
        model, _ = train_variant(settings, split.X_train, split.y_train, seed=seed,
                                 device=device, **RECIPE_BUDGET)
        table[run].append(round(accuracy_of(test_correct(model)), 3))
print(json.dumps(table))
""",
    "mnist1d-beyond": """
import json
table = {}
for seed in range(16):
    model, _ = train_variant(RECIPE, split.X_train, split.y_train, seed=seed,
                             device=device, **RECIPE_BUDGET)
    table[seed] = round(test_accuracy(model), 3)
print(json.dumps(table))
""",
}
START = re.compile(r"^RECORDED = \{[^\n]*\n", re.M)


def recorded_cell(nb) -> int:
    """Index of the cell that holds the ``RECORDED`` literal."""
    found = [i for i, c in enumerate(nb.cells) if START.search(c.source)]
    if len(found) != 1:
        raise ValueError(f"expected one cell with a RECORDED literal, found {found}")
    return found[0]


def literal_span(source: str) -> tuple[int, int]:
    """Start and end offsets of the ``RECORDED = {...}`` statement in ``source``."""
    start = START.search(source).start()
    end = source.index("\n}\n", start) + 3
    return start, end


def recorded_table(source: str) -> dict:
    """The value of the ``RECORDED`` literal in a cell's source."""
    start, end = literal_span(source)
    namespace: dict = {}
    exec(source[start:end], namespace)  # a literal of numbers and strings only
    return namespace["RECORDED"]


def wrap(items: list[str], indent: str = "    ", width: int = 88) -> list[str]:
    """Join items with ", " into lines of at most ``width`` columns."""
    lines, line = [], ""
    for item in items:
        candidate = f"{line} {item}," if line else f"{indent}{item},"
        if len(candidate) > width and line:
            lines.append(line)
            candidate = f"{indent}{item},"
        line = candidate
    return lines + [line]


WHAT = {  # what the rows of each chapter's table are
    "mnist1d-benchmark": "model",
    "mnist1d-shuffled": "model on shuffled positions",
    "mnist1d-ablation": "run",
}


def format_literal(table: dict, build: str, what: str = "run") -> str:
    """The ``RECORDED = {...}`` statement for ``table``, one key per line where it fits."""
    first = next(iter(table.values()))
    if isinstance(first, list):
        count = len(first)
        head = f"RECORDED = {{  # test accuracy of every {what} for seeds 0 to {count - 1},"
        body = [f"    {json.dumps(k)}: {json.dumps(v)}," for k, v in table.items()]
    else:
        head = f"RECORDED = {{  # the recipe's test accuracy for seeds 0 to {len(table) - 1},"
        body = wrap([f"{k}: {v}" for k, v in table.items()])
    comment = f"    # by tools/record_seeds.py with {build}"
    return "\n".join([head, comment, *body, "}"]) + "\n"


def record(stem: str) -> dict:
    path = ROOT / "book" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    index = recorded_cell(nb)
    run = nbformat.v4.new_notebook(metadata=nb.metadata)
    run.cells = [copy.deepcopy(c) for c in nb.cells[:index] if c.cell_type == "code"]
    run.cells.append(new_code_cell(RECORDERS[stem]))
    run.cells.append(
        new_code_cell(
            "import os, platform\npaths = os.environ.get('ATEN_CPU_CAPABILITY')\n"
            "print(f'torch {torch.__version__} on the '"
            "\n      f'{device.type.upper()} ({platform.machine()}'"
            "\n      + (f', {paths}' if paths else '') + ')')"
        )
    )
    NotebookClient(
        run,
        timeout=3600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    table = json.loads(run.cells[-2].outputs[-1].text.strip().splitlines()[-1])
    if stem == "mnist1d-beyond":
        table = {int(k): v for k, v in table.items()}
    build = run.cells[-1].outputs[-1].text.strip()
    cell = nb.cells[index]
    start, end = literal_span(cell.source)
    literal = format_literal(table, build, WHAT.get(stem, "run"))
    cell.source = cell.source[:start] + literal + cell.source[end:]
    nbformat.write(nb, path)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stems", nargs="*", default=list(RECORDERS))
    args = parser.parse_args()
    os.environ.setdefault("NNBOOK_DEVICE", "cpu")
    cpu_env.pin()  # as make outputs runs the chapters
    for stem in args.stems:
        if stem not in RECORDERS:
            sys.exit(f"stems: {stem!r} has no recorder; choose from {list(RECORDERS)}")
        table = record(stem)
        print(f"{stem}: recorded {len(table)} rows")


if __name__ == "__main__":
    main()
