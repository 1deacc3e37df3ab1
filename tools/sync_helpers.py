"""Rewrite the helpers written out in chapters from the package's current source.

Usage: python -m tools.sync_helpers   (then `make outputs` for the chapters it names)

A chapter teaches a helper by writing it out in full; after the package's
function changes, this puts the new source in the chapter's cell, so the
sync test passes again. It prints each chapter it changed.
"""

from __future__ import annotations

import nbformat

from .helper_sources import cell_definitions, package_definitions
from .notebooks import notebooks


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
