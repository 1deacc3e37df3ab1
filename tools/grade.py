"""Grade a class's notebooks for one chapter (``make grade``).

Usage: python -m tools.grade SUBMISSIONS --chapter NAME [--out DIR] [--jobs N]
       [--cell-timeout S] [--timeout S]

Every file in SUBMISSIONS is one student's work, named ``<student>.ipynb``. What
runs is the book's own chapter, with each exercise's stub replaced by the
student's answer cell: the code cell tagged ``exercise-stub`` whose metadata names
the exercise (``nnbook.exercise``, written by ``make student``) or, where a
notebook lost its metadata, the last code cell that defines the stub's names. The
student's other cells, their check cells included, are ignored: the checks are the
book's. After each check the book's solution runs, so that one wrong answer
cannot spoil the exercises after it.

Each submission runs in a fresh kernel, in its own process, without network where
a network namespace can be made, with a timeout per answer cell and check and one
for the whole notebook; submissions run in parallel. An answer that loops or kills
its kernel is marked (``timeout``, ``error``) and the chapter runs again without
it, so the other exercises are still graded.

A check is resolved after the student's code ran, from a fresh import of the
book's ``nnbook/checks.py``: an answer cell that rebinds ``check_function`` or
patches ``nnbook.checks`` gains nothing. The names that existed before the answer
cell (the check's cases, ``torch``, ...) are restored, the cases from a copy,
before the check runs.

It writes, in DIR (default ``_build/grades/<chapter>``): ``grades.csv`` (one row
per student; per exercise its points and its status: passed, failed, not
attempted, error or timeout), ``feedback/<student>.md`` (each exercise's status
and the check's hint, never the reference answer), ``summary.md`` and
``pass-rate.png``.

Student code runs with the rights of whoever runs this script: grade untrusted
work in a container (the teacher's guide gives the command).
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import csv
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .notebooks import EXERCISE, ROOT, exercises

CHECKS_FILE = ROOT / "helpers" / "nnbook" / "checks.py"
STATUSES = ("passed", "failed", "not attempted", "error", "timeout")
GRADE_MIME = "application/vnd.nnbook.grade+json"
POINTS = 1  # per exercise passed


# ----------------------------------------------------------------------------------
# The chapter as the grader runs it


@dataclass
class Step:
    """One code cell of the graded run."""

    kind: str  # "book", "snapshot", "answer", "check" or "solution"
    source: str
    label: str | None = None


@dataclass
class Task:
    """An exercise of the chapter: label, title, the stub's names and sources."""

    label: str
    title: str
    names: set[str]
    stub: str
    solutions: list[str]
    check: str


def chapter_path(chapter: str) -> Path:
    path = ROOT / "book" / f"{chapter}.ipynb"
    if not path.exists():
        names = sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))
        raise SystemExit(
            f"--chapter {chapter!r}: no such chapter; one of {', '.join(names)}"
        )
    return path


def top_level_names(source: str) -> set[str]:
    """Names a cell defines at top level (functions, classes, assignments)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def loaded_names(source: str) -> set[str]:
    return {
        node.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


def tasks(nb) -> list[Task]:
    titles = {}
    for cell in nb.cells:
        match = EXERCISE.search(cell.source) if cell.cell_type == "markdown" else None
        if match:
            titles[match.group(1)] = cell.source.split("\n", 1)[0].split("}", 1)[1]
    return [
        Task(
            ex.label,
            titles[ex.label].strip(),
            top_level_names(ex.stub),
            ex.stub,
            ex.solutions,
            ex.check,
        )
        for ex in exercises(nb)
    ]


def find_answers(nb, found: list[Task]) -> tuple[dict[str, str], list[str]]:
    """The student's answer cell of each exercise, by label; and notes on them."""
    by_label: dict[str, str] = {}
    notes = []
    labels = {t.label for t in found}
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        label = (cell.metadata.get("nnbook") or {}).get("exercise")
        if label in labels and "exercise-stub" in cell.metadata.get("tags", []):
            if label in by_label:
                notes.append(f"{label}: more than one answer cell; the last one counts")
            by_label[label] = cell.source
    for task in found:
        if task.label in by_label:
            continue
        same = [
            c for c in code if task.names and task.names <= top_level_names(c.source)
        ]
        if same:  # the metadata was lost (some editors drop it): match by names
            by_label[task.label] = same[-1].source
            notes.append(f"{task.label}: answer found by its names, not by its tag")
    return by_label, notes


