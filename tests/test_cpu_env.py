"""The CPU code paths that stored outputs are made and checked with (tools/cpu_env.py)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tools import cpu_env


def test_pin_adds_what_is_missing_and_keeps_what_was_set(monkeypatch):
    monkeypatch.delenv("NNBOOK_NATIVE_CPU", raising=False)
    monkeypatch.setattr(platform, "machine", lambda: "x86_64")
    environ = {"MKL_CBWR": "COMPATIBLE"}
    added = cpu_env.pin(environ)
    assert environ["MKL_CBWR"] == "COMPATIBLE" and "MKL_CBWR" not in added
    assert environ["ATEN_CPU_CAPABILITY"] == "avx2"
    assert set(added) == set(cpu_env.PINNED) - {"MKL_CBWR"}


def test_no_pins_on_other_processors_or_when_turned_off(monkeypatch):
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    assert cpu_env.pin({}) == {}
    monkeypatch.setattr(platform, "machine", lambda: "x86_64")
    monkeypatch.setenv("NNBOOK_NATIVE_CPU", "1")
    assert cpu_env.pin({}) == {}


def avx2() -> bool:
    cpuinfo = Path("/proc/cpuinfo")
    return cpuinfo.exists() and " avx2" in cpuinfo.read_text()


@pytest.mark.skipif(
    not cpu_env.applies() or not avx2(), reason="the pins apply on x86-64 with AVX2"
)
def test_this_session_and_its_kernels_run_the_avx2_paths():
    """The root conftest pins before anything imports torch; children inherit it."""
    for name, value in cpu_env.PINNED.items():
        assert os.environ.get(name) == value, name
    probe = "import torch; print(torch.backends.cpu.get_cpu_capability())"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "AVX2" and result.stderr == ""
