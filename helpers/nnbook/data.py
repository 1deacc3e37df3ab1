"""Offline data sets: everything is bundled with scikit-learn or generated in code."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    SequentialSampler,
    TensorDataset,
)


@dataclass
class Split:
    """Features ``X_*`` and labels ``y_*`` of a train/validation/test split."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor


def _check_fraction(name: str, value: float) -> None:
    if not isinstance(value, (int, float)) or not 0 < value < 1:
        raise ValueError(
            f"{name} must be a number strictly between 0 and 1, got {value!r}"
        )


def load_digits_split(
    val_size: float = 0.15, test_size: float = 0.15, seed: int = 0, flatten: bool = True
) -> Split:
    """Scikit-learn's 1,797 handwritten digits (8x8 pixels), split three ways.

    The split is stratified, so every digit is equally common in each part.
    Pixels are scaled from 0..16 to 0..1.

    Args:
        val_size: fraction of all samples used for validation.
        test_size: fraction of all samples used for testing.
        seed: seed of the split (it does not touch the global generators).
        flatten: ``X`` of shape ``(n, 64)`` if True, else ``(n, 1, 8, 8)``.

    Returns:
        A ``Split`` with float32 features and int64 labels 0..9.

    Example:
        >>> split = load_digits_split()
        >>> split.X_train.shape, split.X_val.shape, split.X_test.shape
        (torch.Size([1257, 64]), torch.Size([270, 64]), torch.Size([270, 64]))
    """
    _check_fraction("val_size", val_size)
    _check_fraction("test_size", test_size)
    if val_size + test_size >= 1:
        raise ValueError(
            f"val_size + test_size must be below 1, got {val_size + test_size}"
        )
    from sklearn.datasets import load_digits  # here: scikit-learn is slow to import
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    if not flatten:
        X = X.reshape(-1, 1, 8, 8)  # (n, channels, height, width)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=seed
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest,
        y_rest,
        test_size=val_size / (1 - test_size),
        stratify=y_rest,
        random_state=seed,
    )
    parts = (X_train, y_train, X_val, y_val, X_test, y_test)
    return Split(*(torch.from_numpy(np.ascontiguousarray(a)) for a in parts))


def make_two_moons(
    n_samples: int = 200, noise: float = 0.2, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaving half circles: a 2-D set no straight line can separate.

    Returns:
        ``X`` of shape ``(n_samples, 2)`` (float32) and ``y`` of shape
        ``(n_samples,)`` (int64, values 0 and 1).

    Example:
        >>> X, y = make_two_moons(10)
        >>> X.shape, y.dtype
        (torch.Size([10, 2]), torch.int64)
    """
    if not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(f"n_samples must be an int of at least 2, got {n_samples!r}")
    if noise < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    from sklearn.datasets import make_moons  # here: scikit-learn is slow to import

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return torch.from_numpy(X.astype(np.float32)), torch.from_numpy(y.astype(np.int64))


def load_mnist1d(num_samples: int = 5000, seed: int = 42) -> Split:
    """MNIST-1D (Greydanus, 2020): 10 classes of 1-D signals of length 40.

    The data are generated in code, never downloaded. With the defaults this
    is the data set of the paper: 4,000 training and 1,000 test signals. The
    last 500 training signals are held out for validation.

    Example:
        >>> split = load_mnist1d(num_samples=500)
        >>> split.X_train.shape, split.X_val.shape, split.X_test.shape
        (torch.Size([350, 40]), torch.Size([50, 40]), torch.Size([100, 40]))
    """
    if not isinstance(num_samples, int) or num_samples < 100:
        raise ValueError(
            f"num_samples must be an int of at least 100, got {num_samples!r}"
        )
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.num_samples, args.seed = num_samples, seed
    # make_dataset reseeds Python's and NumPy's global generators: put them back.
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        data = make_dataset(args)
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    n_val = len(data["y"]) // 8
    X = torch.from_numpy(data["x"].astype(np.float32))
    y = torch.from_numpy(data["y"].astype(np.int64))
    X_test = torch.from_numpy(data["x_test"].astype(np.float32))
    y_test = torch.from_numpy(data["y_test"].astype(np.int64))
    return Split(X[:-n_val], y[:-n_val], X[-n_val:], y[-n_val:], X_test, y_test)


def make_regression_data(
    n_samples: int = 100,
    weight: float = 2.0,
    bias: float = -1.0,
    noise: float = 0.1,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Points on the line ``y = weight * x + bias`` plus Gaussian noise.

    ``x`` is uniform on [-1, 1]. Knowing the true ``weight`` and ``bias`` lets
    a chapter check that training recovers them.

    Returns:
        ``X`` and ``y``, both float32 of shape ``(n_samples, 1)``.

    Example:
        >>> X, y = make_regression_data(5, noise=0.0)
        >>> torch.allclose(y, 2.0 * X - 1.0)
        True
    """
    if not isinstance(n_samples, int) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}")
    if noise < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(n_samples, 1, generator=g) * 2 - 1
    y = weight * X + bias + noise * torch.randn(n_samples, 1, generator=g)
    return X, y


def tensor_loader(
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    *,
    shuffle: bool = False,
    generator: torch.Generator | None = None,
) -> DataLoader:
    """A ``DataLoader`` over two tensors that takes each batch in one indexing step.

    It yields the same batches as ``DataLoader(TensorDataset(X, y), batch_size,
    shuffle=shuffle, generator=generator)``, which fetches the samples one at a
    time and stacks them.

    Example:
        >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5)
        >>> [y_batch.tolist() for _, y_batch in tensor_loader(X, y, batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} vs {len(y)}")
    dataset = TensorDataset(X, y)
    if shuffle:
        order = RandomSampler(dataset, generator=generator)
    else:
        order = SequentialSampler(dataset)
    batches = BatchSampler(order, batch_size, drop_last=False)  # lists of indices
    # batch_size=None: each list of indices goes to dataset[...] in one piece
    return DataLoader(dataset, sampler=batches, batch_size=None, generator=generator)


def make_loaders(
    split: Split, batch_size: int = 64, generator: torch.Generator | None = None
) -> tuple[DataLoader, DataLoader, DataLoader]:
    """Train, validation and test ``DataLoader``s; only training is shuffled.

    Pass the generator returned by ``seed_everything`` so the order of the
    training batches is repeatable.

    Example:
        >>> train_loader, val_loader, test_loader = make_loaders(load_digits_split())
        >>> X, y = next(iter(train_loader))
        >>> X.shape, y.shape
        (torch.Size([64, 64]), torch.Size([64]))
    """
    if not isinstance(split, Split):
        raise TypeError(f"split must be a Split, not {type(split).__name__}")
    return (
        tensor_loader(
            split.X_train, split.y_train, batch_size, shuffle=True, generator=generator
        ),
        tensor_loader(split.X_val, split.y_val, batch_size),
        tensor_loader(split.X_test, split.y_test, batch_size),
    )
