"""The Chinese edition: gettext catalogues from the English source (``make gettext``),
and the Chinese site (``make book-zh``).

Usage: python -m tools.i18n gettext | build-zh | status | check [CATALOGUE ...]

``gettext`` runs Sphinx's gettext builder on the book, with notebook execution off
(the stored outputs are not text to translate), one template per page in
``_build/gettext``, then ``sphinx-intl update``: ``locales/zh_CN/LC_MESSAGES`` gets
one catalogue per page; a new English paragraph arrives untranslated, a changed one
is marked fuzzy (its old translation kept as a suggestion), and a removed one is
dropped. ``status`` prints, per catalogue, how many entries are translated, fuzzy
and untranslated. ``build-zh`` builds the site with the catalogues into
``_build/html/zh_CN`` (strict: warnings are errors); the English site stays at
``_build/html``.

Code cells, outputs, figures and asserts are never in a catalogue: both sites show
the same notebooks' code and outputs, so nothing can drift.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .notebooks import ROOT

LANGUAGE = "zh_CN"
LOCALES = ROOT / "locales"
CATALOGUES = LOCALES / LANGUAGE / "LC_MESSAGES"
POT = ROOT / "_build" / "gettext"
ZH_HTML = ROOT / "_build" / "html" / LANGUAGE


def jupyter_book() -> str:
    return str(Path(sys.executable).with_name("jupyter-book"))


def config_for(language: str | None, path: Path) -> Path:
    """_config.yml with the language and catalogue settings, written to ``path``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    local = config["sphinx"].get("local_extensions") or {}
    config["sphinx"][
        "local_extensions"
    ] = {  # relative to the config file: made absolute
        name: str((ROOT / where).resolve()) for name, where in local.items()
    }
    sphinx["gettext_compact"] = False  # one catalogue per page
    sphinx["gettext_uuid"] = False
    sphinx["gettext_location"] = False  # no line numbers: edits elsewhere stay quiet
    if language:
        sphinx["language"] = language
        sphinx["locale_dirs"] = [str(LOCALES)]
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build_book(language: str | None, builder: list[str], work: Path) -> Path:
    """Run Jupyter Book on the book with ``builder`` (e.g. ["html"]) and the config
    of ``language``, strict, into ``work``; return the folder it built into."""
    config = config_for(language, work / "_config.yml")
    subprocess.run(
        [
            jupyter_book(),
            "build",
            str(ROOT),
            "--all",
            "--builder",
            *builder,
            "--config",
            str(config),
            "--path-output",
            str(work),
            "-W",
            "-n",
            "--keep-going",
        ],
        check=True,
    )
    return work / "_build" / builder[-1]


def gettext() -> None:
    shutil.rmtree(POT, ignore_errors=True)
    built = build_book(
        None,
        ["custom", "--custom-builder", "gettext"],
        ROOT / "_build" / "i18n-gettext",
    )
    shutil.copytree(built, POT)
    update_catalogues()
    status()


def update_catalogues() -> None:
    """sphinx-intl update, then clear the fuzzy mark it leaves on each header (the
    header is no translation; a fuzzy header would count as an unfinished one)."""
    from babel.messages.pofile import read_po, write_po

    intl = str(Path(sys.executable).with_name("sphinx-intl"))
    subprocess.run(
        [
            intl,
            "update",
            "-p",
            str(POT),
            "-l",
            LANGUAGE,
            "-d",
            str(LOCALES),
            "-w",
            "88",
        ],
        check=True,
    )
    for path in sorted(CATALOGUES.rglob("*.po")):
        with open(path, "rb") as f:
            catalog = read_po(f)
        if catalog.fuzzy:
            catalog.fuzzy = False
            with open(path, "wb") as f:
                write_po(f, catalog, width=88)


def status() -> dict[str, tuple[int, int, int]]:
    """Per catalogue: (translated, fuzzy, untranslated) entries; printed."""
    from babel.messages.pofile import read_po

    counts = {}
    for path in sorted(CATALOGUES.rglob("*.po")):
        with open(path, "rb") as f:
            catalog = read_po(f)
        entries = [m for m in catalog if m.id]
        fuzzy = sum(m.fuzzy for m in entries)
        empty = sum(not m.string for m in entries)
        counts[str(path.relative_to(CATALOGUES))] = (
            len(entries) - fuzzy - empty,
            fuzzy,
            empty,
        )
    for name, (done, fuzzy, empty) in counts.items():
        print(f"{done:5d} translated {fuzzy:4d} fuzzy {empty:5d} untranslated  {name}")
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    print(
        f"{total[0]:5d} translated {total[1]:4d} fuzzy {total[2]:5d} untranslated  all"
    )
    return counts