def snapshot_source(nonce: str, task: Task) -> str:
    cases = sorted(loaded_names(task.check) - task.names)
    return f"""\
def _grader_{nonce}_snapshot():
    import copy
    saved = dict(globals())
    cases = {{}}
    for name in {cases!r}:
        if name in saved and isinstance(saved[name], (list, tuple, dict)):
            try:
                cases[name] = copy.deepcopy(saved[name])
            except Exception:
                pass
    return saved, cases
_grader_{nonce}_saved = _grader_{nonce}_snapshot()
del _grader_{nonce}_snapshot"""


def check_source(
    nonce: str,
    task: Task,
    checks_file: Path,
    *,
    fresh_checks: bool = True,
    restore_names: bool = True,
) -> str:
    """The grader's check of ``task``. The two protections can be switched off
    only to show, in the tests, that each one is what stops a cheat."""
    return f"""\
def _grader_{nonce}_check():
    import importlib.util
    import sys
    from IPython.display import publish_display_data

    g = globals()
    saved, cases = g.pop("_grader_{nonce}_saved")
    if {restore_names!r}:
        for name, value in saved.items():
            if name not in {sorted(task.names)!r}:
                g[name] = value
        g.update(cases)
    if {fresh_checks!r}:
        spec = importlib.util.spec_from_file_location(
            "_grader_{nonce}_checks", {str(checks_file)!r}
        )
        checks = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = checks  # dataclasses look their module up there
        spec.loader.exec_module(checks)
        g["check_function"] = checks.check_function
        g["check_output"] = checks.check_output
        result_type = checks.CheckResult
    else:
        result_type = type(g["check_function"](abs, abs, [(1,)]))
    try:
        result = eval(compile({task.check!r}, "check", "eval"), g)
    except BaseException as exc:
        payload = {{"status": "error",
                    "message": f"the check raised {{type(exc).__name__}}: {{exc}}"}}
    else:
        if type(result) is result_type:
            payload = {{"status": result.status, "message": result.message}}
        else:
            payload = {{"status": "error", "message": "the check gave no result"}}
    publish_display_data({{{GRADE_MIME!r}: {{"nonce": {nonce!r}, **payload}}}})
_grader_{nonce}_check()
del _grader_{nonce}_check"""


def plan(
    book,
    found: list[Task],
    answers: dict[str, str],
    nonce: str,
    checks_file: Path,
    skip: set[str],
    **protections: bool,
) -> list[Step]:
    """The cells to run: the book's, with answers, grader checks and solutions."""
    by_stub = {t.stub: t for t in found}
    steps: list[Step] = []
    solution = False
    current: Task | None = None
    for cell in book.cells:
        text = cell.source.lstrip()
        if cell.cell_type == "markdown":
            if re.match(r"^:{3,}\{solution-start\}", text):
                solution = True
            elif re.match(r"^:{3,}\{solution-end\}", text):
                solution = False
            continue
        tags = set(cell.metadata.get("tags", []))
        if solution or "skip-execution" in tags:
            continue
        if "exercise-stub" in tags and cell.source in by_stub:
            current = by_stub[cell.source]
            answer = answers.get(current.label, current.stub)
            if current.label in skip:
                answer = current.stub  # it looped or crashed: run the stub instead
            steps.append(
                Step("snapshot", snapshot_source(nonce, current), current.label)
            )
            steps.append(Step("answer", answer, current.label))
            continue
        if "exercise-check" in tags and current is not None:
            steps.append(
                Step(
                    "check",
                    check_source(nonce, current, checks_file, **protections),
                    current.label,
                )
            )
            for source in current.solutions:
                steps.append(Step("solution", source, current.label))
            current = None
            continue
        steps.append(Step("book", cell.source))
    return steps


