"""Sources of the helpers package's top-level functions and classes, read from its files.

Used by the sync test (a helper written out in a chapter must equal the package's)
and by tools/sync_helpers.py (which rewrites a chapter's copy from the package).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "helpers" / "nnbook"


def definitions(source: str) -> dict[str, tuple[int, int, str]]:
    """Top-level name -> (start, end) character offsets and text.

    The names are those of functions and classes (decorators included) and of
    constants: an assignment to one UPPER_CASE name, such as ``LENGTH = 40``.
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            start = offsets[first - 1]
            end = offsets[node.end_lineno - 1] + node.end_col_offset
            found[node.name] = (start, end, source[start:end])
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.isupper()
        ):
            start = offsets[node.lineno - 1] + node.col_offset
            end = offsets[node.end_lineno - 1] + node.end_col_offset
            found[node.targets[0].id] = (start, end, source[start:end])
    return found


def package_definitions() -> dict[str, str]:
    """Every top-level function and class of the package, by name, with its source."""
    found = {}
    for path in sorted(PACKAGE.glob("*.py")):
        for name, (_, _, text) in definitions(path.read_text(encoding="utf-8")).items():
            found[name] = text
    return found


def cell_definitions(cell) -> dict[str, tuple[int, int, str]]:
    """``definitions`` of a notebook cell; empty for Markdown or unparsable code."""
    if cell.cell_type != "code":
        return {}
    try:
        return definitions(cell.source)
    except SyntaxError:
        return {}
