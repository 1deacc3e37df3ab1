"""Unit tests of the helpers package on tiny inputs, bad inputs included."""

from __future__ import annotations

import random
import sys

import matplotlib.pyplot as plt
import nnbook
import numpy as np
import pytest
import torch
from nnbook import (
    LENGTH,
    NUM_CLASSES,
    CheckResult,
    Evaluation,
    GRUClassifier,
    History,
    accuracy,
    check_function,
    check_output,
    compare,
    confusion_matrix,
    evaluate,
    fit,
    glue,
    load_digits_split,
    load_mnist1d,
    make_cnn,
    make_cnn_variant,
    make_loaders,
    make_mlp,
    make_regression_data,
    make_two_moons,
    per_class_scores,
    pick_device,
    plot_decision_boundary,
    plot_history,
    predict,
    random_shift,
    resampled,
    seed_everything,
    show_images,
    tensor_loader,
    train_and_test,
    train_one_epoch,
    train_variant,
)
from nnbook.mnist1d import BASELINE, RECIPE, RECIPE_BUDGET
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def test_public_api_is_exactly_all():
    public = {n for n in dir(nnbook) if not n.startswith("_")}
    modules = {"checks", "data", "device", "metrics", "mnist1d", "models", "plot"}
    modules |= {"seed", "train"}
    assert public - modules - {"annotations"} == set(nnbook.__all__)


# --- device -------------------------------------------------------------------


def test_pick_device_override_and_env(monkeypatch):
    monkeypatch.delenv("NNBOOK_DEVICE", raising=False)
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device(torch.device("cpu")) == torch.device("cpu")
    monkeypatch.setenv("NNBOOK_DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")


def test_pick_device_auto_order(monkeypatch):
    monkeypatch.delenv("NNBOOK_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device() == torch.device("cpu")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert pick_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device() == torch.device("cuda")


def test_pick_device_bad_input(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(TypeError, match="override"):
        pick_device(3)
    with pytest.raises(ValueError, match="override='tpu9'"):
        pick_device("tpu9")
    with pytest.raises(ValueError, match="no cuda device"):
        pick_device("cuda")


# --- seed ---------------------------------------------------------------------


def test_seed_everything_repeats_every_generator():
    g = seed_everything(7)
    first = (
        random.random(),
        np.random.rand(),
        torch.rand(1).item(),
        torch.rand(1, generator=g).item(),
    )
    g = seed_everything(7)
    second = (
        random.random(),
        np.random.rand(),
        torch.rand(1).item(),
        torch.rand(1, generator=g).item(),
    )
    assert first == second
    assert isinstance(g, torch.Generator)


@pytest.mark.parametrize(
    "bad, error",
    [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)],
)
def test_seed_everything_bad_input(bad, error):
    with pytest.raises(error, match="seed"):
        seed_everything(bad)


# --- data ---------------------------------------------------------------------


def test_digits_split_is_stratified_and_disjoint():
    split = load_digits_split()
    n = len(split.y_train) + len(split.y_val) + len(split.y_test)
    assert n == 1797
    assert split.X_train.dtype == torch.float32 and split.y_train.dtype == torch.int64
    assert 0.0 <= split.X_train.min() and split.X_train.max() <= 1.0
    for y in (split.y_train, split.y_val, split.y_test):
        counts = torch.bincount(y, minlength=10).float() / len(y)
        assert (counts - 0.1).abs().max() < 0.02  # each digit about 10% everywhere
    rows = {tuple(r.tolist()) for r in split.X_test}
    assert not any(tuple(r.tolist()) in rows for r in split.X_val)
    images = load_digits_split(flatten=False)
    assert images.X_train.shape[1:] == (1, 8, 8)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"val_size": 0}, "val_size"),
        ({"test_size": 1.5}, "test_size"),
        ({"val_size": 0.6, "test_size": 0.5}, "val_size \\+ test_size"),
    ],
)
def test_digits_split_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        load_digits_split(**kwargs)


