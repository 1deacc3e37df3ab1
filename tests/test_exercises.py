"""The exercises: the checks themselves run in nbval's kernel of each chapter, after
its last cell (conftest.py, ``ExerciseChecks``): the stub is 'not attempted',
plausible wrong answers fail with a hint, the solution passes. Here: every chapter
gets those checks, and the student edition, which has the stubs but not the
solutions, runs top to bottom: no later cell uses a name that a solution defines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools.notebooks import ROOT, exercises, notebooks
from tools.student import student_notebook


def bound_names(tree: ast.AST) -> set[str]:
    """The names a cell binds at its top level (def, class, import, assignment...),
    not the locals of the functions and classes it defines."""
    names = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        names |= bound_names(node)
    return names


def used_names(tree: ast.Module) -> set[str]:
    """Every name a cell reads, function bodies included (so: conservatively)."""
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


def solution_dependencies(book) -> list[str]:
    """Where the student edition would use what only a solution defines."""
    code = [c.source for c in student_notebook(book).cells if c.cell_type == "code"]
    problems = []
    for ex in exercises(book):
        # in the student edition these names are the stub's or are not defined
        missing = set().union(*(bound_names(ast.parse(s)) for s in ex.solutions))
        start = code.index(ex.check) + 1  # the check itself reports 'not attempted'
        for number, source in enumerate(code[start:], start):
            tree = ast.parse(source)
            if used := used_names(tree) & missing:
                problems.append(f"{ex.label}: code cell {number} uses {sorted(used)}")
            missing -= bound_names(tree)  # defined afresh: fine from here on
    return problems


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_the_student_edition_needs_no_solution(path: Path):
    book = nbformat.read(path, as_version=4)
    assert solution_dependencies(book) == []


def test_a_cell_that_uses_a_solution_is_found(chapters):
    book = nbformat.from_dict(chapters["background"])
    ex = exercises(book)[0]
    name = ast.parse(ex.solutions[0]).body[0].name
    book.cells.append(nbformat.v4.new_code_cell(f"print({name})"))
    found = solution_dependencies(book)
    assert len(found) == 1 and name in found[0] and ex.label in found[0]


def test_every_chapter_gets_its_exercise_checks():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0"]
        + [str(p.relative_to(ROOT)) for p in notebooks()],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for path in notebooks():
        rel = path.relative_to(ROOT).as_posix()
        cells = [i for i, line in enumerate(lines) if line.startswith(f"{rel}::Cell ")]
        checks = lines.index(f"{rel}::exercises")  # raises if it is missing
        assert checks == max(cells) + 1, f"{rel}: the checks follow the last cell"
