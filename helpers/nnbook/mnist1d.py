"""The training runs of the MNIST-1D chapters (their networks are in ``models``).

*Comparing network types on MNIST-1D* teaches ``TABLE_BUDGET``,
``train_classifier`` and ``train_and_test``; *Beyond the table* teaches
``random_shift``, ``BASELINE``, ``RECIPE``, ``RECIPE_BUDGET`` and ``train_variant``.
Later chapters import them from here.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from .data import tensor_loader
from .models import make_cnn_variant
from .train import History, evaluate, fit

# The budget of the published table's four models: Adam, 25 epochs of batches of 250
TABLE_BUDGET = {"num_epochs": 25, "batch_size": 250, "lr": 0.02}
# The published CNN trained as published, and where Beyond the table ends up
BASELINE = {
    "channels": 25,
    "batch_norm": False,
    "head": "flatten",
    "weight_decay": 0.0,
    "one_cycle": False,
    "max_shift": 0,
    "label_smoothing": 0.0,
}
RECIPE = {
    "channels": 64,
    "batch_norm": True,
    "head": "max",
    "weight_decay": 0.05,
    "one_cycle": True,
    "max_shift": 3,
    "label_smoothing": 0.1,
}
RECIPE_BUDGET = {"num_epochs": 15, "batch_size": 100, "lr": 0.01, "max_lr": 0.04}


def train_classifier(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    num_epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    device: torch.device,
) -> nn.Module:
    """Train ``model`` on (X, y) with Adam and cross-entropy; return it.

    The batches come in the order that ``seed`` gives, whatever the model.
    """
    loader = tensor_loader(
        X, y, batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    fit(
        model,
        loader,
        nn.CrossEntropyLoss(),
        optimizer,
        num_epochs=num_epochs,
        device=device,
        progress=False,
    )
    return model


def train_and_test(
    make_model: Callable[[], nn.Module],
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
    *,
    seed: int,
    device: torch.device,
    **budget,
) -> tuple[nn.Module, float, float]:
    """A fresh model, trained by ``train_classifier`` with the given budget.

    Returns the model, its accuracy on the training set and on the test set.
    """
    torch.manual_seed(seed)  # the same initial weights for the same seed
    model = train_classifier(
        make_model().to(device), X_train, y_train, seed=seed, device=device, **budget
    )
    accuracies = []
    for X, y in [(X_train, y_train), (X_test, y_test)]:
        loader = tensor_loader(X, y, batch_size=1000)
        accuracies.append(
            evaluate(model, loader, nn.CrossEntropyLoss(), device).accuracy
        )
    return model, accuracies[0], accuracies[1]


def random_shift(
    X: torch.Tensor, max_shift: int, generator: torch.Generator
) -> torch.Tensor:
    """Shift each row of X (n, length) by its own random whole number of positions.

    The shifts are drawn uniformly from -max_shift..max_shift (positive means to
    the right); the positions left empty at one end are filled with zeros.
    """
    n, length = X.shape
    shifts = torch.randint(-max_shift, max_shift + 1, (n,), generator=generator)
    padded = F.pad(X, (max_shift, max_shift))  # (n, length + 2 * max_shift)
    starts = max_shift - shifts  # where each row's window starts in padded
    positions = starts[:, None] + torch.arange(length)  # (n, length)
    return padded.gather(1, positions)


def train_variant(
    settings: dict,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    *,
    num_epochs: int,
    batch_size: int,
    lr: float,
    max_lr: float,
    seed: int,
    device: torch.device,
    val_loader: DataLoader | None = None,
) -> tuple[nn.Module, History]:
    """Train a fresh ``make_cnn_variant`` with these settings; return it and a History.

    ``settings`` holds the network (channels, batch_norm, head) and its training:
    AdamW's weight_decay, one_cycle (a OneCycleLR schedule up to max_lr, stepped
    after every batch), max_shift (random shifts of each batch) and
    label_smoothing. The History has the training loss of every epoch and, with
    ``val_loader``, the validation loss and accuracy.
    """
    torch.manual_seed(seed)  # the initial weights
    network = {key: settings[key] for key in ("channels", "batch_norm", "head")}
    model = make_cnn_variant(**network).to(device)
    order = torch.Generator().manual_seed(seed)  # the order of the batches
    loader = tensor_loader(X_train, y_train, batch_size, shuffle=True, generator=order)
    shift_generator = torch.Generator().manual_seed(seed)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=settings["label_smoothing"])
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=lr, weight_decay=settings["weight_decay"]
    )
    scheduler = None
    if settings["one_cycle"]:  # one step of the schedule per batch
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=max_lr, total_steps=num_epochs * len(loader)
        )
    history = History()
    for _ in range(num_epochs):
        model.train()
        total_loss = 0.0
        for X, y in loader:
            if settings["max_shift"] > 0:  # augment on the CPU, before the move
                X = random_shift(X, settings["max_shift"], shift_generator)
            X, y = X.to(device), y.to(device)
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            total_loss += loss.item() * len(X)
        history.train_loss.append(total_loss / len(X_train))
        if val_loader is not None:
            val_loss, val_accuracy = evaluate(model, val_loader, loss_fn, device)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_accuracy)
    return model, history
