"""nnbook: the helpers of the book "Neural networks with PyTorch".

Each function is written out in full in the chapter that teaches it; later
chapters import it from here. Importing this package has no side effects.
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from .checks import CheckResult, check_function, check_output, compare
from .data import (
    Split,
    load_digits_split,
    load_mnist1d,
    make_loaders,
    make_regression_data,
    make_two_moons,
)
from .device import pick_device
from .glue import glue
from .metrics import accuracy, confusion_matrix, per_class_scores, predict
from .plot import plot_decision_boundary, plot_history, show_images
from .seed import seed_everything
from .train import History, evaluate, fit, train_one_epoch

try:
    __version__ = _version("nnbook")
except _PackageNotFoundError:  # imported from a source tree, not installed
    __version__ = "unknown"

__all__ = [
    "CheckResult",
    "History",
    "Split",
    "accuracy",
    "check_function",
    "check_output",
    "compare",
    "confusion_matrix",
    "evaluate",
    "fit",
    "glue",
    "load_digits_split",
    "load_mnist1d",
    "make_loaders",
    "make_regression_data",
    "make_two_moons",
    "per_class_scores",
    "pick_device",
    "plot_decision_boundary",
    "plot_history",
    "predict",
    "seed_everything",
    "show_images",
    "train_one_epoch",
]
