"""Shared fixtures: the repository root, the chapters, and the tools on sys.path."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
matplotlib.use("Agg")  # tests never open windows

from notebooks import notebooks  # noqa: E402


@pytest.fixture(scope="session")
def chapter_paths() -> list[Path]:
    paths = notebooks()
    assert paths, "no chapter notebooks found via _toc.yml"
    return paths


@pytest.fixture(scope="session")
def chapters(chapter_paths) -> dict[str, nbformat.NotebookNode]:
    return {p.stem: nbformat.read(p, as_version=4) for p in chapter_paths}


def pytest_ignore_collect(collection_path, config):
    """nbval runs the chapters of _toc.yml only (a test checks that book/ has no others)."""
    if collection_path.suffix == ".ipynb":
        return collection_path.resolve() not in {p.resolve() for p in notebooks()}
    return None
