"""Structure of every chapter notebook: the conventions of DESIGN.md, read from the files."""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter

import nbformat
import pytest

from tools.helper_sources import package_definitions
from tools.notebooks import (
    FOLD_TAG,
    ROOT,
    exercises,
    fold_problems,
    setup_cell_source,
    toc_files,
)

ALLOWED_IMPORTS = {
    "torch",
    "torchvision",
    "numpy",
    "matplotlib",
    "sklearn",
    "tqdm",
    "IPython",
    "nnbook",
    "mnist1d",
} | set(sys.stdlib_module_names)
DEPRECATED = {
    r"\.cuda\(": "use .to(device), not .cuda()",
    r"\bF\.sigmoid\b": "use torch.sigmoid",
    r"\bF\.tanh\b": "use torch.tanh",
    r"\bVariable\(": "Variable is deprecated: tensors carry requires_grad",
    r"torch\.load\((?![^)]*weights_only=True)": "torch.load needs weights_only=True",
}
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([\w-]+)")


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_toc_and_book_agree():
    listed = set(toc_files())
    on_disk = {
        str(p.relative_to(ROOT).with_suffix(""))
        for p in (ROOT / "book").rglob("*")
        if p.suffix in (".ipynb", ".md")
        and "_build" not in p.parts
        and ".ipynb_checkpoints" not in p.parts
    }
    assert on_disk - listed == set(), "pages not in _toc.yml"
    assert listed - on_disk == set(), "_toc.yml lists missing pages"


def test_setup_cell_is_first_and_identical(chapters):
    expected = setup_cell_source()
    for name, nb in chapters.items():
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith(
            "# "
        ), name
        assert nb.cells[1].source == expected, (
            f"{name}: the setup cell differs from the template"
        )


def skipped(cell) -> bool:
    """An optional cell (say, one that downloads) that neither make outputs nor nbval runs."""
    tags = set(cell.metadata.get("tags", []))
    return bool({"nbval-skip", "skip-execution"} & tags)


def test_skipped_cells_are_skipped_everywhere(chapters):
    for name, nb in chapters.items():
        for cell in code_cells(nb):
            if skipped(cell):
                tags = set(cell.metadata.get("tags", []))
                assert {"nbval-skip", "skip-execution"} <= tags, f"{name}: tag both"
                assert cell.outputs == [], f"{name}: a skipped cell has outputs"


def test_outputs_are_stored_and_error_free(chapters):
    for name, nb in chapters.items():
        for i, cell in enumerate(c for c in code_cells(nb) if not skipped(c)):
            assert cell.execution_count is not None, (
                f"{name}: code cell {i} was never run"
            )
            for output in cell.outputs:
                assert output.output_type != "error", (
                    f"{name}: code cell {i} stored an error"
                )
        numbers = [c.execution_count for c in code_cells(nb) if not skipped(c)]
        assert numbers == list(range(1, len(numbers) + 1)), (
            f"{name}: not run top to bottom"
        )


def test_few_outputs_are_ignored(chapters):
    cells = [c for nb in chapters.values() for c in code_cells(nb) if c.outputs]
    ignored = [
        c
        for c in cells
        if {"nbval-ignore-output", "nbval-skip"} & set(c.metadata.get("tags", []))
    ]
    assert len(ignored) <= 0.15 * len(cells)


def test_imports_are_available_in_colab(chapters):
    for name, nb in chapters.items():
        for cell in code_cells(nb):
            source = "\n".join(
                line
                for line in cell.source.splitlines()
                if not line.lstrip().startswith(("%", "!"))
            )
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    modules = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    assert module.split(".")[0] in ALLOWED_IMPORTS, (
                        f"{name} imports {module}"
                    )


def test_no_deprecated_apis(chapters):
    for name, nb in chapters.items():
        for cell in code_cells(nb):
            for pattern, why in DEPRECATED.items():
                assert not re.search(pattern, cell.source), (
                    f"{name}: {why}\n{cell.source}"
                )


def test_figures_have_alt_text(chapters):
    for name, nb in chapters.items():
        for cell in code_cells(nb):
            if any("image/png" in o.get("data", {}) for o in cell.outputs):
                alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
                assert len(alt) > 10, (
                    f"{name}: a figure without alt text:\n{cell.source[:200]}"
                )


def test_glued_names_are_unique_and_quoted_names_exist(chapters):
    glued = Counter()
    quoted = set()
    for nb in chapters.values():
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                meta = output.get("metadata", {}).get("scrapbook")
                if meta:
                    glued[meta["name"]] += 1
            if cell.cell_type == "markdown":
                quoted |= set(GLUE_ROLE.findall(cell.source))
    assert [n for n, k in glued.items() if k > 1] == [], (
        "glue names must be unique in the book"
    )
    assert quoted - set(glued) == set(), "the text quotes values that are never glued"


@pytest.mark.parametrize("minimum", [3])
def test_every_chapter_has_checked_exercises(chapters, minimum):
    labels = Counter()
    for name, nb in chapters.items():
        found = exercises(nb)  # raises, naming the label, if the pattern is broken
        assert len(found) >= minimum, (
            f"{name}: {len(found)} exercises, at least {minimum} wanted"
        )
        for ex in found:
            labels[ex.label] += 1
            shown = "".join(
                o.get("data", {}).get("text/plain", "") for o in ex.check_outputs
            )
            assert "passed" in shown, (
                f"{ex.label}: the stored check does not pass: {shown!r}"
            )
    assert [label for label, k in labels.items() if k > 1] == []


def test_exercise_parser_rejects_a_broken_pattern(chapters):
    nb = nbformat.from_dict(next(iter(chapters.values())))
    first = exercises(nb)[0]
    index = next(i for i, c in enumerate(nb.cells) if first.label in c.source)
    del nb.cells[index + 1]  # drop the stub
    with pytest.raises(ValueError, match=first.label):
        exercises(nb)


def test_scaffolding_is_folded_and_the_lesson_is_not(chapters):
    taught = set(package_definitions())
    problems = {name: fold_problems(nb, taught) for name, nb in chapters.items()}
    assert {name: p for name, p in problems.items() if p} == {}


def test_the_folding_rules_can_fail(chapters):
    taught = set(package_definitions())
    nb = nbformat.from_dict(chapters["mnist1d-benchmark"])
    assert fold_problems(nb, taught) == []
    nb.cells[1].metadata["tags"].remove(FOLD_TAG)  # the setup cell, open
    stub = next(c for c in nb.cells if "exercise-stub" in c.metadata.get("tags", []))
    stub.metadata["tags"].append(FOLD_TAG)  # a stub, folded
    plot = next(c for c in nb.cells[2:] if FOLD_TAG in c.metadata.get("tags", []))
    plot.metadata["tags"].remove(FOLD_TAG)  # scaffolding, open
    found = " | ".join(fold_problems(nb, taught))
    assert "setup cell is not folded" in found
    assert "stay open" in found and "should be folded" in found