def test_two_moons_and_regression():
    X, y = make_two_moons(50, noise=0.1, seed=1)
    assert X.shape == (50, 2) and set(y.tolist()) == {0, 1}
    X, y = make_regression_data(20, weight=3.0, bias=0.5, noise=0.0)
    assert torch.allclose(y, 3.0 * X + 0.5)
    with pytest.raises(ValueError, match="n_samples"):
        make_two_moons(1)
    with pytest.raises(ValueError, match="noise"):
        make_regression_data(noise=-1)


def test_mnist1d_is_generated_and_leaves_global_rng_alone():
    np.random.seed(123)
    random.seed(123)
    expected = (np.random.rand(), random.random())
    np.random.seed(123)
    random.seed(123)
    split = load_mnist1d(num_samples=500)
    assert (np.random.rand(), random.random()) == expected
    assert split.X_train.shape == (350, 40) and split.X_test.shape == (100, 40)
    assert set(split.y_train.tolist()) == set(range(10))
    with pytest.raises(ValueError, match="num_samples"):
        load_mnist1d(num_samples=10)


def test_make_loaders_bad_input():
    with pytest.raises(TypeError, match="split"):
        make_loaders((torch.zeros(2), torch.zeros(2)))
    with pytest.raises(ValueError, match="batch_size"):
        make_loaders(load_digits_split(), batch_size=0)


# --- train --------------------------------------------------------------------


def _regression_loaders():
    X, y = make_regression_data(64, noise=0.01, seed=3)
    data = TensorDataset(X, y)
    return DataLoader(
        data, batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(0)
    ), DataLoader(data, batch_size=16)


def test_fit_recovers_a_line():
    seed_everything(0)
    train_loader, val_loader = _regression_loaders()
    model = nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    history = fit(
        model,
        train_loader,
        nn.MSELoss(),
        optimizer,
        num_epochs=30,
        device="cpu",
        val_loader=val_loader,
        progress=False,
    )
    assert history.train_loss[-1] < history.train_loss[0] / 10
    assert abs(model.weight.item() - 2.0) < 0.05 and abs(model.bias.item() + 1.0) < 0.05
    assert history.val_accuracy == []  # regression: no accuracy


def test_fit_early_stopping_restores_the_best_weights():
    seed_everything(0)
    train_loader, val_loader = _regression_loaders()
    model = nn.Linear(1, 1)
    # A learning rate far too large makes the loss blow up after the first epoch.
    optimizer = torch.optim.SGD(model.parameters(), lr=3.0)
    history = fit(
        model,
        train_loader,
        nn.MSELoss(),
        optimizer,
        num_epochs=50,
        device="cpu",
        val_loader=val_loader,
        patience=2,
        progress=False,
    )
    assert history.stopped_early
    assert len(history.val_loss) == history.best_epoch + 3
    loss, _ = evaluate(model, val_loader, nn.MSELoss(), "cpu")
    assert loss == pytest.approx(min(history.val_loss))


def test_train_and_evaluate_classification():
    seed_everything(0)
    X = torch.randn(40, 2)
    y = (X[:, 0] > 0).long()
    loader = DataLoader(TensorDataset(X, y), batch_size=10)
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    for _ in range(20):
        train_one_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, "cpu")
    loss, acc = evaluate(model, loader, nn.CrossEntropyLoss(), "cpu")
    assert acc >= 0.95 and loss < 0.3
    y_true, y_pred = predict(model, loader, "cpu")
    assert torch.equal(y_true, y) and (y_pred == y).float().mean().item() == acc