# ----------------------------------------------------------------------------------
# Running one submission (in its own process)


def cell_error(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}"
    return None


def run_once(
    book_path: Path,
    steps: list[Step],
    nonce: str,
    cell_timeout: int,
) -> tuple[dict[str, dict], tuple[str, str, str] | None]:
    """Run the steps in a fresh kernel. Returns the result of each exercise, and
    (label, status, message) of the answer that stopped the run, if one did."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from .execute import notebook_client

    cells = [nbformat.v4.new_code_cell(step.source) for step in steps]
    nb = nbformat.v4.new_notebook(cells=cells)
    student_kinds = {"answer", "check"}

    def timeout_for(cell) -> int:
        index = cells.index(cell)
        return cell_timeout if steps[index].kind in student_kinds else 600

    client = notebook_client(nb, book_path, cell_timeout, allow_errors=True)
    client.timeout_func = timeout_for
    results: dict[str, dict] = {}
    with client.setup_kernel():
        for index, (step, cell) in enumerate(zip(steps, cells, strict=True)):
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                if step.kind in student_kinds:
                    return results, (
                        step.label,
                        "timeout",
                        f"your code ran longer than {cell_timeout} s and was stopped",
                    )
                raise
            except DeadKernelError:
                if step.label is not None and step.kind in student_kinds | {
                    "solution",
                    "snapshot",
                }:
                    return results, (
                        step.label,
                        "error",
                        "the kernel died while running your code "
                        "(does it call os._exit or exit the process?)",
                    )
                raise
            error = cell_error(cell)
            if step.kind == "answer" and error and step.label not in results:
                results[step.label] = {
                    "status": "error",
                    "message": f"your answer cell raised {error}",
                }
            elif step.kind == "check" and step.label not in results:
                shown = [
                    o["data"][GRADE_MIME]
                    for o in cell.outputs
                    if o.output_type == "display_data"
                    and GRADE_MIME in o.get("data", {})
                ]
                shown = [s for s in shown if s.get("nonce") == nonce]
                if shown:
                    results[step.label] = {
                        "status": shown[-1]["status"],
                        "message": shown[-1]["message"],
                    }
                else:
                    results[step.label] = {
                        "status": "error",
                        "message": f"the check did not run ({error or 'no result'})",
                    }
            elif error and step.kind == "book":
                raise RuntimeError(f"a cell of the book failed: {error}")
    return results, None


def grade_one(
    submission: Path,
    chapter: str,
    cell_timeout: int,
    checks_file: Path = CHECKS_FILE,
    **protections: bool,
) -> dict:
    """Grade one submission: {"exercises": {label: {status, message}}, "notes": [...]}."""
    book_path = chapter_path(chapter)
    book = nbformat.read(book_path, as_version=4)
    found = tasks(book)
    labels = [t.label for t in found]
    notes: list[str] = []
    if submission.suffix != ".ipynb":
        notes.append(
            f"the file is named {submission.name}, not <student>.ipynb "
            "(renamed?); graded as a notebook where it is one"
        )
    try:
        nb = nbformat.reads(submission.read_text(encoding="utf-8"), as_version=4)
    except Exception as exc:  # not JSON, not a notebook, not text
        message = f"the file could not be read as a notebook ({type(exc).__name__})"
        return {
            "exercises": {
                label: {"status": "error", "message": message} for label in labels
            },
            "notes": [*notes, message],
        }
    answers, answer_notes = find_answers(nb, found)
    notes += answer_notes
    if not answers:
        other = sorted(
            {
                (c.metadata.get("nnbook") or {}).get("exercise", "")
                for c in nb.cells
                if c.cell_type == "code"
            }
            - {""}
        )
        if other:
            notes.append(
                f"no answer to this chapter's exercises; the notebook answers "
                f"{', '.join(other)} (another chapter's notebook?)"
            )
    stopped: dict[str, dict] = {}
    while True:
        nonce = secrets.token_hex(8)
        steps = plan(
            book, found, answers, nonce, checks_file, set(stopped), **protections
        )
        results, stop = run_once(book_path, steps, nonce, cell_timeout)
        if stop is None:
            break
        label, status, message = stop
        stopped[label] = {"status": status, "message": message}
    out = {}
    for task in found:
        if task.label in stopped:
            out[task.label] = stopped[task.label]
        elif task.label not in answers:
            out[task.label] = {
                "status": "not attempted",
                "message": "no answer cell: the exercise's stub cell (tagged "
                "exercise-stub) is missing from the notebook",
            }
        else:
            out[task.label] = results.get(
                task.label, {"status": "error", "message": "the check did not run"}
            )
    return {"exercises": out, "notes": notes}


# ----------------------------------------------------------------------------------
# A class


@dataclass
class Outcome:
    student: str
    file: str
    exercises: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(POINTS for e in self.exercises.values() if e["status"] == "passed")


def offline_prefix() -> list[str]:
    """``unshare -n`` where this process may make a network namespace, else []."""
    from .bench import offline_command

    command = offline_command(["true"])
    return command[:-1] if command else []


def grade_in_process(
    submission: Path, chapter: str, cell_timeout: int, timeout: int, offline: list[str]
) -> dict:
    """Run ``grade_one`` for one submission in a child process, within ``timeout``."""
    with tempfile.TemporaryDirectory() as tmp:
        result_file = Path(tmp) / "result.json"
        argv = [
            sys.executable,
            "-m",
            "tools.grade",
            "--one",
            str(submission),
            "--chapter",
            chapter,
            "--cell-timeout",
            str(cell_timeout),
            "--result",
            str(result_file),
        ]
        if offline:  # offline_command's shell form: sh -c "...; exec ARGV"
            inner = "ip link set lo up 2>/dev/null || true; exec " + " ".join(
                f"'{a}'" for a in argv
            )
            argv = [*offline, inner]
        env = {**os.environ, "NNBOOK_DEVICE": os.environ.get("NNBOOK_DEVICE", "cpu")}
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
        )
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: the kernel goes with it
        )
        try:
            log, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return {"timeout": True}
        if result_file.exists():
            return json.loads(result_file.read_text())
        return {"crash": log[-2000:]}


def student_name(path: Path) -> str:
    name = path.name
    while (stem := name.removesuffix(Path(name).suffix)) != name and Path(
        name
    ).suffix in (".ipynb", ".json", ".txt"):
        name = stem
    return name


def grade_class(
    submissions: Path,
    chapter: str,
    out: Path,
    *,
    jobs: int,
    cell_timeout: int,
    timeout: int,
    progress: bool = True,
) -> list[Outcome]:
    from tqdm.auto import tqdm

    book = nbformat.read(chapter_path(chapter), as_version=4)
    found = tasks(book)
    files = sorted(
        p for p in submissions.iterdir() if p.is_file() and not p.name.startswith(".")
    )
    if not files:
        raise SystemExit(f"SUBMISSIONS {submissions}: no files to grade")
    offline = offline_prefix()
    outcomes = {p: Outcome(student_name(p), p.name) for p in files}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(
                grade_in_process, p.resolve(), chapter, cell_timeout, timeout, offline
            ): p
            for p in files
        }
        bar = tqdm(
            concurrent.futures.as_completed(futures),
            total=len(futures),
            desc=f"grading {chapter}",
            unit="notebook",
            disable=not progress,
        )
        for future in bar:
            path = futures[future]
            result, outcome = future.result(), outcomes[path]
            if result.get("timeout"):
                message = f"the notebook ran longer than {timeout} s and was stopped"
                outcome.exercises = {
                    t.label: {"status": "timeout", "message": message} for t in found
                }
                outcome.notes.append(message)
            elif "crash" in result:
                message = "the grader could not run this notebook"
                outcome.exercises = {
                    t.label: {"status": "error", "message": message} for t in found
                }
                outcome.notes.append(f"{message}: {result['crash'].strip()[-300:]}")
            else:
                outcome.exercises, outcome.notes = result["exercises"], result["notes"]
    names = [o.student for o in outcomes.values()]
    for o in outcomes.values():
        if names.count(o.student) > 1:
            o.notes.append(f"more than one file for {o.student}")
    ordered = [outcomes[p] for p in files]
    write_reports(ordered, found, chapter, out, offline=bool(offline))
    return ordered


# ----------------------------------------------------------------------------------
# Reports


def write_reports(
    outcomes: list[Outcome], found: list[Task], chapter: str, out: Path, offline: bool
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        header = ["student", "file", "points", "max points"]
        for task in found:
            header += [task.label, f"{task.label} status"]
        writer.writerow([*header, "notes"])
        for o in outcomes:
            row = [o.student, o.file, o.total, POINTS * len(found)]
            for task in found:
                status = o.exercises[task.label]["status"]
                row += [POINTS if status == "passed" else 0, status]
            writer.writerow([*row, "; ".join(o.notes)])
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for o in outcomes:
        lines = [
            f"# {chapter}: feedback for {o.student}",
            "",
            f"{o.total} of {POINTS * len(found)} points.",
            "",
            "| exercise | status | what the check says |",
            "| --- | --- | --- |",
        ]
        for task in found:
            e = o.exercises[task.label]
            message = e["message"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {task.title} | {e['status']} | {message} |")
        if o.notes:
            lines += ["", "Notes:", "", *[f"- {n}" for n in o.notes]]
        (feedback / f"{o.student}.md").write_text("\n".join(lines) + "\n", "utf-8")
    counts = {
        t.label: {
            s: sum(o.exercises[t.label]["status"] == s for o in outcomes)
            for s in STATUSES
        }
        for t in found
    }
    rates = [counts[t.label]["passed"] / len(outcomes) for t in found]
    plot_pass_rates(found, rates, out / "pass-rate.png")
    lines = [
        f"# {chapter}: {len(outcomes)} submissions",
        "",
        f"Network during grading: {'none' if offline else 'not isolated'}.",
        "",
        "![Pass rate per exercise](pass-rate.png)",
        "",
        "| exercise | " + " | ".join(STATUSES) + " | pass rate |",
        "| --- |" + " ---: |" * (len(STATUSES) + 1),
    ]
    for task, rate in zip(found, rates, strict=True):
        cells = " | ".join(str(counts[task.label][s]) for s in STATUSES)
        lines.append(f"| {task.title} | {cells} | {rate:.0%} |")
    noted = [(o.student, n) for o in outcomes for n in o.notes]
    if noted:
        lines += ["", "Notes:", "", *[f"- {s}: {n}" for s, n in noted]]
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def plot_pass_rates(found: list[Task], rates: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(found)))
    ax.barh([t.title for t in found][::-1], [100 * r for r in rates][::-1])
    ax.set_xlim(0, 100)
    ax.set_xlabel("students who passed (%)")
    ax.set_title("Pass rate per exercise")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, nargs="?")
    parser.add_argument("--chapter", required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cell-timeout", type=int, default=30)
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    chapter_path(args.chapter)
    if args.one:  # the child process of one submission
        result = grade_one(args.one, args.chapter, args.cell_timeout)
        args.result.write_text(json.dumps(result), encoding="utf-8")
        return
    if args.submissions is None or not args.submissions.is_dir():
        parser.error(
            f"SUBMISSIONS must be a folder of notebooks, got {args.submissions}"
        )
    if args.jobs < 1 or args.cell_timeout < 1 or args.timeout < 1:
        parser.error("--jobs, --cell-timeout and --timeout must be at least 1")
    out = args.out or ROOT / "_build" / "grades" / args.chapter
    start = time.perf_counter()
    outcomes = grade_class(
        args.submissions,
        args.chapter,
        out,
        jobs=args.jobs,
        cell_timeout=args.cell_timeout,
        timeout=args.timeout,
    )
    seconds = time.perf_counter() - start
    passed = sum(o.total for o in outcomes)
    print(
        f"graded {len(outcomes)} notebooks in {seconds:.0f} s ({passed} exercises "
        f"passed); wrote {out}/grades.csv, summary.md, feedback/"
    )


if __name__ == "__main__":
    main()
