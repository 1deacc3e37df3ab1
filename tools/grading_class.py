"""Write a made-up class of submissions for ``make grade`` (``make grade-demo``).

Usage: python -m tools.grading_class SPEC OUT

SPEC (such as tests/grading/layers-class.yml) describes each student's notebook:
its answers ("solution", "wrong N" from tests/wrong_answers/, or source code) and
what else is odd about it (a file that is not JSON, a deleted stub cell, another
name, another chapter, cells moved and their metadata lost, edited check cells).
Each notebook starts from the chapter's student edition, as a student gets it.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import nbformat
import yaml

from .grade import tasks
from .notebooks import ROOT
from .student import student_notebook

WRONG_ANSWERS = ROOT / "tests" / "wrong_answers"


def student_edition(chapter: str) -> nbformat.NotebookNode:
    return student_notebook(nbformat.read(ROOT / "book" / f"{chapter}.ipynb", 4))


def answer_source(answer: str, label: str, chapter: str, solutions: dict) -> str:
    if answer == "solution":
        return solutions[label]
    if answer.startswith("wrong "):
        wrong = yaml.safe_load((WRONG_ANSWERS / f"{chapter}.yml").read_text())
        return wrong[label][int(answer.split()[1])]
    return answer


def build(spec: dict) -> dict[str, str]:
    """File name -> file text of every submission the spec describes."""
    chapter = spec["chapter"]
    book = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    solutions = {t.label: "\n\n".join(t.solutions) for t in tasks(book)}
    files = {}
    for name, student in spec["students"].items():
        file = student.get("file", f"{name}.ipynb")
        if "raw" in student:
            files[file] = student["raw"]
            continue
        nb = student_edition(student.get("from_chapter", chapter))
        answers = dict(student.get("answers") or {})
        every = answers.pop("all", None)
        if every:
            answers = {label: every for label in solutions} | answers
        moved = []
        for cell in list(nb.cells):
            label = (cell.metadata.get("nnbook") or {}).get("exercise")
            tags = cell.metadata.get("tags", [])
            if label in student.get("drop", []):
                nb.cells.remove(cell)
                continue
            if label in answers:
                cell.source = answer_source(answers[label], label, chapter, solutions)
                if student.get("move_to_end"):
                    nb.cells.remove(cell)
                    moved.append(cell)
            if "exercise-check" in tags and "edit_checks" in student:
                cell.source = student["edit_checks"]
            if student.get("strip_metadata"):
                cell.metadata = {}
        random.Random(name).shuffle(moved)  # not even in their order
        nb.cells += moved
        files[file] = nbformat.writes(nb)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for file, text in build(yaml.safe_load(args.spec.read_text())).items():
        (args.out / file).write_text(text, encoding="utf-8")
    print(f"wrote {len(list(args.out.iterdir()))} submissions to {args.out}")


if __name__ == "__main__":
    main()
