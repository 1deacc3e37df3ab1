"""A helper written out in a chapter is the package's function, character for character."""

from __future__ import annotations

import ast
import inspect
import textwrap

import nnbook


def chapter_definitions(chapters):
    """(chapter, name, source) of every top-level def/class in a code cell."""
    for name, nb in chapters.items():
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    yield name, node.name, ast.get_source_segment(cell.source, node)


def test_chapter_helpers_equal_the_package(chapters):
    synced = []
    for chapter, name, source in chapter_definitions(chapters):
        if name not in nnbook.__all__:
            continue
        package_source = textwrap.dedent(inspect.getsource(getattr(nnbook, name))).strip()
        assert source.strip() == package_source, (
            f"{chapter} defines {name} differently from nnbook.{name}: "
            "copy the package's function into the chapter (or rename the chapter's)"
        )
        synced.append(name)
    # the foundation chapters teach these two helpers in full
    assert {"pick_device", "seed_everything"} <= set(synced)
