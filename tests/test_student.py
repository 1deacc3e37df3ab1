"""`make student` writes a clean student edition; its Markdown converter is exact."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat

from tools.notebooks import ROOT, exercises, notebooks
from tools.student import convert_markdown, format_value

LEFTOVER_MYST = [r"^:{3,}", r"^`{3,}\{", r"\{[\w:-]+\}`", r"^\([\w-]+\)=", r"^:label:"]


def test_student_command_writes_every_chapter_without_solutions(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "tools.student", "--out", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    for path in notebooks():
        book = nbformat.read(path, as_version=4)
        student = nbformat.read(tmp_path / path.relative_to(ROOT), as_version=4)
        solutions = {s for ex in exercises(book) for s in ex.solutions}
        stubs = {ex.stub for ex in exercises(book)}
        sources = [c.source for c in student.cells]
        assert not solutions & set(sources), f"{path.stem}: a solution is left"
        assert stubs <= set(sources), f"{path.stem}: a stub is missing"
        for cell in student.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
            else:
                for pattern in LEFTOVER_MYST:
                    assert not re.search(pattern, cell.source, re.M), (
                        path.stem,
                        cell.source,
                    )
        assert len(student.cells) < len(book.cells)


def test_convert_markdown_turns_myst_into_plain_markdown():
    source = """(sec-intro)=
Accuracy is {glue:text}`acc:.1%` on {glue}`n` digits; see {ref}`the intro <sec-intro>`,
a {term}`tensor` and {math}`x^2`.

:::{exercise} Add two tensors
:label: t-add

Write `add`.
```{code-block} python
y = add(x, x)
```
:::

$$ a = b $$ (eq-ab)

:::{note}
Careful.
:::"""
    expected = """Accuracy is 97.3% on 270 digits; see the intro,
a tensor and $x^2$.

> **Exercise: Add two tensors**
>
> Write `add`.
> ```python
> y = add(x, x)
> ```

$$ a = b $$

> **Note**
> Careful."""
    assert convert_markdown(source, {"acc": "0.9733", "n": "270"}) == expected


def test_format_value_follows_myst_nb():
    assert format_value("0.5", ".1f") == "0.5"
    assert format_value("'text'", "") == "text"
    assert format_value("12", "d") == "12"
