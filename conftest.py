"""Collection rules for the whole repository (tests/conftest.py holds the fixtures)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

from notebooks import notebooks  # noqa: E402


def pytest_ignore_collect(collection_path, config):
    """nbval runs the chapters of _toc.yml only (a test checks that book/ has no others)."""
    if collection_path.suffix == ".ipynb":
        return collection_path.resolve() not in {p.resolve() for p in notebooks()}
    return None
