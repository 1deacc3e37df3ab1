"""Link the first use of every glossary term in each chapter to the glossary.

The terms come from the ``{glossary}`` directive of ``book/glossary.md``; an entry may
list synonyms, one per line. In each chapter of ``_toc.yml`` the first use of an
entry in running text (case-insensitive, whole words, plurals too) becomes
``{term}`text <term>```. Code, maths, headings, links, roles, directive and option
lines, "quotations" and *italics* (titles, chapter names) are left alone, and so is
every entry that the chapter already links or names in a comment
``<!-- no-glossary: term, term -->`` (for a word used in another sense, such as the
precision of a float): running the tool twice changes nothing. Outputs are untouched.

Usage: python -m tools.link_terms [--root DIR] [--dry-run | --check]
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import notebooks as book

GLOSSARY = re.compile(r"^```\{glossary\}[^\n]*\n(.*?)^```", re.M | re.S)
TERM_ROLE = re.compile(r"\{term\}`(?:[^`<]*<([^`>]+)>|([^`]+))`")
NO_LINK = re.compile(r"<!--\s*no-glossary:(.*?)-->", re.S)  # terms not to link here
SKIP = re.compile(  # text that is never linked
    "|".join(
        [
            r"^(`{3,}|~{3,}).*?^\1",  # fenced code
            r"^\s*(?:#{1,6}\s|:{3,}|:[\w-]+:|\(\S+\)=).*?$",  # headings, directives
            r"\$\$.*?\$\$|\$[^$]+\$",  # maths
            r"\{[\w:-]+\}`[^`]*`|`[^`]*`",  # roles, inline code
            r"!?\[[^\]]*\]\([^)]*\)|<!--.*?-->|<[a-zA-Z/][^>\n]*>",  # links, HTML
            r'"(?:[^"\n]|\n(?!\s*\n))*"',  # "quotations", such as titles of papers
            # *italics*, such as the names of chapters
            r"(?<![*\w])\*(?![*\s])(?:[^*\n]|\n(?!\s*\n))+?(?<![*\s])\*(?![*\w])",
        ]
    ),
    re.M | re.S,
)


@dataclass
class Entry:
    """A glossary entry: its terms (synonyms) and its definition."""

    terms: list[str]
    definition: str


def glossary_entries(path: Path) -> list[Entry]:
    """Parse the entries of the ``{glossary}`` directive in ``path``."""
    match = GLOSSARY.search(path.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{path}: no {{glossary}} directive")
    entries: list[Entry] = []
    in_terms = False
    for line in match.group(1).splitlines():
        is_term = bool(line.strip()) and not line[0].isspace() and line[0] != ":"
        if is_term and in_terms:
            entries[-1].terms.append(line.strip())
        elif is_term:
            entries.append(Entry([line.strip()], ""))
        elif entries and line.strip():
            entries[-1].definition += line.strip() + " "
        in_terms = is_term
    return entries


def term_pattern(term: str) -> str:
    """A regex for ``term``: spaces or hyphens, -ise or -ize, and a plural."""
    words = [re.escape(word) for word in re.split(r"[\s-]+", term)]
    seps = re.findall(r"[\s-]+", term)
    body = words[0] + "".join(
        (r"[-\s]?" if "-" in sep else r"[-\s]+") + word
        for sep, word in zip(seps, words[1:], strict=True)
    )
    body = re.sub(r"i[sz](?=ation|e)", "i[sz]", body)
    body = body[:-1] + "(?:y|ies)" if body.endswith("y") else body + "(?:s|es)?"
    return rf"(?<![\w`}}-]){body}(?![\w`{{-])"


class Terms:
    """The glossary's terms as regexes, longest first, and their entries."""

    def __init__(self, entries: list[Entry]) -> None:
        terms = sorted((t for e in entries for t in e.terms), key=len, reverse=True)
        self.patterns = {t: re.compile(term_pattern(t), re.I) for t in terms}
        self.anywhere = re.compile("|".join(term_pattern(t) for t in terms), re.I)
        self.synonyms = {
            t.lower(): {s.lower() for s in e.terms} for e in entries for t in e.terms
        }

    def term(self, text: str) -> str:
        """The glossary term that ``text`` is a use of."""
        return next(t for t, p in self.patterns.items() if p.fullmatch(text))


def link_markdown(source: str, terms: Terms, linked: set[str]) -> tuple[str, list[str]]:
    """Link the first use in ``source`` of every term not in ``linked``, adding the
    linked terms and their synonyms to ``linked``; return the new source and the
    terms linked."""
    skipped = [m.span() for m in SKIP.finditer(source)]
    out, done, last = [], [], 0
    for match in terms.anywhere.finditer(source):
        if any(start < match.end() and match.start() < end for start, end in skipped):
            continue
        term = terms.term(match.group())
        if term.lower() in linked:
            continue
        text = " ".join(match.group().split())
        role = f"{{term}}`{text}`" if text == term else f"{{term}}`{text} <{term}>`"
        out += [source[last : match.start()], role]
        last = match.end()
        done.append(term)
        linked |= terms.synonyms[term.lower()]
    return "".join(out) + source[last:], done


def link_notebook(nb: nbformat.NotebookNode, terms: Terms) -> list[str]:
    """Link the first use of every glossary entry in the Markdown cells of ``nb``
    that the notebook does not link yet, in place; return the terms linked."""
    markdown = [cell for cell in nb.cells if cell.cell_type == "markdown"]
    linked: set[str] = set()
    for cell in markdown:
        named = [a or b for a, b in TERM_ROLE.findall(cell.source)]
        for comment in NO_LINK.findall(cell.source):
            named += comment.split(",")
        for term in named:
            linked |= terms.synonyms.get(term.strip().lower(), set())
    done: list[str] = []
    for cell in markdown:
        cell.source, new = link_markdown(cell.source, terms, linked)
        done += new
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=book.ROOT, help="book to link")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print, write nothing")
    mode.add_argument("--check", action="store_true", help="fail on a missing link")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    saved, book.ROOT = book.ROOT, root  # notebooks() reads the _toc.yml under ROOT
    try:
        paths = book.notebooks()
    finally:
        book.ROOT = saved
    terms = Terms(glossary_entries(root / "book" / "glossary.md"))
    missing = False
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        done = link_notebook(nb, terms)
        print(f"{path.stem}: {', '.join(done) if done else 'nothing to link'}")
        missing |= bool(done)
        if done and not (args.dry_run or args.check):
            nbformat.write(nb, path)
    if args.check and missing:
        print("Terms to link: run python -m tools.link_terms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
