"""The otter-grader export (``make otter``): every chapter passes ``otter assign``.

``otter assign`` checks the master notebook and, where it runs the tests, runs each
question's tests (the book's check and a hidden one on fresh cases) against the
solutions, failing when one does not pass. It runs in .venv-otter, the environment
``make test`` makes from requirements-otter.txt.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from tools import otter
from tools.grade import tasks
from tools.notebooks import notebooks
from tools.student import student_notebook

ROOT = Path(__file__).resolve().parent.parent
OTTER = ROOT / ".venv-otter" / "bin" / "otter"
CHAPTERS = [p.stem for p in notebooks() if p.parent.name == "book"]

# otter assign re-runs the tests against the solutions by executing the whole
# chapter again. In `make test` it does so for these chapters; for every chapter,
# the same test functions run on the solutions in the chapter's nbval kernel (the
# exercise item in conftest.py), so no chapter is executed twice. `make test-otter`
# (NNBOOK_OTTER_RUN_TESTS=all) lets otter re-run every chapter.
RUN_TESTS = (
    CHAPTERS
    if os.environ.get("NNBOOK_OTTER_RUN_TESTS") == "all"
    else ["layers", "activations"]
)

needs_otter = pytest.mark.skipif(
    not OTTER.exists(), reason="no .venv-otter: run through `make test`"
)


def assign(master: nbformat.NotebookNode, folder: Path, name: str, run_tests=True):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(master, folder / f"{name}.ipynb")
    return subprocess.run(
        [
            str(OTTER),
            "assign",
            "-v",
            *([] if run_tests else ["--no-run-tests"]),
            f"{name}.ipynb",
            "dist",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NNBOOK_DEVICE": "cpu"},
    )


ASSIGN_ALL = """
import json, sys, traceback
from otter.assign import main
results = {}
for master in sys.argv[1:]:
    try:
        main(master, master.rsplit("/", 1)[0] + "/dist", no_run_tests=True)
        results[master] = None
    except Exception:
        results[master] = traceback.format_exc()[-2000:]
print("RESULTS " + json.dumps(results))
"""


def check_dist(chapter: str, folder: Path) -> None:
    """Students get each stub and a grader.check, never a solution-only line."""
    book = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    found = tasks(book)
    student = nbformat.read(folder / "dist" / "student" / f"{chapter}.ipynb", 4)
    text = "\n".join(c.source for c in student.cells)
    for task in found:
        assert task.stub in text, (chapter, task.label)
        assert f'grader.check("{otter.question_name(task.label)}")' in text
    elsewhere = "\n".join(  # lines the chapter also has outside its solutions
        c.source for c in student_notebook(book).cells
    )
    solution_only = {
        line.strip()
        for task in found
        for source in task.solutions
        for line in source.splitlines()
        if len(line.strip()) > 20 and line.strip() not in elsewhere
    }
    assert solution_only, chapter
    assert not [line for line in solution_only if line in text], chapter
    assert list((folder / "dist" / "autograder").glob("*.zip")), chapter


@needs_otter
def test_otter_assign_accepts_every_chapter(tmp_path):
    """One otter process writes every chapter's student and autograder versions."""
    masters = []
    for chapter in CHAPTERS:
        folder = tmp_path / chapter
        folder.mkdir()
        nbformat.write(otter.master_notebook(chapter), folder / f"{chapter}.ipynb")
        masters.append(str(folder / f"{chapter}.ipynb"))
    python = OTTER.with_name("python")
    done = subprocess.run(
        [str(python), "-c", ASSIGN_ALL, *masters],
        capture_output=True,
        text=True,
        timeout=900,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULTS ")), None)
    assert line, (done.stdout + done.stderr)[-3000:]
    results = json.loads(line.removeprefix("RESULTS "))
    assert {k: v for k, v in results.items() if v} == {}
    for chapter in CHAPTERS:
        check_dist(chapter, tmp_path / chapter)


@needs_otter
@pytest.mark.parametrize("chapter", RUN_TESTS)
def test_otter_assign_runs_the_tests_on_the_solutions(chapter, tmp_path):
    done = assign(otter.master_notebook(chapter), tmp_path, chapter)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "All autograder tests passed" in done.stdout + done.stderr
    check_dist(chapter, tmp_path)


@needs_otter
def test_otter_assign_fails_when_a_solution_is_wrong(tmp_path):
    master = otter.master_notebook("layers")
    for i, cell in enumerate(master.cells):
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN SOLUTION"):
            wrong = master.cells[i + 1]
            wrong.source = wrong.source.replace(
                "return out.movedim(-1, 1)", "return out"
            )
            assert "    return out  # back" in wrong.source
            break
    done = assign(master, tmp_path, "layers")
    assert done.returncode != 0
    assert "layers_pixelwise_linear" in done.stdout + done.stderr


def test_the_hidden_check_draws_fresh_cases():
    hidden = otter.hidden_check("check_function(f, g, some_cases, atol=1e-5)")
    assert hidden == (
        f"check_function(f, g, resampled(some_cases, {otter.HIDDEN_SEED}), atol=1e-05)"
    )
    assert "resampled(((),)" in otter.hidden_check("check_output(f, test)")
    assert otter.hidden_check("check_output(f, t, cases=c)") == (
        f"check_output(f, t, cases=resampled(c, {otter.HIDDEN_SEED}))"
    )
    kept = next(iter(otter.KEEP_CASES))
    assert otter.hidden_check("check_function(f, g, c)", kept) == (
        "check_function(f, g, list(reversed(list(c))))"
    )


@needs_otter
def test_grading_with_otter_in_docker(tmp_path):
    """otter grade, in otter's Docker image, on two of the made-up class's notebooks:
    the right one gets every point, the wrong one none."""
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("otter grade runs in Docker, and this machine has no docker")
    if subprocess.run([docker, "info"], capture_output=True).returncode != 0:
        pytest.skip("otter grade runs in Docker, and its daemon does not answer here")
    import yaml

    from tools import grading_class

    done = assign(otter.master_notebook("layers"), tmp_path / "layers", "layers")
    assert done.returncode == 0, done.stdout + done.stderr
    spec = yaml.safe_load((ROOT / "tests" / "grading" / "layers-class.yml").read_text())
    spec["students"] = {k: spec["students"][k] for k in ("ada", "ben")}
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for file, text in grading_class.build(spec).items():
        (submissions / file).write_text(text, encoding="utf-8")
    zips = list((tmp_path / "layers" / "dist" / "autograder").glob("*.zip"))
    out = tmp_path / "grades"
    done = subprocess.run(
        [
            str(OTTER),
            "grade",
            "-p",
            str(submissions),
            "-a",
            str(zips[0]),
            "-o",
            str(out),
            "--ext",
            "ipynb",
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    with open(out / "final_grades.csv", newline="") as f:
        rows = {
            Path(r["file"]).stem: float(r["total_points_earned"])
            for r in csv.DictReader(f)
        }
    assert (rows["ada"], rows["ben"]) == (4.0, 0.0)  # another row: points possible
