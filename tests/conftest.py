"""Shared fixtures: the repository root, the built site and the chapters."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import pytest

from tools.notebooks import notebooks

ROOT = Path(__file__).resolve().parent.parent
matplotlib.use("Agg")  # tests never open windows


@pytest.fixture(scope="session")
def site() -> Path:
    """Build the site as `make book` does, from scratch (strict), and return its folder."""
    html = ROOT / "_build" / "html"
    shutil.rmtree(html, ignore_errors=True)
    shutil.rmtree(ROOT / "_build" / ".doctrees", ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    command = [str(jb), "build", str(ROOT), "--all", "--builder", "html", "-W", "-n"]
    result = subprocess.run([*command, "--keep-going"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert "warning" not in result.stderr.lower(), result.stderr[-5000:]
    chinese = subprocess.run(  # make book builds the Chinese site too, strict
        [sys.executable, "-m", "tools.i18n", "build-zh"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert chinese.returncode == 0, chinese.stdout[-5000:] + chinese.stderr[-5000:]
    return html


@pytest.fixture(scope="session")
def chapter_paths() -> list[Path]:
    paths = notebooks()
    assert paths, "no chapter notebooks found via _toc.yml"
    return paths


@pytest.fixture(scope="session")
def chapters(chapter_paths) -> dict[str, nbformat.NotebookNode]:
    return {p.stem: nbformat.read(p, as_version=4) for p in chapter_paths}
