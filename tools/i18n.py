"""The Chinese edition: gettext catalogues from the English source (``make gettext``),
and the Chinese site (``make book-zh``).

Usage: python -m tools.i18n gettext | build-zh | status

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


def gettext() -> None:
    work = ROOT / "_build" / "i18n-gettext"
    config = config_for(None, work / "_config.yml")
    shutil.rmtree(POT, ignore_errors=True)
    subprocess.run(
        [
            jupyter_book(),
            "build",
            str(ROOT),
            "--all",
            "--builder",
            "custom",
            "--custom-builder",
            "gettext",
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
    built = work / "_build" / "gettext"
    shutil.copytree(built, POT)
    subprocess.run(
        [
            str(Path(sys.executable).with_name("sphinx-intl")),
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
    status()


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


def build_zh() -> None:
    work = ROOT / "_build" / "i18n-zh"
    config = config_for(LANGUAGE, work / "_config.yml")
    subprocess.run(
        [
            jupyter_book(),
            "build",
            str(ROOT),
            "--all",
            "--builder",
            "html",
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
    shutil.rmtree(ZH_HTML, ignore_errors=True)
    shutil.copytree(work / "_build" / "html", ZH_HTML)
    print(f"wrote {ZH_HTML}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["gettext", "build-zh", "status"])
    args = parser.parse_args()
    {"gettext": gettext, "build-zh": build_zh, "status": status}[args.command]()


if __name__ == "__main__":
    main()
