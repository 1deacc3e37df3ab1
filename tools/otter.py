"""Export a chapter as an otter-grader master notebook (``make otter``).

Usage: python -m tools.otter CHAPTER [CHAPTER ...] [--out DIR]

For each chapter this writes ``DIR/<chapter>/<chapter>.ipynb`` (default DIR:
``_build/otter``), a master notebook in otter-grader's format (v1): an assignment
configuration cell, then the chapter, its Markdown made plain as in the student
edition, with one question per exercise (one point each): the exercise's text, the
stub as the prompt students see, the book's solution, and two tests, the book's
check and a hidden one that runs the same check on fresh cases
(``nnbook.checks.resampled``; for the few exercises in KEEP_CASES, whose cases
have a structure random tensors would break, the visible cases in reverse order).
The book's own check cell stays after each question,
so students keep their instant feedback.

``make otter`` then runs ``otter assign`` on it (in an environment of its own,
.venv-otter), which runs every test against the solutions and writes the student
and autograder versions to ``DIR/<chapter>/dist``.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import nbformat
import yaml

from .grade import chapter_path, tasks
from .notebooks import ROOT
from .student import convert_markdown, glued_values

HIDDEN_SEED = 2024  # the hidden cases' seed: not one the book uses for its cases


def raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def question_name(label: str) -> str:
    return re.sub(r"\W", "_", label)


# Exercises whose cases have a structure that fresh random tensors would break: their
# hidden test runs the visible cases in the reverse order, so an answer that keeps
# state from one call to the next, or fits the order of the cases, fails it.
KEEP_CASES = {
    "neurons-perceptron-epoch": "its cases are worked by hand in the text",
    "optimizers-stable-lr": "its cases are the losses whose stable rates are known",
    "mnist1d-shuffled-recover-permutation": "each case is a shuffle of the same data",
    "spot-the-bug-": "the cases are data sets that the fixed code must learn",
}


def keeps_cases(label: str) -> bool:
    """Whether ``label`` is in KEEP_CASES (an entry ending in - names a chapter's)."""
    return any(
        label == key or (key.endswith("-") and label.startswith(key))
        for key in KEEP_CASES
    )


def hidden_check(check: str, label: str = "") -> str:
    """The check with its cases (third argument, or ``cases=``) drawn afresh, or for
    the exercises in KEEP_CASES, in the reverse order."""
    tree = ast.parse(check, mode="eval")
    call = tree.body
    if not isinstance(call, ast.Call):
        raise ValueError(f"a check must be a call: {check!r}")
    keyword = next((k for k in call.keywords if k.arg == "cases"), None)
    if keyword is None and len(call.args) == 2:  # check_output's default cases
        call.args.append(ast.parse("((),)", mode="eval").body)
    if keyword is None and len(call.args) < 3:
        raise ValueError(f"a check must name its cases: {check!r}")
    cases = keyword.value if keyword else call.args[2]
    if keeps_cases(label):
        new = ast.parse("list(reversed(list(CASES)))", mode="eval").body
        new.args[0].args[0].args[0] = cases
    else:
        new = ast.Call(
            ast.Name("resampled", ast.Load()), [cases, ast.Constant(HIDDEN_SEED)], []
        )
    if keyword:
        keyword.value = new
    else:
        call.args[2] = new
    return ast.unparse(ast.fix_missing_locations(tree))


def test_cell(label: str, check: str, hidden: bool) -> nbformat.NotebookNode:
    name = f"test_{question_name(label)}" + ("_hidden" if hidden else "")
    about = ""
    if hidden:
        about = (
            " on its cases in reverse order"
            if keeps_cases(label)
            else " on fresh cases"
        )
    config = (
        f'""" # BEGIN TEST CONFIG\nhidden: {str(hidden).lower()}\n""" # END TEST CONFIG'
    )
    body = f'''\
def {name}(env):
    """The book's check{about}, with the book's own check functions."""
    from nnbook.checks import check_function, check_output, resampled

    names = {{"check_function": check_function, "check_output": check_output,
             "resampled": resampled}}
    result = eval(compile({check!r}, "check", "eval"), {{**env, **names}})
    assert result.passed, str(result)'''
    return nbformat.v4.new_code_cell(f"{config}\n{body}")


def master_notebook(chapter: str) -> nbformat.NotebookNode:
    book = nbformat.read(chapter_path(chapter), as_version=4)
    values = glued_values(book)
    by_label = {t.label: t for t in tasks(book)}
    config = {
        "name": chapter,
        "init_cell": True,
        "check_all_cell": False,
        "export_cell": False,
        "generate": True,
        "tests": {"ok_format": False},
    }
    cells = [raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False))]
    current = None
    skipping = False
    for cell in book.cells:
        text = cell.source.lstrip()
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type == "markdown":
            if re.match(r"^:{3,}\{solution-start\}", text):
                skipping = True
                continue
            if re.match(r"^:{3,}\{solution-end\}", text):
                skipping = False
                continue
            match = re.search(r":label:\s*([\w-]+)", cell.source)
            if match and match.group(1) in by_label and "{exercise}" in cell.source:
                current = by_label[match.group(1)]
                cells.append(
                    raw(
                        f"# BEGIN QUESTION\nname: {question_name(current.label)}\npoints: 1"
                    )
                )
            cells.append(
                nbformat.v4.new_markdown_cell(convert_markdown(cell.source, values))
            )
            continue
        if skipping:
            continue
        code = nbformat.v4.new_code_cell(cell.source)
        if "exercise-stub" in tags and current is not None:
            cells += [raw("# BEGIN PROMPT"), code, raw("# END PROMPT")]
            cells.append(raw("# BEGIN SOLUTION"))
            cells += [  # otter strips the marked lines from the students' version
                nbformat.v4.new_code_cell(
                    f"# BEGIN SOLUTION NO PROMPT\n{s}\n# END SOLUTION"
                )
                for s in current.solutions
            ]
            cells += [raw("# END SOLUTION"), raw("# BEGIN TESTS")]
            cells.append(test_cell(current.label, current.check, hidden=False))
            cells.append(
                test_cell(
                    current.label,
                    hidden_check(current.check, current.label),
                    hidden=True,
                )
            )
            cells += [raw("# END TESTS"), raw("# END QUESTION")]
            continue
        if "exercise-check" in tags:
            current = None
        cells.append(code)
    master = nbformat.v4.new_notebook(cells=cells, metadata=book.metadata)
    return master


def make_env(env: Path) -> None:
    """otter-grader in ``env``, which also sees this environment's packages (torch,
    nnbook) after its own: otter's dependencies never change the book's lock."""
    import subprocess
    import sys
    import sysconfig

    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-r",
            str(ROOT / "requirements-otter.txt"),
        ],
        check=True,
    )
    own = subprocess.run(
        [
            str(python),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    book = sysconfig.get_paths()["purelib"]
    line = f"import site; site.addsitedir({book!r})\n"
    (Path(own) / "nnbook-book-env.pth").write_text(line, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "otter")
    parser.add_argument("--make-env", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_env:
        make_env(args.make_env)
        return
    if not args.chapters:
        parser.error("name at least one chapter, e.g. layers")
    for chapter in args.chapters:
        target = args.out / chapter / f"{chapter}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(master_notebook(chapter), target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
