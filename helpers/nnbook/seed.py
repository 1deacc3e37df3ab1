"""Seed every random number generator a chapter uses."""

from __future__ import annotations

import random

import numpy as np
import torch


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU).

    Seeding makes a run repeatable on the same hardware and software; it does
    not make a GPU run match a CPU run digit for digit.

    Args:
        seed: a non-negative integer.

    Returns:
        A fresh ``torch.Generator`` seeded with ``seed``, to hand to a
        ``DataLoader(..., generator=...)`` so that its shuffling is repeatable
        and independent of any other use of the global generator.

    Raises:
        TypeError: if ``seed`` is not an integer.
        ValueError: if ``seed`` is negative.

    Example:
        >>> g = seed_everything(0)
        >>> a = torch.rand(2)
        >>> g = seed_everything(0)
        >>> torch.equal(a, torch.rand(2))
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # seeds the CPU and every CUDA device
    return torch.Generator().manual_seed(seed)