def test_train_bad_input():
    loader = DataLoader(
        TensorDataset(torch.zeros(4, 1), torch.zeros(4, 1)), batch_size=2
    )
    empty = DataLoader(
        TensorDataset(torch.zeros(0, 1), torch.zeros(0, 1)), batch_size=2
    )
    model = nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="model"):
        train_one_epoch(lambda x: x, loader, nn.MSELoss(), opt, "cpu")
    with pytest.raises(ValueError, match="loader is empty"):
        evaluate(model, empty, nn.MSELoss(), "cpu")
    with pytest.raises(ValueError, match="num_epochs"):
        fit(model, loader, nn.MSELoss(), opt, num_epochs=0, device="cpu")
    with pytest.raises(ValueError, match="patience"):
        fit(model, loader, nn.MSELoss(), opt, num_epochs=2, device="cpu", patience=1)
    with pytest.raises(TypeError):  # the options are passed by name
        fit(model, loader, nn.MSELoss(), opt, 2, "cpu")
    with pytest.raises(ValueError, match="model.to\\(device\\)"):
        evaluate(model, loader, nn.MSELoss(), "meta")


def test_evaluate_names_its_result_and_keeps_the_mode():
    X, y = torch.randn(12, 3), torch.randint(0, 2, (12,))
    loader = tensor_loader(X, y, batch_size=5)
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.Linear(4, 2))
    model.train()
    model[1].eval()  # a mixed model: each module keeps its own mode
    result = evaluate(model, loader, nn.CrossEntropyLoss(), "cpu")
    assert isinstance(result, Evaluation) and 0 <= result.accuracy <= 1
    loss, accuracy_ = result  # still unpacks like a tuple
    assert (loss, accuracy_) == (result.loss, result.accuracy)
    assert [m.training for m in model.modules()] == [True, True, False, True]
    y_true, _ = predict(model, loader, "cpu")
    assert [m.training for m in model.modules()] == [True, True, False, True]
    model.eval()
    evaluate(model, loader, nn.CrossEntropyLoss(), "cpu")
    assert not any(m.training for m in model.modules())


def test_tensor_loader_gives_the_batches_of_a_dataloader():
    X, y = torch.randn(23, 2), torch.arange(23)
    for shuffle in (False, True):
        usual = DataLoader(TensorDataset(X, y), batch_size=5, shuffle=shuffle,
                           generator=torch.Generator().manual_seed(1))  # fmt: skip
        fast = tensor_loader(X, y, batch_size=5, shuffle=shuffle,
                             generator=torch.Generator().manual_seed(1))  # fmt: skip
        assert len(fast) == len(usual) == 5
        for _ in range(2):  # two epochs: the generators stay in step
            for (Xa, ya), (Xb, yb) in zip(usual, fast, strict=True):
                assert torch.equal(Xa, Xb) and torch.equal(ya, yb)
    with pytest.raises(ValueError, match="batch_size"):
        tensor_loader(X, y, batch_size=0)
    with pytest.raises(ValueError, match="X and y"):
        tensor_loader(X, y[:3], batch_size=2)


# --- models and the MNIST-1D runs -----------------------------------------------


def test_models_shapes_and_parameter_counts():
    assert sum(p.numel() for p in make_mlp([40, 100, 100, 10]).parameters()) == 15210
    with pytest.raises(ValueError, match="widths"):
        make_mlp([3])
    X = torch.randn(2, LENGTH)
    for model in (make_cnn(), GRUClassifier(), make_cnn_variant(16, True, "max")):
        assert model(X).shape == (2, NUM_CLASSES)
    torch.manual_seed(0)
    published = make_cnn()
    torch.manual_seed(0)
    variant = make_cnn_variant()  # the defaults are the published CNN
    assert all(
        torch.equal(a, b)
        for a, b in zip(
            published.state_dict().values(), variant.state_dict().values(), strict=True
        )
    )
    with pytest.raises(ValueError, match="head"):
        make_cnn_variant(head="mean")


