"""The Python files follow the book's style: ruff's lint rules and formatting, 88 columns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ["helpers", "tools", "tests", "_ext", "conftest.py"]
RUFF = [sys.executable, "-m", "ruff"]


def test_ruff_lint():
    result = subprocess.run(
        [*RUFF, "check", *FOLDERS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = subprocess.run(
        [*RUFF, "format", "--check", *FOLDERS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_helpers_fit_a_book_column():
    long = [
        f"{path.name}:{number}"
        for path in sorted((ROOT / "helpers" / "nnbook").glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if len(line) > 88
    ]
    assert long == [], "lines over 88 characters (they are printed in the chapters)"
