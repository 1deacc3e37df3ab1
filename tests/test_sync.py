"""A helper written out in a chapter is the package's own, character for character.

Every top-level function or class that a chapter defines under the name of one of
the package's (public or private) must be identical to it, decorators included.
After changing a helper, `python tools/sync_helpers.py` rewrites the chapters' copies.
"""

from __future__ import annotations

from helper_sources import cell_definitions, definitions, package_definitions


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
        "evaluate",
        "fit",
        "make_loaders",
        "accuracy",  # Evaluation
        "predict",
        "confusion_matrix",
        "per_class_scores",
    }
    assert taught <= synced, f"not written out in any chapter: {taught - synced}"


def test_definitions_include_decorators():
    source = "import x\n\n@dataclass\nclass A:\n    a: int = 1\n"
    assert definitions(source)["A"][2] == "@dataclass\nclass A:\n    a: int = 1"