def test_random_shift_moves_each_row_by_at_most_max_shift():
    X = torch.arange(1.0, 11.0).repeat(6, 1)  # (6, 10)

    def shift_by(x: torch.Tensor, s: int) -> torch.Tensor:  # zero-filled
        out = torch.zeros_like(x)
        if s >= 0:
            out[s:] = x[: len(x) - s]
        else:
            out[:s] = x[-s:]
        return out

    shifted = random_shift(X, 2, torch.Generator().manual_seed(0))
    found = [
        [s for s in range(-2, 3) if torch.equal(row, shift_by(X[0], s))]
        for row in shifted
    ]
    assert all(len(f) == 1 for f in found) and len({f[0] for f in found}) > 1
    assert torch.equal(random_shift(X, 0, torch.Generator()), X)


def test_mnist1d_runs_repeat_themselves_for_a_seed():
    split = load_mnist1d(num_samples=400)
    budget = {"num_epochs": 2, "batch_size": 50, "lr": 0.01}
    runs = [
        train_and_test(make_cnn, split.X_train, split.y_train, split.X_test,
                       split.y_test, seed=3, device="cpu", **budget)
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0][1:] == runs[1][1:] and 0 <= runs[0][2] <= 1
    settings = BASELINE | {"one_cycle": True, "max_shift": 2, "label_smoothing": 0.1}
    val = tensor_loader(split.X_val, split.y_val, batch_size=50)
    model, history = train_variant(settings, split.X_train, split.y_train,
                                   num_epochs=2, batch_size=50, lr=0.01, max_lr=0.04,
                                   seed=0, device="cpu", val_loader=val)  # fmt: skip
    assert len(history.train_loss) == len(history.val_accuracy) == 2
    assert set(BASELINE) == set(RECIPE) and RECIPE_BUDGET["num_epochs"] == 15


# --- metrics ------------------------------------------------------------------


def test_metrics_match_hand_counts():
    logits = torch.tensor(
        [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]
    )
    y = torch.tensor([0, 1, 2, 2])
    assert accuracy(logits, y) == 0.75
    y_pred = logits.argmax(1)
    assert confusion_matrix(y, y_pred, 3).tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    scores = per_class_scores(y, y_pred, 3)
    assert scores["precision"].tolist() == [1.0, 0.5, 1.0]
    assert scores["recall"].tolist() == [1.0, 1.0, 0.5]