# ----------------------------------------------------------------------------------
# Checks of a translation: what must come through it unchanged

# A role ({name}`content`) or an inline code span (`code`), read left to right, so
# that braces inside code (`weight_ih_l{k}`) are not taken for a role.
SPAN = re.compile(r"(\{[\w:-]+\})?`([^`]*)`")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
CJK = re.compile(r"[\u4e00-\u9fff]")


def spans(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The roles (name, content) and the inline code spans of ``text``."""
    found_roles, code = [], []
    for match in SPAN.finditer(text):
        if match.group(1):
            found_roles.append((match.group(1)[1:-1], match.group(2)))
        else:
            code.append(match.group(2))
    return found_roles, code


def role_target(name: str, content: str) -> str:
    match = re.search(r"<([^<>]+)>\s*$", content)
    target = match.group(1) if match else content
    return target.strip().lower() if name == "term" else target.strip()


def roles(text: str) -> list[tuple[str, str]]:
    """Each role's name and target: a term's display text may be translated, its
    target may not; a glued value, a document or an equation reference stay as
    they are."""
    found = []
    for name, content in spans(text)[0]:
        if name.startswith("glue") or name in ("math", "eq"):
            found.append((name, content))
        else:
            found.append((name, role_target(name, content)))
    return sorted(found)


def frozen(text: str) -> tuple[list[str], list[str]]:
    """The maths and the inline code of ``text``, which a translation keeps."""
    rest = SPAN.sub(" ", text)
    return sorted(MATH.findall(rest)), sorted(spans(text)[1])


def glossary_terms() -> dict[str, list[str]]:
    """English glossary term -> its Chinese forms (the first, and any alternative)."""
    text = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    terms: dict[str, list[str]] = {}
    pending: list[str] = []
    for line in block.splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if not line.startswith(" "):
            pending.append(line.strip().lower())
            continue
        if pending:
            head = line.strip()
            first = head.split(" (", 1)[0]
            forms = [first]
            forms += re.findall(r"also ([\u4e00-\u9fff\w ]+?),", head.split(").", 1)[0])
            for term in pending:
                terms[term] = [f.strip() for f in forms]
            pending = []
    return terms


def entry_problems(msgid: str, msgstr: str, fuzzy: bool, terms: dict) -> list[str]:
    if not msgstr:
        return ["untranslated"]
    problems = ["fuzzy"] if fuzzy else []
    if roles(msgid) != roles(msgstr):
        problems.append(f"roles differ: {roles(msgid)} -> {roles(msgstr)}")
    if frozen(msgid) != frozen(msgstr):
        problems.append("maths or inline code changed")
    for name, content in spans(msgstr)[0]:
        if name != "term":
            continue
        target = role_target(name, content)
        shown = re.sub(r"\s*<[^<>]+>\s*$", "", content)
        forms = terms.get(target)
        if forms and CJK.search(shown) and not any(f in shown for f in forms):
            problems.append(
                f"term {target!r} shown as {shown!r}, not {' or '.join(forms)}"
            )
    return problems


def check() -> dict[str, list[str]]:
    """Every problem of every catalogue, by catalogue; printed."""
    from babel.messages.pofile import read_po

    terms = glossary_terms()
    report = {}
    for path in sorted(CATALOGUES.rglob("*.po")):
        with open(path, "rb") as f:
            catalog = read_po(f)
        problems = ["the header is marked fuzzy"] if catalog.fuzzy else []
        for m in catalog:
            if not m.id:
                continue
            for problem in entry_problems(m.id, m.string, m.fuzzy, terms):
                problems.append(f"{problem}: {m.id[:70]!r}")
        report[str(path.relative_to(CATALOGUES))] = problems
    for name, problems in report.items():
        print(f"{len(problems):5d} problems  {name}")
    return report


def build_zh() -> None:
    built = build_book(LANGUAGE, ["html"], ROOT / "_build" / "i18n-zh")
    shutil.rmtree(ZH_HTML, ignore_errors=True)
    shutil.copytree(built, ZH_HTML)
    print(f"wrote {ZH_HTML}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["gettext", "build-zh", "status", "check"])
    parser.add_argument("catalogues", nargs="*", help="with check: print these in full")
    args = parser.parse_args()
    if args.command == "check":
        report = check()
        for name in args.catalogues:
            print(f"\n{name}:", *report.get(name, ["no such catalogue"]), sep="\n  ")
        return
    {"gettext": gettext, "build-zh": build_zh, "status": status}[args.command]()


if __name__ == "__main__":
    main()
