"""The claims tier (tools/claims.py, `make test-claims`, `make test-gpu`) can fail.

It must fail a chapter whose assert breaks, report (and not fail) printed numbers
that changed, and, in strict mode, fail on changed device-independent output.
Tiny notebooks with doctored stored outputs prove each.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tools.claims import compare, pin, requirement_bound
from tools.notebooks import ROOT


def notebook(path: Path, cells: list[tuple[str, str, list]]) -> Path:
    """A notebook whose cells have these sources, stored stdout and tags."""
    nb = new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )
    for count, (source, stored, tags) in enumerate(cells, start=1):
        cell = new_code_cell(source, execution_count=count)
        cell.metadata["tags"] = tags
        cell.outputs = [new_output("stream", name="stdout", text=stored)]
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def run_claims(tmp_path: Path, *args: str) -> tuple[int, dict]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.claims",
            "--jobs",
            "2",
            "--out",
            str(tmp_path),
            "--name",
            "log",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.returncode, json.loads((tmp_path / "log.json").read_text())


@pytest.fixture(scope="module")
def doctored(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("claims")
    drift = notebook(
        folder / "drift.ipynb",
        [
            (
                'print(f"accuracy {0.25 * 2:.3f} after 4 epochs")',
                "accuracy 0.510 after 4 epochs\n",
                [],
            ),
            ('print("shape", (3, 5))', "shape (3, 4)\n", []),
            (
                'print("errors per class:", {7: 5})',
                "errors per class: {7: 4}\n",
                ["varies-by-build"],
            ),
            ('print("same")', "same\n", []),
        ],
    )
    broken = notebook(
        folder / "broken.ipynb",
        [("x = 0.1 + 0.2\nassert x < 0.3, 'the claim'", "", [])],
    )
    return drift, broken


def test_numbers_are_reported_and_a_broken_assert_fails(doctored, tmp_path):
    drift, broken = doctored
    code, log = run_claims(tmp_path, str(drift), str(broken))
    assert code == 1 and not log["all_passed"]
    drift_result, broken_result = log["results"]
    assert drift_result["passed"], "changed numbers alone must not fail"
    assert [(n["old"], n["new"], n["float"]) for n in drift_result["numbers"]] == [
        ("0.510", "0.500", True),
        ("4", "5", False),
        ("4", "5", False),
    ]
    assert drift_result["numbers"][0]["relative"] == pytest.approx(0.01 / 0.51)
    assert not broken_result["passed"] and "the claim" in broken_result["error"]
    report = (tmp_path / "log.md").read_text()
    assert "| 1 | 0.510 | 0.500 | 0.0196 |" in report
    assert re.search(r"\| broken \| [\d.]+ \| \*\*FAILED\*\* \|", report)


def test_strict_text_fails_on_device_independent_changes_only(doctored, tmp_path):
    drift, _ = doctored
    code, log = run_claims(tmp_path, "--strict-text", str(drift))
    assert code == 1 and log["results"][0]["strict_failures"] == 1  # the shape only
    nb = nbformat.read(drift, as_version=4)
    nb.cells[1].outputs[0].text = "shape (3, 5)\n"  # now only floats and tagged cells
    nbformat.write(nb, drift)
    code, log = run_claims(tmp_path, "--strict-text", str(drift))
    assert code == 0 and log["all_passed"]


def test_compare_pairs_numbers_line_by_line():
    numbers, texts = compare(
        "a 1.5 b 2\nsame\nloss 1e-05\n", "a 1.25 b 2\nsame\nloss 2e-05\n"
    )
    assert [(x, y) for x, y, *_ in numbers] == [("1.5", "1.25"), ("1e-05", "2e-05")]
    assert texts == []
    numbers, texts = compare("flag: True\nend", "flag: False\nend\nextra")
    assert numbers == [] and texts == [("flag: True", "flag: False"), ("", "extra")]
    assert compare("float32 1.0", "float32 1.0") == ([], [])


def test_lower_bounds_are_read_from_requirements():
    bound = requirement_bound("torch")
    assert pin("torch", "lower") == f"torch=={bound}"
    assert pin("torchvision", "newest") == "torchvision"
    assert pin("torch", "2.15.0") == "torch==2.15.0"
    with pytest.raises(ValueError, match="--torch"):
        pin("torch", "2.15; rm -rf /")
    with pytest.raises(ValueError, match="no lower bound for tensorflow"):
        requirement_bound("tensorflow")


def test_helpers_and_requirements_declare_the_same_lower_bounds():
    text = (ROOT / "helpers" / "pyproject.toml").read_text()
    dependencies = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S).group(1)
    found = re.findall(r'"([\w-]+)>=([\w.]+)"', dependencies)
    assert [name for name, _ in found][:1] == ["torch"]
    for name, bound in found:
        assert requirement_bound(name) == bound, name
