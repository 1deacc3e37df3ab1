"""One set of CPU code paths for every run whose printed numbers are compared.

PyTorch, MKL, oneDNN and NumPy each pick their kernels by what the processor can do
(AVX2, AVX-512, ...). Different kernels add floating-point numbers in a different
order, so the same seeded training prints different digits on different x86 CPUs:
with torch 2.14.1, ``ATEN_CPU_CAPABILITY=avx2`` alone changes the losses that the CNN
chapter prints on an AVX-512 machine. Every x86-64 CPU of the last ten years has AVX2,
so the stored outputs are made with every library held to its AVX2 code path, and
nbval, ``make outputs``, ``tools/record_seeds.py`` and the claims tier on the CPU run
the same way. The variables must be set before torch or NumPy is imported; child
processes and Jupyter kernels inherit them.

Other processors (ARM, such as Apple silicon) have their own kernels and print other
digits: there, use the claims tier (``make test-claims``), which allows for that.
``NNBOOK_NATIVE_CPU=1`` leaves the libraries to choose (faster on AVX-512 machines;
nbval then reports the digits that differ).
"""

from __future__ import annotations

import os
import platform

# What each library reads (names from their documentation):
# ATEN_CPU_CAPABILITY: PyTorch's dispatch of its own CPU kernels (default, avx2, avx512)
# MKL_CBWR: MKL's "conditional numerical reproducibility" code path
# ONEDNN_MAX_CPU_ISA: the most that oneDNN (convolutions, LSTMs) may use
# NPY_DISABLE_CPU_FEATURES: NumPy's dispatched kernels to leave out
PINNED = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_CBWR": "AVX2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "NPY_DISABLE_CPU_FEATURES": (
        "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR"
    ),
}


def applies(machine: str | None = None) -> bool:
    """Whether the pins apply here: on x86-64, unless NNBOOK_NATIVE_CPU=1."""
    machine = (machine or platform.machine()).lower()
    native = os.environ.get("NNBOOK_NATIVE_CPU", "") not in ("", "0")
    return machine in ("x86_64", "amd64") and not native


def pin(environ=None) -> dict:
    """Set the variables in ``environ`` (default: this process's); return what was set.

    A variable the caller set already is kept, so one run can try another path.
    """
    environ = os.environ if environ is None else environ
    if not applies():
        return {}
    added = {k: v for k, v in PINNED.items() if k not in environ}
    environ.update(added)
    return added
