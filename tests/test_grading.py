"""The teacher's grader (``make grade``) on a made-up class, and its protections.

The class (tests/grading/layers-class.yml) has right, wrong, empty, cheating,
looping, crashing, malformed, renamed and misplaced submissions; the grader must
give exactly tests/grading/layers-grades.csv. Each protection against a cheat is
switched off once, to show that it is what stops that cheat.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tools import grade, grading_class

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "grading" / "layers-class.yml"
EXPECTED = ROOT / "tests" / "grading" / "layers-grades.csv"


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    for file, text in grading_class.build(yaml.safe_load(SPEC.read_text())).items():
        (folder / file).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def graded(submissions, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("grades")
    command = [
        sys.executable,
        "-m",
        "tools.grade",
        str(submissions),
        "--chapter",
        "layers",
        "--out",
        str(out),
        "--cell-timeout",
        "5",
        "--jobs",
        "2",
    ]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_class_gets_exactly_the_expected_grades(graded):
    out, _ = graded
    got, expected = rows(out / "grades.csv"), rows(EXPECTED)
    assert [r["student"] for r in got] == [r["student"] for r in expected]
    for g, e in zip(got, expected, strict=True):
        notes_g, notes_e = g.pop("notes"), e.pop("notes")
        assert g == e, g["student"]
        for part in filter(None, notes_e.split("; ")):  # the reasons, as written
            assert part in notes_g, (g["student"], notes_g)
        assert bool(notes_g) == bool(notes_e), (g["student"], notes_g)


def test_every_bad_submission_is_reported_with_its_reason(graded):
    out, done = graded
    summary = (out / "summary.md").read_text()
    for reason in [
        "jon: the file could not be read as a notebook",
        "lena: the file is named lena.ipynb.txt",
        "milo: no answer to this chapter's exercises; the notebook answers neurons-",
        "nora: layers-pixelwise-linear: answer found by its names",
    ]:
        assert reason in summary, reason
    feedback = {p.stem: p.read_text() for p in (out / "feedback").glob("*.md")}
    assert len(feedback) == 15
    assert "ran longer than 5 s and was stopped" in feedback["hugo"]
    assert "the kernel died while running your code" in feedback["ines"]
    assert "ModuleNotFoundError" in feedback["omar"]
    assert "stub cell (tagged exercise-stub) is missing" in feedback["kai"]
    assert "grading layers" in done.stderr  # the progress bar
    assert (out / "pass-rate.png").stat().st_size > 5000
    assert "![Pass rate per exercise](pass-rate.png)" in summary


def test_feedback_never_shows_the_reference_answer(graded):
    out, _ = graded
    book = nbformat.read(ROOT / "book" / "layers.ipynb", as_version=4)
    solution_lines = {
        line.strip()
        for task in grade.tasks(book)
        for source in task.solutions
        for line in source.splitlines()
        if len(line.strip()) > 25 and not line.strip().startswith(("def ", '"""'))
    }
    assert solution_lines
    for page in (out / "feedback").glob("*.md"):
        text = page.read_text()
        assert not [line for line in solution_lines if line in text], page.name


# --- each protection, switched off once ------------------------------------------


def grade_student(submissions: Path, name: str, **protections) -> dict[str, str]:
    result = grade.grade_one(submissions / f"{name}.ipynb", "layers", 5, **protections)
    return {label: e["status"] for label, e in result["exercises"].items()}


def test_rebinding_check_function_gains_nothing(submissions):
    assert grade_student(submissions, "dev")["layers-pixelwise-linear"] == "failed"
    off = grade_student(submissions, "dev", fresh_checks=False, restore_names=False)
    assert off["layers-pixelwise-linear"] == "passed"  # the cheat works without both


def test_patching_nnbook_checks_gains_nothing(submissions):
    assert grade_student(submissions, "emma")["layers-maxpool-by-hand"] == "failed"
    off = grade_student(submissions, "emma", fresh_checks=False)
    assert off["layers-maxpool-by-hand"] == "passed"


def test_replacing_the_cases_gains_nothing(submissions):
    assert grade_student(submissions, "gia")["layers-maxpool-by-hand"] == "failed"
    off = grade_student(submissions, "gia", restore_names=False)
    assert off["layers-maxpool-by-hand"] == "passed"


def test_a_rigged_number_gains_nothing(submissions, tmp_path):
    assert grade_student(submissions, "finn")["layers-output-shape"] == "failed"
    # compare without its exact-type rule: duck typing lets the rigged ints pass
    source = grade.CHECKS_FILE.read_text()
    duck = source.replace(
        "    kind = type(value)\n",
        "    kind = type(value)\n    if isinstance(value, int) and kind is not bool:\n"
        '        return "number"\n',
    ).replace("        got, expected = float(got), float(expected)\n", "")
    assert duck.count('return "number"') == 2 and "float(got)" not in duck
    checks = tmp_path / "checks.py"
    checks.write_text(duck)
    off = grade.grade_one(submissions / "finn.ipynb", "layers", 5, checks_file=checks)
    assert off["exercises"]["layers-output-shape"]["status"] == "passed"


def test_the_student_edition_names_each_exercise_in_its_stub():
    student = grading_class.student_edition("layers")
    labels = [
        (c.metadata.get("nnbook") or {}).get("exercise")
        for c in student.cells
        if "exercise-stub" in c.metadata.get("tags", [])
    ]
    book = nbformat.read(ROOT / "book" / "layers.ipynb", as_version=4)
    assert labels == [t.label for t in grade.tasks(book)]


def test_bad_arguments_get_a_clear_error(tmp_path):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "tools.grade", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )

    done = run(str(tmp_path), "--chapter", "no-such-chapter")
    assert done.returncode != 0 and "--chapter 'no-such-chapter'" in done.stderr
    done = run(str(tmp_path / "missing"), "--chapter", "layers")
    assert done.returncode != 0 and "SUBMISSIONS must be a folder" in done.stderr
    done = run(str(tmp_path), "--chapter", "layers")
    assert done.returncode != 0 and "no files to grade" in done.stderr
