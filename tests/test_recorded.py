"""The multi-seed tables of the MNIST-1D chapters were produced by the locked build.

The four MNIST-1D chapters hold results of more seeds than they run live, in a
``RECORDED`` literal written by tools/record_seeds.py. The chapters' asserts only
ask that a live run falls within the recorded range or band (another build or a GPU
rounds differently). Here, on the lock, the runs the chapters do make live must
equal their recorded values exactly: otherwise the table came from another build,
or was edited by hand. nbval keeps the stored outputs equal to the live runs.
"""

from __future__ import annotations

import ast
import re

import nbformat

from tools.notebooks import ROOT
from tools.record_seeds import recorded_cell, recorded_table
from tools.student import glued_values


def chapter(stem: str):
    nb = nbformat.read(ROOT / "book" / f"{stem}.ipynb", as_version=4)
    return nb, recorded_table(nb.cells[recorded_cell(nb)].source)


def test_the_ablation_seed_0_column_is_the_live_run():
    nb, table = chapter("mnist1d-ablation")
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    slugs = ast.literal_eval(re.search(r"SLUGS = (\{.*?\})", source, re.S).group(1))
    values = glued_values(nb)
    live = {
        "baseline": values["mnist1d-ablation-baseline"],
        "recipe": values["mnist1d-ablation-recipe"],
    }
    for name, slug in slugs.items():
        live[f"+ {name}"] = values[f"mnist1d-ablation-add-{slug}"]
        live[f"- {name}"] = values[f"mnist1d-ablation-remove-{slug}"]
    assert set(live) == set(table) and all(len(v) == 8 for v in table.values())
    for run, value in live.items():
        assert round(float(value), 3) == table[run][0], run


def test_the_recipe_seed_run_live_is_the_recorded_one():
    nb, table = chapter("mnist1d-beyond")
    assert list(table) == list(range(16))
    live = glued_values(nb)["mnist1d-beyond-recipe-accuracy"]
    assert round(float(live), 3) == table[0]


def slug(name: str) -> str:
    return name.replace(" ", "-").lower()


def test_the_tables_seed_0_column_is_the_live_run():
    for stem, glued in [
        ("mnist1d-benchmark", "mnist1d-benchmark-{}-accuracy"),
        ("mnist1d-shuffled", "mnist1d-shuffled-{}-shuffled"),
    ]:
        nb, table = chapter(stem)
        values = glued_values(nb)
        assert list(table) == ["logistic regression", "MLP", "CNN", "GRU"], stem
        for name, seeds in table.items():
            assert len(seeds) == 5, (stem, name)
            assert round(float(values[glued.format(slug(name))]), 3) == seeds[0], name


def test_the_shuffled_chapter_trains_the_ordered_models_of_the_comparison():
    """One home for the code: the same function, seed and data give the same runs."""
    comparison = glued_values(chapter("mnist1d-benchmark")[0])
    shuffled = glued_values(chapter("mnist1d-shuffled")[0])
    for name in ("logistic regression", "MLP", "CNN"):
        key = slug(name)
        ordered = shuffled[f"mnist1d-shuffled-{key}-ordered"]
        assert ordered == comparison[f"mnist1d-benchmark-{key}-accuracy"], name


def test_the_ablation_quotes_the_runs_of_beyond_the_table():
    """The ablation's baseline is trained live in both chapters, its recipe row
    comes from the same runs as Beyond the table's recipe seeds."""
    ablation, ablation_table = chapter("mnist1d-ablation")
    beyond, beyond_table = chapter("mnist1d-beyond")
    values = glued_values(beyond)
    assert ablation_table["recipe"] == [beyond_table[seed] for seed in range(8)]
    live = glued_values(ablation)["mnist1d-ablation-baseline"]
    assert round(float(live), 3) == round(
        float(values["mnist1d-beyond-baseline-accuracy"]), 3
    )
