"""The built site in a real headless Chromium, offline, as a reader would see it.

Every page of _toc.yml loads without console errors or failed local requests;
maths is typeset; images load and have alt text; notebook pages launch exactly
their notebook in Colab; solutions and folded cells are collapsed until clicked, and
a folded cell's figure stays in view; the search finds
"ReLU" on the Activations page; dark mode works and figures stay readable.
A screenshot of the first screen of every page, light and dark, goes to
_build/screenshots/ for review (the first screen only: whole long pages cost minutes).

The same checks then run on a deliberately broken copy of the site, where each
must report a problem: a check that cannot fail proves nothing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_checks import (
    CHROMIUM_ARGS,
    Recorder,
    colab_problems,
    dark_mode_problems,
    fold_problems,
    image_problems,
    math_problems,
    open_page,
    search_problems,
    serve,
    solution_problems,
)

from tools.chromium import chromium_path
from tools.notebooks import ROOT, config, repo_url, toc_files

SCREENSHOTS = ROOT / "_build" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail(
            "no Chromium found: `make test` installs Debian's chromium when run as root; "
            "otherwise install it or set CHROMIUM=/path/to/chrome"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def colab_url(name: str) -> str:
    owner_repo = repo_url().removeprefix("https://github.com/")
    branch = config()["repository"]["branch"]
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{name}.ipynb"


def check_page(browser, base: str, name: str, screenshots: Path | None) -> list[str]:
    """Every per-page check on ``name`` (a toc entry), light then dark."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    recorder = Recorder(page, base)
    open_page(page, f"{base}{name}.html")
    problems = math_problems(page) + image_problems(page)
    if (ROOT / f"{name}.ipynb").exists():
        problems += colab_problems(page, colab_url(name))
    if screenshots:
        stem = name.replace("/", "-")
        page.screenshot(path=str(screenshots / f"{stem}-light.png"))
    problems += dark_mode_problems(page)
    if screenshots:
        page.screenshot(path=str(screenshots / f"{stem}-dark.png"))
    problems += recorder.problems
    page.close()
    return problems


def test_every_page_as_a_reader_sees_it(site, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    with serve(site) as base:
        for name in toc_files():
            if found := check_page(browser, base, name, SCREENSHOTS):
                problems[name] = found
    assert problems == {}
    assert len(list(SCREENSHOTS.glob("*-light.png"))) == len(toc_files())
    assert len(list(SCREENSHOTS.glob("*-dark.png"))) == len(toc_files())


def test_solutions_are_collapsed_and_open_on_click(site, browser):
    with serve(site) as base:
        page = browser.new_page()
        open_page(page, f"{base}book/tensors-and-autograd.html")
        assert solution_problems(page) == []


def test_folded_cells_are_collapsed_and_open_on_click(site, browser):
    """The setup cell, the exercise cases and long plotting code are folded; the
    figures they draw stay in view (a figure page: Neurons)."""
    with serve(site) as base:
        for name in ("book/neurons", "book/mnist1d-shuffled"):
            page = browser.new_page()
            open_page(page, f"{base}{name}.html")
            assert fold_problems(page) == [], name
            images = page.locator(".cell.tag_hide-input .cell_output img")
            assert images.count() > 0 and images.first.is_visible(), name
            page.close()


def test_search_finds_relu_on_the_activations_page(site, browser):
    with serve(site) as base:
        page = browser.new_page()
        assert search_problems(page, base, "ReLU", "book/activations.html") == []


def break_site(site: Path, broken: Path) -> None:
    """A copy of the site with one fault for every check."""
    shutil.copytree(site, broken)
    page = broken / "book" / "tensors-and-autograd.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace(
        "colab.research.google.com/github/", "colab.research.google.com/x/"
    )
    html = html.replace(
        'src="../_static/mathjax/tex-chtml.js', 'src="../_static/nomath.js'
    )
    html = html.replace("togglebutton.js", "no-togglebutton.js")  # solutions stay open
    html = html.replace("<summary", "<summary hidden", 1)  # a fold without its toggle
    html = html.replace(
        '<details class="admonition hide above-input">',
        '<details open class="admonition hide above-input">',
    )
    html = html.replace("theme-switch-button", "no-switch")
    html = re.sub(
        r"(<article[^>]*>)", r'\1<img src="missing.png" alt="">', html, count=1
    )
    html = html.replace(
        "</body>", "<script>console.error('broken on purpose')</script></body>"
    )
    page.write_text(html, encoding="utf-8")
    (broken / "searchindex.js").write_text("Search.setIndex({});", encoding="utf-8")
    # A figure drawn in black on a transparent background, and marked as made for dark
    # mode (so the theme does not give it a white background), vanishes in dark mode.
    figures = broken / "book" / "neurons.html"
    ink = '<img class="dark-light" src="../ink.png" alt="black ink, transparent background">'
    html = re.sub(
        r"(<article[^>]*>)", r"\1" + ink, figures.read_text(encoding="utf-8"), count=1
    )
    figures.write_text(html, encoding="utf-8")
    from PIL import Image, ImageDraw

    ink = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(ink).line([(0, 0), (300, 200)], fill=(0, 0, 0, 255), width=6)
    ink.save(broken / "ink.png")


def test_each_check_fails_on_a_broken_site(site, browser, tmp_path):
    broken = tmp_path / "broken"
    break_site(site, broken)
    with serve(broken) as base:
        page = browser.new_page()
        recorder = Recorder(page, base)
        open_page(page, f"{base}book/tensors-and-autograd.html")
        assert math_problems(page), "untypeset maths went unnoticed"
        assert image_problems(page), "a missing image without alt text went unnoticed"
        wrong = colab_problems(page, colab_url("book/tensors-and-autograd"))
        assert wrong, "a wrong Colab link went unnoticed"
        assert solution_problems(page), "an open solution went unnoticed"
        assert fold_problems(page), "a folded cell shown open went unnoticed"
        assert dark_mode_problems(page), "a missing dark-mode switch went unnoticed"
        assert any("console error" in p for p in recorder.problems)
        assert any("missing.png" in p for p in recorder.problems)
        page = browser.new_page()
        open_page(page, f"{base}book/neurons.html")
        assert dark_mode_problems(page), "an unreadable dark-mode figure went unnoticed"
        page = browser.new_page()
        assert search_problems(page, base, "ReLU", "book/activations.html")
