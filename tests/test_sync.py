"""One home for every piece of code: a helper written out in a chapter is the
package's own, character for character, and no two chapters define one name two ways.

Every top-level function, class or UPPER_CASE constant that a chapter defines under
the name of one of the package's (public or private) must be identical to it,
decorators included, and only the chapter that teaches a helper writes it out: the
others import it. After changing a helper, `python -m tools.sync_helpers` rewrites
the chapters' copies.
"""

from __future__ import annotations

import nbformat

from tools.helper_sources import cell_definitions, definitions, package_definitions


def chapter_definitions(chapters):
    """(chapter, name, source) of every top-level def/class in a code cell."""
    for chapter, nb in chapters.items():
        for cell in nb.cells:
            for name, (_, _, text) in cell_definitions(cell).items():
                yield chapter, name, text


def test_chapter_helpers_equal_the_package(chapters):
    package = package_definitions()
    synced = set()
    for chapter, name, source in chapter_definitions(chapters):
        if name in package:
            assert source == package[name], (
                f"{chapter} defines {name} differently from the package: "
                "run tools/sync_helpers.py (or rename the chapter's own function)"
            )
            synced.add(name)
    # the chapters that teach these helpers write them out in full
    taught = {
        "pick_device",  # Tensors and autograd
        "seed_everything",
        "plot_decision_boundary",  # Neurons
        "train_one_epoch",  # Training
        "Evaluation",
        "evaluate",
        "fit",
        "tensor_loader",
        "make_loaders",
        "accuracy",  # Evaluation
        "predict",
        "confusion_matrix",
        "per_class_scores",
        "make_mlp",  # Feed-forward networks
        "LENGTH",  # Comparing network types on MNIST-1D
        "NUM_CLASSES",
        "make_cnn",
        "GRUClassifier",
        "train_classifier",
        "train_and_test",
        "make_cnn_variant",  # Beyond the table
        "random_shift",
        "train_variant",
    }
    assert taught <= synced, f"not written out in any chapter: {taught - synced}"


def definition_problems(chapters, package) -> list[str]:
    """Names of functions and classes that two chapters define (or a package
    helper written out in more than the one chapter that teaches it)."""
    texts: dict[str, dict[str, set]] = {}
    for chapter, name, text in chapter_definitions(chapters):
        if name in package or not text.startswith(("def ", "class ", "@")):
            if name not in package:
                continue  # a constant of the chapter's own, such as BATCH_SIZE
        texts.setdefault(name, {}).setdefault(text, set()).add(chapter)
    problems = []
    for name, versions in sorted(texts.items()):
        where = sorted(set().union(*versions.values()))
        if len(where) < 2:
            continue  # one chapter (a stub and its solution may differ)
        if len(versions) > 1:
            problems.append(f"{name} is defined differently in {where}")
        elif name in package:
            problems.append(
                f"{name}, a helper of the package, is written out in {where}: only "
                "the chapter that teaches it writes it out, the others import it"
            )
    return problems


def test_no_two_chapters_define_one_name_two_ways(chapters):
    assert definition_problems(chapters, package_definitions()) == []


def test_two_definitions_of_one_name_are_found():
    cell = nbformat.v4.new_code_cell
    one = {"a": nbformat.v4.new_notebook(cells=[cell("def f():\n    return 1")])}
    two = {"b": nbformat.v4.new_notebook(cells=[cell("def f():\n    return 2")])}
    same = {"c": nbformat.v4.new_notebook(cells=[cell("def f():\n    return 1")])}
    assert definition_problems(one | two, {}) == [
        "f is defined differently in ['a', 'b']"
    ]
    assert definition_problems(one | same, {}) == []  # the same code twice: allowed
    assert (
        "only the chapter" in definition_problems(one | same, {"f": "def f(): ..."})[0]
    )


def test_definitions_include_decorators():
    source = "import x\n\n@dataclass\nclass A:\n    a: int = 1\n"
    assert definitions(source)["A"][2] == "@dataclass\nclass A:\n    a: int = 1"


MAX_SHARED_LINES = 12  # longer runs of code shared by two chapters belong in nnbook


def shared_runs(chapters, length: int = MAX_SHARED_LINES + 1) -> list[str]:
    """Runs of ``length`` code lines (blank lines and comments left out, white space
    folded) that two chapters share, outside the setup cell."""
    seen: dict[tuple, str] = {}
    found = []
    for chapter, nb in chapters.items():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index == 1:
                continue
            lines = [" ".join(line.split()) for line in cell.source.splitlines()]
            lines = [line for line in lines if line and not line.startswith("#")]
            for start in range(len(lines) - length + 1):
                run = tuple(lines[start : start + length])
                first = seen.setdefault(run, chapter)
                if first != chapter:
                    found.append(f"{first} and {chapter}: {run[0]!r} ...")
    return sorted(set(found))


def test_no_two_chapters_share_a_long_run_of_code(chapters):
    assert shared_runs(chapters) == []


def test_a_shared_run_is_found():
    code = "\n".join(f"x{i} = {i}" for i in range(MAX_SHARED_LINES + 1))
    cells = [nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("setup")]
    a = nbformat.v4.new_notebook(cells=[*cells, nbformat.v4.new_code_cell(code)])
    b = nbformat.v4.new_notebook(cells=[*cells, nbformat.v4.new_code_cell(code)])
    assert shared_runs({"a": a, "b": b}) == ["a and b: 'x0 = 0' ..."]
    short = "\n".join(code.splitlines()[:-1])
    c = nbformat.v4.new_notebook(cells=[*cells, nbformat.v4.new_code_cell(short)])
    assert shared_runs({"a": a, "c": c}) == []
