"""Plots that take an optional ``ax``, draw on it and return it (no ``plt.show()``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from torch import nn

from .train import History


def plot_history(history: History, ax: Axes | None = None) -> Axes:
    """Training (and validation) loss per epoch.

    Example:
        >>> ax = plot_history(History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.7]))
        >>> [line.get_label() for line in ax.get_lines()]
        ['training', 'validation']
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a History, not {type(history).__name__}")
    if not history.train_loss:
        raise ValueError("history is empty: it has no training loss to plot")
    ax = ax if ax is not None else plt.gca()
    epochs = np.arange(1, len(history.train_loss) + 1)
    ax.plot(epochs, history.train_loss, label="training")
    if history.val_loss:
        ax.plot(epochs[: len(history.val_loss)], history.val_loss, label="validation")
    ax.set(xlabel="epoch", ylabel="loss (mean per sample)", title="Loss per epoch")
    ax.legend()
    return ax


def plot_decision_boundary(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    ax: Axes | None = None,
    device: torch.device | str = "cpu",
    resolution: int = 200,
) -> Axes:
    """Colour the plane by the class a 2-D classifier predicts; overlay the points.

    A model with one output is read as a binary classifier (logit above 0 means
    class 1); a model with several outputs predicts the arg-max.

    Example:
        >>> X, y = torch.randn(8, 2), torch.zeros(8)
        >>> ax = plot_decision_boundary(nn.Linear(2, 1), X, y)
        >>> ax.get_xlabel()
        '$x_1$'
    """
    if not isinstance(X, torch.Tensor) or X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"X must be a tensor of shape (n, 2), got {tuple(getattr(X, 'shape', ()))}"
        )
    if not isinstance(y, torch.Tensor) or y.shape != X.shape[:1]:
        raise ValueError("y must be a tensor of shape (n,) matching X")
    ax = ax if ax is not None else plt.gca()
    X_np = X.detach().cpu().numpy()
    pad = 0.5
    xs = np.linspace(X_np[:, 0].min() - pad, X_np[:, 0].max() + pad, resolution)
    ys = np.linspace(X_np[:, 1].min() - pad, X_np[:, 1].max() + pad, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    grid = torch.tensor(np.c_[grid_x.ravel(), grid_y.ravel()], dtype=torch.float32)
    model.eval()
    with torch.no_grad():
        logits = model(grid.to(device)).cpu()
    if logits.ndim == 1 or logits.shape[1] == 1:
        classes = (logits.reshape(-1) > 0).long()
    else:
        classes = logits.argmax(dim=1)
    ax.contourf(
        grid_x,
        grid_y,
        classes.reshape(grid_x.shape).numpy(),
        alpha=0.3,
        cmap="coolwarm",
    )
    ax.scatter(
        X_np[:, 0], X_np[:, 1], c=y.cpu().numpy(), cmap="coolwarm", edgecolors="k", s=20
    )
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title="Decision boundary")
    return ax


def show_images(
    images: torch.Tensor,
    labels: torch.Tensor | list | None = None,
    ncols: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Draw grey-scale images, ``(n, height, width)`` or ``(n, 1, h, w)``, as a grid.

    Example:
        >>> ax = show_images(torch.rand(3, 8, 8), labels=[0, 1, 2])
        >>> len(ax.texts)
        3
    """
    if not isinstance(images, torch.Tensor) or images.ndim not in (3, 4):
        raise ValueError("images must be a tensor of shape (n, h, w) or (n, 1, h, w)")
    if images.ndim == 4:
        if images.shape[1] != 1:
            raise ValueError(f"images must have 1 channel, got {images.shape[1]}")
        images = images[:, 0]
    n, h, w = images.shape
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels has {len(labels)} entries for {n} images")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)  # ceiling division
    canvas = np.full((nrows * (h + 1) - 1, ncols * (w + 1) - 1), np.nan)
    for i, image in enumerate(images.detach().cpu().numpy()):
        r, c = divmod(i, ncols)
        canvas[r * (h + 1) : r * (h + 1) + h, c * (w + 1) : c * (w + 1) + w] = image
    ax = ax if ax is not None else plt.gca()
    ax.imshow(canvas, cmap="gray_r")
    for i in range(n if labels is not None else 0):
        r, c = divmod(i, ncols)
        ax.text(
            c * (w + 1),
            r * (h + 1),
            str(int(labels[i])),
            color="tab:red",
            va="top",
            fontsize=9,
        )
    ax.set(xticks=[], yticks=[], title=f"{n} images")
    return ax
