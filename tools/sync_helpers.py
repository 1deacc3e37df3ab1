"""Rewrite the helpers written out in chapters from the package's current source.

Usage: python tools/sync_helpers.py   (then `make outputs` for the chapters it names)

A chapter teaches a helper by writing it out in full; after the package's
function changes, this puts the new source in the chapter's cell, so the
sync test passes again. It prints each chapter it changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helper_sources import cell_definitions, package_definitions  # noqa: E402
from notebooks import notebooks  # noqa: E402


def main() -> None:
    package = package_definitions()
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        changed = []
        for cell in nb.cells:
            found = cell_definitions(cell)
            # replace from the end so earlier offsets stay valid
            for name, (start, end, text) in sorted(
                found.items(), key=lambda kv: -kv[1][0]
            ):
                if name in package and text != package[name]:
                    cell.source = (
                        cell.source[:start] + package[name] + cell.source[end:]
                    )
                    changed.append(name)
        if changed:
            nbformat.write(nb, path)
            print(f"{path.name}: {', '.join(changed)}")


if __name__ == "__main__":
    main()
