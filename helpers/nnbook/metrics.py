"""Classification metrics; scikit-learn does the counting where it already can."""

from __future__ import annotations

import numpy as np
import torch
from sklearn import metrics as skm
from torch import nn
from torch.utils.data import DataLoader


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of rows whose largest logit is at the true class index.

    Args:
        logits: shape ``(n, num_classes)``, raw scores (no softmax needed:
            softmax keeps the order, so the arg-max is the same).
        y: shape ``(n,)``, integer class indices.

    Example:
        >>> accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0]]), torch.tensor([0, 0]))
        0.5
    """
    if not isinstance(logits, torch.Tensor) or logits.ndim != 2:
        raise ValueError("logits must be a tensor of shape (n, num_classes)")
    if not isinstance(y, torch.Tensor) or y.ndim != 1 or y.is_floating_point():
        raise ValueError("y must be an integer tensor of shape (n,)")
    if len(logits) != len(y) or len(y) == 0:
        raise ValueError(f"logits and y need the same non-zero length, got {len(logits)} and {len(y)}")
    return (logits.argmax(dim=1) == y).float().mean().item()


def predict(
    model: nn.Module, loader: DataLoader, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """True labels and predicted classes for every sample in ``loader`` (on the CPU)."""
    model.eval()
    y_true, y_pred = [], []
    with torch.no_grad():
        for X, y in loader:
            y_pred.append(model(X.to(device)).argmax(dim=1).cpu())
            y_true.append(y.cpu())
    if not y_true:
        raise ValueError("loader is empty: it yields no batches")
    return torch.cat(y_true), torch.cat(y_pred)


def confusion_matrix(y_true: torch.Tensor, y_pred: torch.Tensor, num_classes: int) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j``.

    Example:
        >>> confusion_matrix(torch.tensor([0, 1, 1]), torch.tensor([0, 0, 1]), 2)
        array([[1, 0],
               [1, 1]])
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred differ in length: {len(y_true)} vs {len(y_pred)}")
    return skm.confusion_matrix(
        np.asarray(y_true), np.asarray(y_pred), labels=list(range(num_classes))
    )


def per_class_scores(
    y_true: torch.Tensor, y_pred: torch.Tensor, num_classes: int
) -> dict[str, np.ndarray]:
    """Precision, recall and F1 for each class (a class never predicted gets 0).

    Example:
        >>> scores = per_class_scores(torch.tensor([0, 1, 1]), torch.tensor([0, 0, 1]), 2)
        >>> scores["recall"]
        array([1. , 0.5])
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred differ in length: {len(y_true)} vs {len(y_pred)}")
    precision, recall, f1, _ = skm.precision_recall_fscore_support(
        np.asarray(y_true), np.asarray(y_pred), labels=list(range(num_classes)),
        zero_division=0,
    )
    return {"precision": precision, "recall": recall, "f1": f1}
