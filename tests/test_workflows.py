"""The GitHub workflows are valid (checked offline against the vendored schema) and
call the Makefile rather than copies of its commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CHECK = [
    sys.executable,
    "-m",
    "check_jsonschema",
    "--builtin-schema",
    "vendor.github-workflows",
]


def validate(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CHECK, *map(str, paths)], capture_output=True, text=True)


def test_workflows_match_the_schema():
    assert len(WORKFLOWS) == 5
    result = validate(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  a:\n    steps: []\n")  # no runs-on
    assert validate(broken).returncode != 0


def test_workflows_call_the_makefile():
    wanted = {
        "claims.yml": "make test-claims TORCH=${{ matrix.torch }}",
        "cpu.yml": "make test",
        "gpu.yml": "make test-gpu",
        "pages.yml": "make book",
        "student.yml": "make student",
    }
    for path in WORKFLOWS:
        steps = [
            s
            for job in yaml.safe_load(path.read_text())["jobs"].values()
            for s in job["steps"]
        ]
        runs = [s["run"] for s in steps if "run" in s]
        assert wanted[path.name] in runs, f"{path.name} must run `{wanted[path.name]}`"
        for run in runs:
            assert "pytest" not in run and "jupyter-book" not in run, (
                f"{path.name} copies a command of the Makefile: {run}"
            )
    claims = yaml.safe_load((ROOT / ".github/workflows/claims.yml").read_text())
    on = claims[True]  # YAML reads the key `on:` as True
    assert on["schedule"], "the claims tier runs on a schedule"
    matrix = claims["jobs"]["claims"]["strategy"]["matrix"]
    assert matrix["torch"] == ["newest", "lower"]
    gpu = yaml.safe_load((ROOT / ".github/workflows/gpu.yml").read_text())
    assert gpu["jobs"]["test-gpu"]["runs-on"] == ["self-hosted", "gpu"]
