"""Classification metrics; scikit-learn does the counting where it already can."""

from __future__ import annotations

import numpy as np
import torch
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
        raise ValueError(
            "logits and y need the same non-zero length, "
            f"got {len(logits)} and {len(y)}"
        )
    if y.min() < 0 or y.max() >= logits.shape[1]:
        raise ValueError(
            f"y has labels outside 0..{logits.shape[1] - 1}, the classes of logits"
        )
    return (logits.argmax(dim=1) == y).float().mean().item()


def predict(
    model: nn.Module, loader: DataLoader, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """True labels and predicted classes for every sample in ``loader`` (on the CPU).

    Runs in eval mode, then puts every module back in the mode it was in.
    """
    modes = [module.training for module in model.modules()]  # to put back after
    model.eval()
    y_true, y_pred = [], []
    try:
        with torch.no_grad():
            for X, y in loader:
                y_pred.append(model(X.to(device)).argmax(dim=1).cpu())
                y_true.append(y.cpu())
    finally:
        for module, mode in zip(model.modules(), modes, strict=True):
            module.training = mode
    if not y_true:
        raise ValueError("loader is empty: it yields no batches")
    return torch.cat(y_true), torch.cat(y_pred)


def _labels(
    y_true: torch.Tensor, y_pred: torch.Tensor, num_classes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Check two label vectors and return them as NumPy arrays (from any device)."""
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive int, got {num_classes!r}")
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred differ in length: {len(y_true)} vs {len(y_pred)}"
        )
    arrays = []
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        array = np.asarray(labels.cpu() if isinstance(labels, torch.Tensor) else labels)
        if array.size and (array.min() < 0 or array.max() >= num_classes):
            raise ValueError(f"{name} has labels outside 0..{num_classes - 1}")
        arrays.append(array)
    return arrays[0], arrays[1]


def confusion_matrix(
    y_true: torch.Tensor, y_pred: torch.Tensor, num_classes: int
) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j``.

    Example:
        >>> confusion_matrix(torch.tensor([0, 1, 1]), torch.tensor([0, 0, 1]), 2)
        array([[1, 0],
               [1, 1]])
    """
    y_true, y_pred = _labels(y_true, y_pred, num_classes)
    from sklearn import metrics as skm  # here: scikit-learn takes a second to import

    return skm.confusion_matrix(y_true, y_pred, labels=list(range(num_classes)))


def per_class_scores(
    y_true: torch.Tensor, y_pred: torch.Tensor, num_classes: int
) -> dict[str, np.ndarray]:
    """Precision, recall and F1 for each class (a class never predicted gets 0).

    Example:
        >>> y_true, y_pred = torch.tensor([0, 1, 1]), torch.tensor([0, 0, 1])
        >>> scores = per_class_scores(y_true, y_pred, 2)
        >>> scores["recall"]
        array([1. , 0.5])
    """
    from sklearn import metrics as skm  # here: scikit-learn takes a second to import

    y_true, y_pred = _labels(y_true, y_pred, num_classes)
    precision, recall, f1, _ = skm.precision_recall_fscore_support(
        y_true, y_pred, labels=list(range(num_classes)), zero_division=0
    )
    return {"precision": precision, "recall": recall, "f1": f1}
