"""nnbook: the helpers of the book "Neural networks with PyTorch".

Each function is written out in full in the chapter that teaches it; later
chapters import it from here. Importing this package has no side effects.
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from .checks import CheckResult, check_function, check_output, compare, resampled
from .data import (
    Split,
    load_digits_split,
    load_mnist1d,
    make_loaders,
    make_regression_data,
    make_two_moons,
    tensor_loader,
)
from .device import pick_device
from .glue import glue
from .metrics import accuracy, confusion_matrix, per_class_scores, predict
from .mnist1d import random_shift, train_and_test, train_classifier, train_variant
from .models import (
    LENGTH,
    NUM_CLASSES,
    GRUClassifier,
    make_cnn,
    make_cnn_variant,
    make_mlp,
)
from .plot import plot_decision_boundary, plot_history, show_images
from .seed import seed_everything
from .train import Evaluation, History, evaluate, fit, train_one_epoch

try:
    __version__ = _version("nnbook")
except _PackageNotFoundError:  # imported from a source tree, not installed
    __version__ = "unknown"

__all__ = [
    "LENGTH",
    "NUM_CLASSES",
    "CheckResult",
    "Evaluation",
    "GRUClassifier",
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
    "make_cnn",
    "make_cnn_variant",
    "make_loaders",
    "make_mlp",
    "make_regression_data",
    "make_two_moons",
    "per_class_scores",
    "pick_device",
    "plot_decision_boundary",
    "plot_history",
    "predict",
    "random_shift",
    "resampled",
    "seed_everything",
    "show_images",
    "tensor_loader",
    "train_and_test",
    "train_classifier",
    "train_one_epoch",
    "train_variant",
]
