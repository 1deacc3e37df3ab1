"""Set the book's version everywhere it appears, from the one place it is defined.

Usage: python -m tools.set_version X.Y.Z   (then `make outputs`)

_config.yml's `sphinx.config.release` is the source; this rewrites it and the
copies that cannot read it: helpers/pyproject.toml, CITATION.cff, the pins in the
READMEs, and every chapter's setup cell.
"""

from __future__ import annotations

import re
import sys

import nbformat

from .notebooks import ROOT, notebooks, setup_cell_source

REWRITES = {
    "_config.yml": (r'(release: ")[^"]+(")', r"\g<1>{v}\2"),
    "helpers/pyproject.toml": (r'^(version = ")[^"]+(")', r"\g<1>{v}\2"),
    "CITATION.cff": (r'^(version: ")[^"]+(")', r"\g<1>{v}\2"),
    "README.md": (r"@v\d+\.\d+\.\d+", "@v{v}"),
    "helpers/README.md": (r"@v\d+\.\d+\.\d+", "@v{v}"),
}


def main() -> None:
    if len(sys.argv) != 2 or not re.fullmatch(r"\d+\.\d+\.\d+", sys.argv[1]):
        sys.exit("usage: python -m tools.set_version X.Y.Z")
    version = sys.argv[1]
    for name, (pattern, replacement) in REWRITES.items():
        path = ROOT / name
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(pattern, replacement.format(v=version), text, flags=re.M),
            encoding="utf-8",
        )
    for path in notebooks():  # the template reads the new version from _config.yml
        nb = nbformat.read(path, as_version=4)
        nb.cells[1].source = setup_cell_source()
        nbformat.write(nb, path)
    print(f"version {version} set; now run `make outputs` and `make test`")


if __name__ == "__main__":
    main()
