"""The repository URL and the version are set once, in _config.yml; all else agrees."""

from __future__ import annotations

import re
from pathlib import Path

from tools.notebooks import ROOT, repo_url, version


def test_version_is_a_release_number():
    assert re.fullmatch(r"\d+\.\d+\.\d+", version())


def test_helpers_pyproject_agrees():
    # read with a regular expression: tomllib is not in Python 3.10
    text = (ROOT / "helpers" / "pyproject.toml").read_text()
    assert re.search(r'^version = "(.*)"$', text, re.M).group(1) == version()
    assert re.search(r'^Homepage = "(.*)"$', text, re.M).group(1) == repo_url()


def test_readmes_agree():
    for path in ("README.md", "helpers/README.md"):
        text = (ROOT / path).read_text()
        for url in re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", text):
            assert url.rstrip(".") == repo_url(), (
                f"{path} names another repository: {url}"
            )
        for pin in re.findall(r"@v(\d+\.\d+\.\d+)", text):
            assert pin == version(), f"{path} pins v{pin}, the book is v{version()}"


def test_setup_cells_pin_the_configured_url_and_version(chapters):
    for name, nb in chapters.items():
        source = nb.cells[1].source
        assert f'REPO = "{repo_url()}"' in source, name
        assert f'VERSION = "{version()}"' in source, name


def test_helpers_dependencies_are_lower_bounds_only():
    """Installing the helpers in Colab must never up- or downgrade Colab's packages."""
    text = (ROOT / "helpers" / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S).group(1)
    requirements = re.findall(r'"([^"]+)"', block)
    assert requirements, "no dependencies found"
    for requirement in requirements:
        assert re.fullmatch(r"[\w-]+(>=[\d.]+)?", requirement), (
            f"not a lower bound: {requirement}"
        )


def test_citation_agrees():
    text = (ROOT / "CITATION.cff").read_text()
    assert re.search(r'^version: "(.*)"$', text, re.M).group(1) == version()
    assert re.search(r'^repository-code: "(.*)"$', text, re.M).group(1) == repo_url()


def test_set_version_rewrites_every_copy(tmp_path):
    """tools/set_version.py on a copy of the repository leaves it consistent."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "repo"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".venv-claims", "_build", ".git"),
    )
    subprocess.run(
        [sys.executable, "-m", "tools.set_version", "9.8.7"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    for name in ("_config.yml", "helpers/pyproject.toml", "CITATION.cff", "README.md"):
        assert "9.8.7" in (copy / name).read_text(), name
    import nbformat

    setup = nbformat.read(copy / "book" / "neurons.ipynb", as_version=4).cells[1].source
    assert 'VERSION = "9.8.7"' in setup


DOCS = ["README.md", "CONTRIBUTING.md", "helpers/README.md", "docs/design.md",
        "docs/testing.md"]  # fmt: skip
FILE_NAME = re.compile(r"`([\w./<>-]+\.(?:md|py|yml|yaml|txt|toml|cfg|json|ipynb|sh))`")
LINK = re.compile(r"\]\((?!https?://|#)([^)#\s]+)")


def missing_references(text: str, folder: Path) -> list[str]:
    """Repository files that a document names (in backticks or links) and that do not
    exist. A name with a placeholder (<chapter>), or one that a command writes (under
    reports/ or _build/), only needs its folder."""
    missing = []
    for name in FILE_NAME.findall(text):
        written = "<" in name or name.startswith(("reports/", "_build/"))
        path = ROOT / name.split("<")[0] if "<" in name else ROOT / name
        target = path.parent if written else path
        if not target.exists() and not (folder / name).exists():
            missing.append(name)
    for name in LINK.findall(text):
        if not (folder / name).exists():
            missing.append(name)
    return missing


def test_the_documents_name_only_files_of_the_repository():
    assert (ROOT / "docs" / "design.md").exists() and (ROOT / "docs" / "testing.md")
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert "../" not in text and "shared/" not in text, doc
        assert missing_references(text, (ROOT / doc).parent) == [], doc


def test_a_missing_reference_is_found():
    text = "See `docs/design.md`, `tools/nowhere.py` and [this](gone.md)."
    assert missing_references(text, ROOT) == ["tools/nowhere.py", "gone.md"]
