"""Write the student edition (``make student``): the book without its solutions.

For every chapter notebook this removes the solution cells (everything between
a ``solution-start`` and a ``solution-end`` marker), keeps the stubs (which
raise ``NotImplementedError``), clears every output, and turns the book-only
MyST markup into plain Markdown that reads well in Jupyter and Colab: glued
numbers become their values, exercise and admonition directives become block
quotes, cross-reference roles become their text. Each stub cell keeps its tag
and names its exercise in its metadata (``nnbook.exercise``), so that ``make grade``
finds a student's answer by label, not by position.

Usage: python -m tools.student [--out DIR]
"""

from __future__ import annotations

import argparse
import re
from ast import literal_eval
from pathlib import Path

import nbformat

from .notebooks import EXERCISE, ROOT, notebooks

FENCE = re.compile(r"^(:{3,}|`{3,})\{([\w:-]+)\}\s*(.*)$")
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
TARGET = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
EQ_LABEL = re.compile(r"(\$\$)\s*\(([\w-]+)\)")
ADMONITION_TITLES = {
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
    "important": "Important",
    "caution": "Caution",
    "hint": "Hint",
    "seealso": "See also",
    "attention": "Attention",
    "danger": "Danger",
    "admonition": "",
}


def glued_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The text/plain form of every value the notebook glued, by name."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if meta:
                prefix = meta.get("mime_prefix", "")
                values[meta["name"]] = output["data"].get(prefix + "text/plain", "")
    return values


def format_value(text: str, spec: str) -> str:
    """Format a glued text/plain value as myst-nb's ``{glue:text}`` role does."""
    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if not spec:
        return str(value)
    kind = spec[-1]
    if kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    elif kind == "s":
        value = str(value)
    return format(value, spec)


def convert_role(match: re.Match, values: dict[str, str]) -> str:
    role, content = match.group(1), match.group(2)
    if role.startswith("glue"):
        name, _, spec = content.partition(":")
        if name not in values:
            raise KeyError(f"no glued value named {name!r}")
        return format_value(values[name], spec)
    if role == "math":
        return f"${content}$"
    text = re.sub(r"\s*<[^>]*>$", "", content)  # `text <target>` -> text
    return text.lstrip("~!")


def convert_markdown(source: str, values: dict[str, str]) -> str:
    """Turn MyST-only markup into plain (Jupyter-flavoured) Markdown."""
    source = TARGET.sub("", source)
    source = EQ_LABEL.sub(r"\1", source)
    source = ROLE.sub(lambda m: convert_role(m, values), source)
    out: list[str] = []
    stack: list[tuple[str, str]] = []  # (closing fence, "quote" or "code")

    def emit(line: str) -> None:
        depth = sum(kind == "quote" for _, kind in stack)
        out.append(("> " * depth + line).rstrip())

    for line in source.splitlines():
        if stack and line.strip() == stack[-1][0]:
            _, kind = stack.pop()
            emit("```" if kind == "code" else "")
            continue
        match = FENCE.match(line)
        if match:
            fence, name, argument = match.groups()
            if name in ("code-block", "code", "code-cell"):
                emit(f"```{argument}".rstrip())
                stack.append((fence, "code"))
                continue
            title = (
                "Exercise"
                if name == "exercise"
                else ADMONITION_TITLES.get(name, name.title())
            )
            heading = ": ".join(part for part in (title, argument.strip()) if part)
            stack.append((fence, "quote"))
            emit(f"**{heading}**" if heading else "")
            continue
        if stack and stack[-1][1] == "quote" and re.match(r"^:[\w-]+:", line):
            continue  # directive options such as :label: or :class:
        emit(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with solutions removed, outputs cleared, markup made plain."""
    values = glued_values(nb)
    cells, in_solution, label = [], False, None
    for cell in nb.cells:
        text = cell.source.lstrip()
        if cell.cell_type == "markdown" and (match := EXERCISE.search(cell.source)):
            label = match.group(1)
        if cell.cell_type == "markdown" and re.match(r"^:{3,}\{solution-start\}", text):
            in_solution = True
            continue
        if cell.cell_type == "markdown" and re.match(r"^:{3,}\{solution-end\}", text):
            in_solution = False
            continue
        if in_solution:
            continue
        cell = nbformat.from_dict(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if "exercise-stub" in cell.metadata.get("tags", []) and label:
                # how `make grade` finds the answer, wherever the student moves it
                cell.metadata["nnbook"] = {"exercise": label}
        else:
            cell.source = convert_markdown(cell.source, values)
        cells.append(cell)
    if in_solution:
        raise ValueError("a solution-start marker has no solution-end")
    student = nbformat.from_dict(nb)
    student.cells = cells
    return student


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student")
    args = parser.parse_args()
    for path in notebooks():
        target = args.out / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
