"""Where the browser tests find Chromium: one rule for `make test` and the tests.

Usage: python -m tools.chromium   (prints the path; exits with 1 if there is none)

``$CHROMIUM`` if it is set, else the first of ``chromium``, ``chromium-browser``,
``google-chrome`` and ``chrome`` on the PATH. ``make test`` runs this first and, as
root on Debian, installs Debian's ``chromium`` when it finds nothing.
"""

from __future__ import annotations

import os
import shutil
import sys

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium_path() -> str | None:
    """The browser to drive: $CHROMIUM, else the first Chromium or Chrome on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in NAMES:
        if path := shutil.which(name):
            return path
    return None


def main() -> None:
    path = chromium_path()
    if path is None:
        sys.exit(1)
    print(path)


if __name__ == "__main__":
    main()