def test_metrics_bad_input():
    with pytest.raises(ValueError, match="logits"):
        accuracy(torch.zeros(3), torch.zeros(3).long())
    with pytest.raises(ValueError, match="y must"):
        accuracy(torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(ValueError, match="same non-zero length"):
        accuracy(torch.zeros(3, 2), torch.zeros(2).long())
    with pytest.raises(ValueError, match="y_true and y_pred"):
        confusion_matrix(torch.zeros(3), torch.zeros(2), 2)
    with pytest.raises(ValueError, match="y_true has labels outside 0..1"):
        confusion_matrix(torch.tensor([0, 1, 2]), torch.tensor([0, 1, 1]), 2)
    with pytest.raises(ValueError, match="y_pred has labels outside"):
        per_class_scores(torch.tensor([0, 1]), torch.tensor([0, -1]), 2)
    with pytest.raises(ValueError, match="y has labels outside 0..1"):
        accuracy(torch.zeros(3, 2), torch.tensor([0, 1, 5]))
    with pytest.raises(ValueError, match="num_classes must be a positive int, got 0"):
        confusion_matrix(torch.tensor([0]), torch.tensor([0]), 0)


# --- plot ---------------------------------------------------------------------


def test_plots_draw_on_the_given_axes():
    fig, axes = plt.subplots(1, 3)
    assert plot_history(History(train_loss=[1.0, 0.5]), ax=axes[0]) is axes[0]
    X, y = make_two_moons(20)
    model = nn.Sequential(nn.Linear(2, 2))
    ax = plot_decision_boundary(model, X, y, ax=axes[1], resolution=20)
    assert ax is axes[1] and ax.get_title() and ax.get_xlabel()
    assert show_images(torch.rand(5, 1, 8, 8), ax=axes[2]) is axes[2]
    plt.close(fig)


def test_plots_bad_input():
    with pytest.raises(TypeError, match="history"):
        plot_history({"train_loss": [1.0]})
    with pytest.raises(ValueError, match="history is empty"):
        plot_history(History())
    with pytest.raises(ValueError, match="X must"):
        plot_decision_boundary(nn.Linear(3, 1), torch.zeros(4, 3), torch.zeros(4))
    with pytest.raises(ValueError, match="1 channel"):
        show_images(torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match="labels"):
        show_images(torch.zeros(2, 8, 8), labels=[1])
    plt.close("all")


# --- checks -------------------------------------------------------------------


def _stub(x):
    raise NotImplementedError


def test_check_function_statuses():
    cases = [torch.tensor([-1.0, 2.0, -3.0])]
    assert check_function(lambda x: x.clamp(min=0), torch.relu, cases).passed
    assert check_function(_stub, torch.relu, cases).status == "not attempted"
    wrong = check_function(lambda x: x.abs(), torch.relu, cases)
    assert wrong.status == "failed" and "largest error" in wrong.message
    raised = check_function(lambda x: x.foo(), torch.relu, cases)
    assert raised.status == "failed" and "AttributeError" in raised.message
    assert check_function(None, torch.relu, cases).status == "failed"
    assert "return" in check_function(lambda x: None, torch.relu, cases).message


def test_check_never_reveals_the_reference(capsys):
    secret = torch.tensor([123.456])
    result = check_function(lambda: torch.tensor([1.0]), lambda: secret, [()])
    assert "123" not in repr(result)
    result = check_function(lambda: 7, lambda: 123456, [()])
    assert "123456" not in repr(result) and "too low" in result.message
    assert capsys.readouterr().out == ""  # checks return results, they print nothing


def test_check_inputs_are_copied():
    x = torch.ones(3)

    def in_place(t):
        t.mul_(5)
        return t

    assert check_function(in_place, lambda t: t * 5, [x]).passed
    assert torch.equal(x, torch.ones(3))


@pytest.mark.parametrize(
    "got, expected, hint",
    [
        ([1, 2], torch.ones(2), "expected a torch.Tensor"),
        (torch.ones(2, 1), torch.ones(2), "shape"),
        (torch.ones(2, dtype=torch.float64), torch.ones(2), "dtype"),
        (torch.tensor([1, 2]), torch.tensor([1, 3]), "1 of 2 entries"),
        (torch.tensor([float("nan")]), torch.tensor([1.0]), "NaN"),
        (torch.tensor([float("inf")]), torch.tensor([1.0]), "inf"),
        ("3", 3, "expected a number"),
        ((1, 2), (1, 2, 3), "sequence of 3"),
        ((1, torch.ones(1)), (1, torch.zeros(1)), "item 1"),
    ],
)
def test_compare_hints(got, expected, hint):
    assert hint in compare(got, expected)


class _AlwaysEqual:
    """A returned object that claims to equal anything and to be true."""

    def __eq__(self, other):
        return True

    def __bool__(self):
        return True

    __hash__ = None


class _RiggedFloat(float):
    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0.0

    __hash__ = float.__hash__


class _RiggedTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})


class _Point:
    def __init__(self, x):
        self.x = x

    def __eq__(self, other):
        return isinstance(other, _Point) and self.x == other.x


