"""The strict site build (warnings are errors) and what its HTML must contain."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from notebooks import ROOT, config, exercises, notebooks, repo_url, toc_files

HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def site() -> Path:
    """Build the site as `make book` does, from scratch, and return its folder."""
    shutil.rmtree(ROOT / "_build" / "html", ignore_errors=True)
    shutil.rmtree(ROOT / "_build" / ".doctrees", ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", str(ROOT), "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert "warning" not in result.stderr.lower(), result.stderr[-5000:]
    return HTML


class Page(HTMLParser):
    """Collects the tags of a page with their attributes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs) -> list[dict]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(re.search(v, a.get(k) or "") for k, v in attrs.items())
        ]


def page(site: Path, name: str) -> tuple[str, Page]:
    text = (site / f"{name}.html").read_text(encoding="utf-8")
    return text, Page(text)


def test_every_toc_page_is_built(site):
    for name in toc_files():
        assert (site / f"{name}.html").exists(), name


def test_notebook_pages_have_a_colab_button_to_their_own_path(site):
    owner_repo = repo_url().removeprefix("https://github.com/")
    branch = config()["repository"]["branch"]
    for path in notebooks():
        name = str(path.relative_to(ROOT).with_suffix(""))
        _, html = page(site, name)
        links = html.find("a", href=r"colab\.research\.google\.com")
        expected = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{name}.ipynb"
        assert [a["href"] for a in links] == [expected], name


def test_outputs_figures_and_alt_text_are_shown(site):
    for path in notebooks():
        name = str(path.relative_to(ROOT).with_suffix(""))
        text, html = page(site, name)
        assert "cell_output" in text, f"{name}: no outputs on the page"
        images = html.find("img", src=r"_images/")
        assert images, f"{name}: no figures on the page"
        for img in images:
            assert len(img.get("alt", "")) > 10, f"{name}: an image without alt text"


def test_solutions_are_collapsed_dropdowns(site):
    for path in notebooks():
        name = str(path.relative_to(ROOT).with_suffix(""))
        _, html = page(site, name)
        solutions = html.find("div", **{"class": r"\bsolution\b"})
        assert len(solutions) == len(
            exercises(__import__("nbformat").read(path, as_version=4))
        )
        for div in solutions:
            assert "dropdown" in div["class"], f"{name}: a solution is not a dropdown"


def test_glued_numbers_and_maths_are_rendered(site):
    for path in notebooks():
        name = str(path.relative_to(ROOT).with_suffix(""))
        text, _ = page(site, name)
        assert "{glue" not in text and "papermill.record" not in text, name
    text, _ = page(site, "book/tensors-and-autograd")
    assert re.search(r'class="math', text), "no maths on the autograd page"
