"""The strict site build (warnings are errors) and what its HTML must contain."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from tools.notebooks import ROOT, config, exercises, notebooks, repo_url, toc_files


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


def test_execution_statistics_come_from_measurements(site):
    """The stats page lists every chapter with the time `make outputs` measured."""
    times = json.loads((ROOT / "book" / "_data" / "cpu-times.json").read_text())[
        "seconds"
    ]
    assert set(times) == {f"{p.relative_to(ROOT)}" for p in notebooks()}, (
        "book/_data/cpu-times.json does not cover the chapters: run `make outputs`"
    )
    text, html = page(site, "book/execution-stats")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", text, flags=re.S)
    cells = [re.sub(r"<[^>]+>", "", row).split() for row in rows]
    shown = " ".join(" ".join(c) for c in cells)
    for notebook, seconds in times.items():
        assert f"{seconds:.1f}" in shown, notebook
    assert f"{sum(times.values()):.1f}" in shown
    assert len(html.find("a", href=r"\.html")) >= len(times)


def test_execution_statistics_show_a_gpu_run():
    sys.path.insert(0, str(ROOT / "_ext"))
    from book_site import stats_lines

    cpu = {
        "seconds": {"book/a.ipynb": 1.25, "book/b.ipynb": 2.0},
        "cpu_count": 2,
        "machine": "x86_64",
        "python": "3.11",
    }
    gpu = {
        "results": [{"notebook": "book/a.ipynb", "seconds": 0.5, "passed": True}],
        "total_seconds": 0.5,
        "date": "2026-01-01",
        "device": "NVIDIA H100",
        "torch": "2.x",
        "cuda": "13",
        "all_passed": True,
    }
    text = "\n".join(stats_lines(cpu, gpu))
    assert "| 1.2 | 0.5 | passed |" in text or "| 1.3 | 0.5 | passed |" in text
    assert "| 2.0 | not run | |" in text and "NVIDIA H100" in text
    assert "no run of `make test-gpu`" in "\n".join(stats_lines(cpu, None))


def broken_internal_links(site: Path) -> list[str]:
    """Every local href and src of every page points to a file that exists, and every
    #fragment to an id on the target page (the site's own files only, offline)."""
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            text = path.read_text(encoding="utf-8", errors="replace")
            ids[path] = set(re.findall(r'\bid="([^"]+)"', text))
        return ids[path]

    broken = []
    for page_path in sorted(site.rglob("*.html")):
        if "_static" in page_path.parts:
            continue
        text = page_path.read_text(encoding="utf-8", errors="replace")
        for attr, link in re.findall(r'\b(href|src)="([^"]*)"', text):
            if re.match(r"^(https?:|mailto:|data:|javascript:|//)", link) or not link:
                continue
            target, _, fragment = link.partition("#")
            target = target.split("?")[0]
            path = (page_path.parent / target).resolve() if target else page_path
            where = f"{page_path.relative_to(site)}: {attr}={link}"
            if not path.exists():
                broken.append(f"{where} (no such file)")
            elif fragment and path.suffix == ".html" and fragment not in ids_of(path):
                broken.append(f"{where} (no such anchor)")
    return broken


def test_no_broken_internal_links(site):
    assert broken_internal_links(site) == []


def test_the_link_check_finds_a_broken_link(site, tmp_path):
    import shutil

    copy = tmp_path / "html"
    shutil.copytree(site, copy)
    page_path = copy / "book" / "neurons.html"
    text = page_path.read_text(encoding="utf-8")
    text = text.replace(
        "</article>",
        '<a href="layers.html#no-such-section">x</a>'
        '<a href="missing-page.html">y</a></article>',
        1,
    )
    page_path.write_text(text, encoding="utf-8")
    found = broken_internal_links(copy)
    assert any("no-such-section" in f for f in found)
    assert any("missing-page.html" in f for f in found)