@pytest.mark.parametrize(
    "got, expected, hint",
    [
        (_AlwaysEqual(), 3, "expected a number"),
        (_AlwaysEqual(), 0.5, "expected a number"),
        (_AlwaysEqual(), True, "expected a bool"),
        (_AlwaysEqual(), "relu", "expected a str"),
        (_AlwaysEqual(), (1, 2), "expected a tuple or list"),
        (_AlwaysEqual(), {"a": 1}, "expected a dict"),
        (_AlwaysEqual(), _Point(1), "expected a _Point"),
        (_RiggedFloat(2.0), 3.0, "expected a number"),
        (torch.ones(2).as_subclass(_RiggedTensor), torch.zeros(2), "torch.Tensor"),
        ([_AlwaysEqual()], [1], "item 0"),
        ({"a": _AlwaysEqual()}, {"a": 1}, "key 'a'"),
        (True, 1, "expected a number"),
        (1, True, "expected a bool"),
        ({"b": 1}, {"a": 1}, "some keys are wrong"),
    ],
)
def test_compare_is_not_fooled_by_a_rigged_object(got, expected, hint):
    assert hint in (compare(got, expected) or "passed")


def test_compare_still_takes_plain_answers():
    assert compare(np.float64(0.5), 0.5) is None
    assert compare(np.int64(3), 3) is None
    assert compare(np.bool_(True), True) is None
    assert compare(torch.tensor(2.0), 2.0) is None  # a one-element tensor
    assert compare([1, 2.0], (1, 2)) is None
    assert compare({"a": torch.ones(1)}, {"a": torch.ones(1)}) is None
    assert compare(_Point(1), _Point(1)) is None
    assert compare(_Point(1), _Point(2)) == "the answer is not right"
    assert compare(nn.Parameter(torch.ones(2)), torch.ones(2)) is None


def test_check_function_rejects_a_rigged_answer():
    result = check_function(lambda: _AlwaysEqual(), lambda: 42, [()])
    assert result.status == "failed" and "expected a number" in result.message


def test_resampled_draws_fresh_cases_that_keep_their_rules():
    cases = [
        (torch.randn(3, 4) * 5 + 2, torch.tensor([0, 2, 1]), (8, 8)),
        (torch.rand(2, 2, requires_grad=True), torch.rand(5).abs() + 3),
    ]
    new = resampled(cases, seed=3)
    (a, labels, shape), (unit, positive) = new
    assert a.shape == (3, 4) and not torch.equal(a, cases[0][0])
    assert torch.equal(labels, cases[0][1]) and shape == (8, 8)  # ints are kept
    assert unit.requires_grad and 0 <= unit.min() and unit.max() <= 1
    assert positive.min() >= 0
    assert torch.equal(resampled(cases, seed=3)[0][0], a)  # seeded
    with pytest.raises(TypeError, match="seed must be an int"):
        resampled(cases, seed="3")
    with pytest.raises(ValueError, match="cases"):
        resampled([], seed=1)


def test_check_output_and_bad_cases():
    assert check_output(lambda: 3, lambda r: None if r == 3 else "no").passed
    failed = check_output(lambda: 2, lambda r: None if r == 3 else "should be bigger")
    assert failed.status == "failed" and "bigger" in failed.message
    assert check_output(_stub, lambda r: None, [(1,)]).status == "not attempted"
    tripped = check_output(lambda: "text", lambda r: None if r + 1 else "no")
    assert tripped.status == "failed" and "could not be checked" in tripped.message
    with pytest.raises(ValueError, match="cases"):
        check_function(torch.relu, torch.relu, [])
    assert repr(CheckResult("passed", "ok")) == "✅ passed: ok"


# --- glue ---------------------------------------------------------------------


def test_glue_writes_the_bundle_myst_nb_reads(monkeypatch):
    shown = []
    module = sys.modules["nnbook.glue"]  # the module, not the function it exports
    monkeypatch.setattr(
        module, "display", lambda data, raw, metadata: shown.append((data, metadata))
    )
    glue("acc", 0.97)
    data, metadata = shown[0]
    assert data == {"application/papermill.record/text/plain": "0.97"}
    assert metadata["scrapbook"] == {
        "name": "acc",
        "mime_prefix": "application/papermill.record/",
    }
    with pytest.raises(ValueError, match="name"):
        glue("bad name", 1)
