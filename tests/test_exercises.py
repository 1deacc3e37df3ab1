"""Every exercise: the stub is 'not attempted', plausible wrong answers fail with a
hint, and the solution passes. All of it runs in the student edition of the chapter,
which also proves that edition runs top to bottom without its solutions."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell
from notebooks import ROOT, exercises, notebooks
from student import student_notebook

WRONG_ANSWERS = ROOT / "tests" / "wrong_answers"


def shown(cell) -> str:
    return "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def status(cell) -> str:
    text = shown(cell)
    for word in ("not attempted", "passed", "failed"):
        if f"{word}:" in text:
            return word
    raise AssertionError(f"the check shows no status: {text!r}")


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_exercises_in_the_student_edition(path: Path, tmp_path: Path):
    book = nbformat.read(path, as_version=4)
    found = exercises(book)
    wrong = yaml.safe_load((WRONG_ANSWERS / f"{path.stem}.yml").read_text())
    assert set(wrong) == {ex.label for ex in found}, (
        "one wrong-answer list per exercise"
    )

    nb = student_notebook(book)
    stub_checks = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and any(c.source == ex.check for ex in found)
    ]
    assert len(stub_checks) == len(found)
    plan = []  # (label, expected status, index of the check cell)
    for ex in found:
        assert len(wrong[ex.label]) >= 2, f"{ex.label}: at least two wrong answers"
        for source in wrong[ex.label]:
            nb.cells += [new_code_cell(source), new_code_cell(ex.check)]
            plan.append((ex.label, "failed", len(nb.cells) - 1))
        nb.cells += [new_code_cell("\n\n".join(ex.solutions)), new_code_cell(ex.check)]
        plan.append((ex.label, "passed", len(nb.cells) - 1))

    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()

    for ex, index in zip(found, stub_checks, strict=True):
        assert status(nb.cells[index]) == "not attempted", ex.label
    for label, expected, index in plan:
        cell = nb.cells[index]
        assert status(cell) == expected, (
            f"{label}: expected {expected}, got {shown(cell)!r}"
        )
        if expected == "failed":
            hint = shown(cell).split("failed:", 1)[1].strip()
            assert len(hint) > 10, f"{label}: a failure needs a hint, got {hint!r}"
