"""The Chinese edition: complete catalogues that follow the English source, glossary
terms used as the glossary gives them, a strict Chinese site with a language switch
on every page and a working Chinese search, checked in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from browser_checks import CHROMIUM_ARGS, open_page, search_problems, serve

from tools import i18n
from tools.chromium import chromium_path

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "screenshots"


def catalogue_ids() -> dict[str, set[str]]:
    ids = {}
    for path in sorted(i18n.CATALOGUES.rglob("*.po")):
        with open(path, "rb") as f:
            ids[str(path.relative_to(i18n.CATALOGUES))] = {
                m.id for m in read_po(f) if m.id
            }
    return ids


def test_every_entry_is_translated_and_keeps_what_it_must():
    """No entry untranslated or fuzzy; roles, maths, code and glossary terms kept."""
    report = i18n.check()
    assert len(report) >= 20
    problems = {name: p[:5] for name, p in report.items() if p}
    assert problems == {}


def test_the_catalogues_follow_the_english_text(tmp_path):
    """Extracting the English pages now gives exactly the catalogues' entries: an
    English edit that `make gettext` has not brought in fails here."""
    built = i18n.build_book(None, ["custom", "--custom-builder", "gettext"], tmp_path)
    templates = {}
    for path in built.rglob("*.pot"):
        with open(path, "rb") as f:
            name = str(path.relative_to(built))
            templates[name.removesuffix(".pot") + ".po"] = {
                m.id for m in read_po(f) if m.id
            }
    catalogues = catalogue_ids()
    assert set(templates) == set(catalogues)
    stale = {
        name: sorted(templates[name] ^ catalogues[name])[:3]
        for name in templates
        if templates[name] != catalogues[name]
    }
    assert stale == {}, "run `make gettext` and translate what it marks"


@pytest.mark.parametrize(
    "msgid, msgstr, problem",
    [
        ("A {term}`tensor`.", "", "untranslated"),
        (
            "A {term}`tensor` and a {term}`layer`.",
            "一个 {term}`张量 <tensor>`。",
            "roles",
        ),
        ("The mean $\\mu$.", "均值 $m$。", "maths or inline code"),
        ("Call `loss.backward()`.", "调用 `backward()`。", "maths or inline code"),
        ("It is {glue:text}`acc:.2f`.", "它是 0.97。", "roles"),
        ("A {term}`tensor`.", "一个 {term}`数组 <tensor>`。", "not 张量"),
    ],
)
def test_the_checker_finds_each_kind_of_fault(msgid, msgstr, problem):
    terms = i18n.glossary_terms()
    assert any(problem in p for p in i18n.entry_problems(msgid, msgstr, False, terms))
    right = "一个 {term}`张量 <tensor>`。"
    assert i18n.entry_problems("A {term}`tensor`.", right, False, terms) == []
    assert i18n.entry_problems("A {term}`tensor`.", right, True, terms) == ["fuzzy"]
    code = "Called `weight_ih_l{k}` and so on."  # braces in code are not a role
    assert i18n.entry_problems(code, "名为 `weight_ih_l{k}` 等等。", False, terms) == []


def test_glossary_terms_are_read_from_the_glossary():
    terms = i18n.glossary_terms()
    assert len(terms) >= 90
    assert terms["tensor"] == ["张量"] and terms["batch"] == ["批量", "批次"]


# --- the Chinese site ---------------------------------------------------------------


def test_the_chinese_site_is_built_beside_the_english_one(site):
    zh = site / "zh_CN" / "book" / "layers.html"
    en = site / "book" / "layers.html"
    html_zh, html_en = zh.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="zh[-_]CN"', html_zh)
    article = html_zh.split("<article", 1)[1]
    assert len(re.findall(r"[\u4e00-\u9fff]", article)) > 2000  # the prose is Chinese
    assert 'href="../../book/layers.html" hreflang="en"' in html_zh
    assert 'href="../zh_CN/book/layers.html" hreflang="zh-CN"' in html_en
    assert "正文为英文" in html_zh  # the notebook behind the launch buttons is English
    # the code cells are the English ones: same sources, same outputs
    code = re.compile(r'<div class="highlight-ipython3 notranslate">.*?</pre>', re.S)
    assert code.findall(html_zh) == code.findall(html_en)
    index = (site / "zh_CN" / "searchindex.js").read_text(encoding="utf-8")
    # jieba split the Chinese text into words for the search (stored as \\u escapes)
    assert "张量".encode("unicode_escape").decode() in index
    import jieba  # noqa: F401  the lock's; without it Sphinx splits Chinese badly


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail("no Chromium found: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_the_switch_goes_to_english_and_back(site, browser):
    with serve(site) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        open_page(page, f"{base}zh_CN/book/layers.html")
        assert page.locator("html").get_attribute("lang").lower().startswith("zh")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shots = {}
        shots["zh"] = page.screenshot(path=str(SCREENSHOTS / "zh-layers.png"))
        page.click("p.nnbook-language a")
        page.wait_for_load_state("load")
        assert page.url == f"{base}book/layers.html"
        shots["en"] = page.screenshot(path=str(SCREENSHOTS / "en-layers.png"))
        page.click("p.nnbook-language a")
        page.wait_for_load_state("load")
        assert page.url == f"{base}zh_CN/book/layers.html"
        page.close()
    from browser_checks import luminance

    for shot in shots.values():  # a page with text on it, not a blank one
        brightness, dark = luminance(shot)
        assert 0.5 < brightness < 0.99 and dark > 0.01
    assert shots["zh"] != shots["en"]


def test_a_chinese_search_finds_its_chapter(site, browser):
    with serve(site) as base:
        page = browser.new_page()
        found = search_problems(page, f"{base}zh_CN/", "张量", "tensors-and-autograd")
        assert found == []
        page.close()
