"""The tools behind `make outputs` and `make test-gpu` run end to end."""

from __future__ import annotations

import json
import subprocess
import sys

from tools.notebooks import ROOT, notebooks


def test_test_gpu_dry_run_writes_a_log():
    first = notebooks()[0]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.test_gpu",
            "--dry-run",
            "--only",
            first.stem,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads((ROOT / "_build" / "gpu-dry-run.json").read_text())
    assert record["all_passed"] and [r["notebook"] for r in record["results"]] == [
        str(first.relative_to(ROOT))
    ]
    assert record["device"] == "cpu" and record["torch"].startswith(
        record["environment"]["lock_torch"]
    )
    assert record["strict_text"], (
        "with the locked torch, device-independent outputs must match"
    )
    assert record["results"][0]["numbers"] == [], (
        "the lock on the CPU reproduces every number"
    )
