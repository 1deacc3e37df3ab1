"""Choose where tensors live: a CUDA GPU, then Apple's MPS, then the CPU."""

from __future__ import annotations

import os

import torch

DEVICE_ENV_VAR = "NNBOOK_DEVICE"


def pick_device(override: str | torch.device | None = None) -> torch.device:
    """Return the best available device, or the one asked for.

    The order is CUDA, then MPS (Apple silicon), then CPU. An ``override``
    argument wins; otherwise the environment variable ``NNBOOK_DEVICE`` (for
    example ``NNBOOK_DEVICE=cpu``) does, so a whole run can be pinned without
    editing a notebook.

    Args:
        override: a device name such as ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or
            ``"mps"``, or a ``torch.device``; ``None`` to choose automatically.

    Returns:
        The chosen ``torch.device``.

    Raises:
        TypeError: if ``override`` is neither a string nor a ``torch.device``.
        ValueError: if ``override`` names a device that is unknown or absent.

    Example:
        >>> pick_device("cpu")
        device(type='cpu')
    """
    if override is None:
        override = os.environ.get(DEVICE_ENV_VAR) or None
    if override is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if not isinstance(override, (str, torch.device)):
        raise TypeError(
            f"override must be a str or torch.device, not {type(override).__name__}"
        )
    try:
        device = torch.device(override)
    except RuntimeError as exc:
        raise ValueError(f"override={override!r} is not a device name: {exc}") from None
    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
    }
    if not available.get(device.type, False):
        raise ValueError(f"override={override!r}: no {device.type} device is available")
    return device
