"""The book's networks: the multilayer perceptron, and those of MNIST-1D.

*Feed-forward networks* teaches ``make_mlp``; *Comparing network types on
MNIST-1D* teaches ``make_cnn`` and ``GRUClassifier``, for signals of ``LENGTH``
numbers in ``NUM_CLASSES`` classes; *Beyond the table* teaches
``make_cnn_variant``.
"""

from __future__ import annotations

import torch
from torch import nn

LENGTH = 40  # numbers per MNIST-1D signal
NUM_CLASSES = 10


def make_mlp(widths: list[int], activation: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    """A multilayer perceptron: Linear layers of the given widths, activations between.

    ``widths`` lists the sizes from input to output: ``[2, 16, 16, 1]`` has 2 inputs,
    two hidden layers of 16 units and 1 output. An activation follows every Linear
    layer except the last, whose outputs are logits (or regression values).

    Example:
        >>> make_mlp([2, 8, 1])
        Sequential(
          (0): Linear(in_features=2, out_features=8, bias=True)
          (1): ReLU()
          (2): Linear(in_features=8, out_features=1, bias=True)
        )
    """
    if len(widths) < 2 or not all(isinstance(w, int) and w > 0 for w in widths):
        raise ValueError(f"widths must list two or more positive ints, got {widths!r}")
    layers: list[nn.Module] = []
    for n_in, n_out in zip(widths[:-1], widths[1:], strict=True):
        layers += [nn.Linear(n_in, n_out), activation()]
    return nn.Sequential(*layers[:-1])  # no activation after the last layer


def make_cnn(channels: int = 25) -> nn.Module:
    """Three strided 1-D convolutions, then a linear layer on the flattened features."""
    return nn.Sequential(
        nn.Unflatten(1, (1, LENGTH)),  # (batch, 40) -> (batch, 1 channel, 40)
        nn.Conv1d(1, channels, kernel_size=5, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv1d(channels, channels, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv1d(channels, channels, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Flatten(),  # (batch, channels, 5) -> (batch, channels * 5)
        nn.Linear(channels * 5, NUM_CLASSES),
    )


class GRUClassifier(nn.Module):
    """A bidirectional GRU reads the sequence; a linear layer reads all its outputs."""

    def __init__(self, hidden_size: int = 6) -> None:
        super().__init__()
        self.gru = nn.GRU(
            input_size=1, hidden_size=hidden_size, batch_first=True, bidirectional=True
        )
        self.linear = nn.Linear(LENGTH * 2 * hidden_size, NUM_CLASSES)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.gru(X.unsqueeze(-1))  # (batch, 40, 1) -> (batch, 40, 12)
        return self.linear(outputs.flatten(start_dim=1))  # (batch, 480) -> (batch, 10)


def make_cnn_variant(
    channels: int = 25, batch_norm: bool = False, head: str = "flatten"
) -> nn.Module:
    """Three strided 1-D convolutions and a linear head: (batch, 40) -> (batch, 10).

    With the defaults this is ``make_cnn()``, the CNN of the published table.
    batch_norm puts a BatchNorm1d after each convolution; head="max" takes the
    largest value of each channel over all positions (global max pooling)
    instead of flattening them.
    """
    if head not in ("flatten", "max"):
        raise ValueError(f"head must be 'flatten' or 'max', got {head!r}")
    layers: list[nn.Module] = [nn.Unflatten(1, (1, LENGTH))]  # -> (batch, 1, 40)
    c_in = 1
    for kernel_size in (5, 3, 3):  # lengths 40 -> 19 -> 10 -> 5
        # batch norm has a shift of its own, so the convolution needs no bias
        layers.append(
            nn.Conv1d(c_in, channels, kernel_size, 2, padding=1, bias=not batch_norm)
        )
        if batch_norm:
            layers.append(nn.BatchNorm1d(channels))
        layers.append(nn.ReLU())
        c_in = channels
    if head == "flatten":
        layers += [nn.Flatten(), nn.Linear(channels * 5, NUM_CLASSES)]
    else:  # (batch, channels, 5) -> (batch, channels, 1) -> (batch, channels)
        layers += [nn.AdaptiveMaxPool1d(1), nn.Flatten()]
        layers.append(nn.Linear(channels, NUM_CLASSES))
    return nn.Sequential(*layers)
