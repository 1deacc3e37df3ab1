"""The glossary appendix: enough entries, each with its Chinese term and a link to the
chapter that teaches it, and every chapter links the first use of the terms it uses
(``tools/link_terms.py --check``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat

from tools.link_terms import Entry, Terms, glossary_entries, link_notebook
from tools.notebooks import ROOT, notebooks, toc_files

GLOSSARY = ROOT / "book" / "glossary.md"
LINK_TERMS = [sys.executable, "-m", "tools.link_terms"]
CJK = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character
DOC = re.compile(r"\{doc\}`([^`]+)`")


def glossary_problems(entries: list[Entry], chapters: set[str]) -> list[str]:
    """What is wrong with ``entries``: a missing Chinese term, a missing link, or a
    link to something that is not one of ``chapters``."""
    found = []
    for entry in entries:
        name = entry.terms[0]
        if not CJK.search(entry.definition):
            found.append(f"{name}: no Chinese term")
        links = DOC.findall(entry.definition)
        if not links:
            found.append(f"{name}: no {{doc}} link to the chapter that teaches it")
        found += [f"{name}: {x!r} is not a chapter" for x in links if x not in chapters]
    return found


def chapter_names() -> set[str]:
    return {path.stem for path in notebooks()}


def test_glossary_is_in_the_toc():
    assert "book/glossary" in toc_files()


def test_glossary_has_at_least_40_entries():
    assert len(glossary_entries(GLOSSARY)) >= 40


def test_every_entry_has_chinese_and_links_a_chapter():
    assert glossary_problems(glossary_entries(GLOSSARY), chapter_names()) == []


def test_terms_are_unique():
    terms = [t.lower() for e in glossary_entries(GLOSSARY) for t in e.terms]
    assert sorted({t for t in terms if terms.count(t) > 1}) == []


def test_glossary_problems_are_found():
    chapters = {"neurons"}
    good = Entry(["neuron"], "神经元 (shénjīngyuán). A unit. Taught in {doc}`neurons`.")
    assert glossary_problems([good], chapters) == []
    no_chinese = Entry(["neuron"], "A unit. Taught in {doc}`neurons`.")
    no_link = Entry(["neuron"], "神经元. A unit.")
    elsewhere = Entry(["neuron"], "神经元. A unit. Taught in {doc}`nowhere`.")
    for broken in (no_chinese, no_link, elsewhere):
        assert glossary_problems([broken], chapters), broken


def test_every_chapter_links_its_terms():
    result = subprocess.run(
        [*LINK_TERMS, "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


SOURCE = """\
# Neurons and weights

A neuron holds weights, and `weight` in code or $weight$ in maths is no use.
The *Neurons and weights* chapter is a name. More Neurons and a Bias.
<!-- no-glossary: bias -->"""
LINKED = """\
# Neurons and weights

A {term}`neuron` holds {term}`weights <weight>`, and `weight` in code or $weight$ \
in maths is no use.
The *Neurons and weights* chapter is a name. More Neurons and a Bias.
<!-- no-glossary: bias -->"""


def test_link_notebook_links_first_uses_once():
    entries = [Entry([t], "") for t in ("neuron", "weight", "bias")]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(SOURCE)])
    assert link_notebook(nb, Terms(entries)) == ["neuron", "weight"]
    assert nb.cells[0].source == LINKED
    assert link_notebook(nb, Terms(entries)) == []  # idempotent


def test_check_fails_on_an_unlinked_term(tmp_path: Path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("root: book/index\n  - file: book/toy\n")
    (tmp_path / "book" / "glossary.md").write_text(GLOSSARY.read_text())
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(SOURCE)])
    nbformat.write(nb, tmp_path / "book" / "toy.ipynb")

    def run(*options: str) -> subprocess.CompletedProcess:
        command = [*LINK_TERMS, "--root", str(tmp_path), *options]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)

    assert run("--check").returncode == 1
    assert run("--dry-run").returncode == 0
    assert run("--check").returncode == 1  # a dry run writes nothing
    assert "toy: neuron, weight" in run().stdout
    assert run("--check").returncode == 0
