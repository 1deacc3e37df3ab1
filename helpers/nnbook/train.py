"""The canonical training loop: one epoch, evaluation, ``fit`` with early stopping."""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm import TqdmWarning

with warnings.catch_warnings():
    # In Jupyter without ipywidgets, tqdm.auto warns and falls back to a text bar;
    # the text bar is all we need, so the warning is silenced here (only here).
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class History:
    """Per-epoch losses and accuracies recorded by ``fit``."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None  # 0-based epoch of the lowest validation loss
    stopped_early: bool = False


def _check_args(model: nn.Module, loader: DataLoader, device: torch.device) -> None:
    """Fail early, naming the argument, instead of deep inside torch."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, not {type(model).__name__}")
    if not isinstance(loader, DataLoader):
        raise TypeError(f"loader must be a DataLoader, not {type(loader).__name__}")
    if len(loader) == 0:
        raise ValueError("loader is empty: it yields no batches")
    param, target = next(model.parameters(), None), torch.device(device)
    if param is not None and (
        param.device.type != target.type
        or target.index is not None
        and param.device.index != target.index
    ):
        raise ValueError(
            f"model is on {param.device} but device={device}: "
            "call model.to(device) first"
        )


def train_one_epoch(
    model: nn.Module,
    loader: DataLoader,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
) -> float:
    """Train for one pass over ``loader``; return the mean loss per sample.

    Example:
        >>> X, y = torch.randn(8, 3), torch.randn(8, 1)
        >>> loader = DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=4)
        >>> model = nn.Linear(3, 1)
        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> loss = train_one_epoch(model, loader, nn.MSELoss(), optimizer, "cpu")
        >>> loss > 0
        True
    """
    _check_args(model, loader, device)
    model.train()
    total_loss, num_samples = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(X)  # the loss is a batch mean
        num_samples += len(X)
    return total_loss / num_samples


class Evaluation(NamedTuple):
    """What ``evaluate`` measured: mean loss per sample, and the accuracy."""

    loss: float
    accuracy: float | None  # None for regression (floating-point targets)


def evaluate(
    model: nn.Module, loader: DataLoader, loss_fn: LossFn, device: torch.device
) -> Evaluation:
    """Mean loss per sample, and accuracy when targets are class indices.

    Runs in eval mode under ``torch.no_grad()``, then puts every module back
    in the mode it was in. Accuracy is ``None`` for regression.

    Example:
        >>> model = nn.Linear(2, 2)
        >>> X, y = torch.zeros(4, 2), torch.zeros(4).long()
        >>> loader = DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=2)
        >>> result = evaluate(model, loader, nn.CrossEntropyLoss(), "cpu")
        >>> result.accuracy in (0.0, 1.0), model.training
        (True, True)
    """
    _check_args(model, loader, device)
    modes = [module.training for module in model.modules()]  # to put back after
    model.eval()
    total_loss, num_correct, num_samples = 0.0, 0, 0
    classify = True
    try:
        with torch.no_grad():
            for X, y in loader:
                X, y = X.to(device), y.to(device)
                logits = model(X)
                total_loss += loss_fn(logits, y).item() * len(X)
                num_samples += len(X)
                classify = classify and not y.is_floating_point() and logits.ndim == 2
                if classify:
                    num_correct += (logits.argmax(dim=1) == y).sum().item()
    finally:
        for module, mode in zip(model.modules(), modes, strict=True):
            module.training = mode
    accuracy = num_correct / num_samples if classify else None
    return Evaluation(total_loss / num_samples, accuracy)


def fit(
    model: nn.Module,
    train_loader: DataLoader,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    *,
    num_epochs: int,
    device: torch.device,
    val_loader: DataLoader | None = None,
    patience: int | None = None,
    progress: bool = True,
) -> History:
    """Train ``model`` for up to ``num_epochs`` epochs and record a ``History``.

    Everything after ``optimizer`` is passed by name. With ``val_loader`` and
    ``patience``, training stops once the validation loss has not improved for
    ``patience`` epochs, and the weights of the best epoch are restored (early
    stopping).

    Example:
        >>> X, y = torch.randn(32, 3), torch.randn(32, 1)
        >>> loader = DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=8)
        >>> model = nn.Linear(3, 1)
        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> loss_fn = nn.MSELoss()
        >>> history = fit(model, loader, loss_fn, optimizer, num_epochs=5,
        ...               device="cpu", progress=False)
        >>> len(history.train_loss)
        5
    """
    if not isinstance(num_epochs, int) or num_epochs < 1:
        raise ValueError(f"num_epochs must be a positive int, got {num_epochs!r}")
    if patience is not None and (val_loader is None or patience < 1):
        raise ValueError("patience needs a val_loader and must be a positive int")
    history = History()
    best_loss, best_state = float("inf"), None
    epochs = tqdm(range(num_epochs), desc="epochs", disable=not progress)
    for epoch in epochs:
        history.train_loss.append(
            train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        )
        if val_loader is None:
            epochs.set_postfix(
                train_loss=f"{history.train_loss[-1]:.4f}", refresh=False
            )
            continue
        val_loss, val_accuracy = evaluate(model, val_loader, loss_fn, device)
        history.val_loss.append(val_loss)
        if math.isnan(val_loss):
            raise ValueError(
                f"the validation loss is NaN after epoch {epoch}: training diverged "
                "(try a smaller learning rate)"
            )
        if val_accuracy is not None:
            history.val_accuracy.append(val_accuracy)
        epochs.set_postfix(
            train_loss=f"{history.train_loss[-1]:.4f}",
            val_loss=f"{val_loss:.4f}",
            refresh=False,  # the bar redraws itself; fewer redraws, shorter output
        )
        if val_loss < best_loss:
            best_loss, history.best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        elif patience is not None and epoch - history.best_epoch >= patience:
            history.stopped_early = True
            break
    epochs.close()
    if patience is not None and best_state is not None:
        model.load_state_dict(best_state)
    return history
