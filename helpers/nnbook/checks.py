"""Exercise checks: compare a student's function with an oracle and say one line.

A check never prints the reference answer, and an exception raised by the
student's code is reported in the result, not raised.
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

_SYMBOLS = {"passed": "✅", "failed": "❌", "not attempted": "✏️"}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: ``status`` is passed, failed or not attempted."""

    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __repr__(self) -> str:
        return f"{_SYMBOLS[self.status]} {self.status}: {self.message}"

    __str__ = __repr__


def _copy(value: Any) -> Any:
    """Copy inputs, so that in-place changes by one function cannot reach the other."""
    if isinstance(value, torch.Tensor):
        copied = value.detach().clone()
        return copied.requires_grad_(value.requires_grad) if value.is_leaf else copied
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    try:
        return copy.deepcopy(value)
    except Exception:  # some objects cannot be copied; pass them as they are
        return value


def _kind(value: Any) -> str:
    """The kind of a plain answer, judged by its exact type, never by its methods.

    An object that rigs ``__eq__`` or ``__bool__`` (or subclasses ``int``, ``float``,
    ``str``, ``list``...) has none of these kinds, so it cannot pass as one.
    """
    kind = type(value)
    if kind is bool or (kind.__module__ == "numpy" and kind.__name__ == "bool"):
        return "bool"
    if kind in (int, float) or (
        kind.__module__ == "numpy" and isinstance(value, numbers.Real)
    ):
        return "number"
    if kind in (tuple, list, torch.Size):
        return "sequence"
    if kind is dict:
        return "dict"
    if kind is str:
        return "str"
    if value is None:
        return "None"
    return "other"


_NAMES = {
    "bool": "a bool",
    "number": "a number",
    "sequence": "a tuple or list",
    "dict": "a dict",
    "str": "a str",
}


def _as_plain(got: Any) -> Any:
    """A one-element tensor (a loss, a count) stands for the number it holds."""
    if type(got) in (torch.Tensor, torch.nn.Parameter) and got.numel() == 1:
        return got.item()
    return got


def compare(
    got: Any, expected: Any, atol: float = 1e-6, rtol: float = 1e-5
) -> str | None:
    """``None`` if ``got`` matches ``expected``, else a hint that hides ``expected``.

    ``got`` must have the type of ``expected`` (a one-element tensor counts as the
    number it holds); an object that only claims to be equal is not right.

    Example:
        >>> compare(torch.ones(2), torch.ones(2)) is None
        True
        >>> compare(torch.ones(3), torch.ones(2))
        'returned shape (3,), expected shape (2,)'
    """
    if got is None and expected is not None:
        return "returned None: did you forget a `return`?"
    if isinstance(expected, torch.Tensor):
        if type(got) not in (torch.Tensor, torch.nn.Parameter):
            return f"returned a {type(got).__name__}, expected a torch.Tensor"
        if got.shape != expected.shape:
            got_shape, expected_shape = tuple(got.shape), tuple(expected.shape)
            return f"returned shape {got_shape}, expected shape {expected_shape}"
        if got.dtype != expected.dtype:
            return f"returned dtype {got.dtype}, expected {expected.dtype}"
        if got.is_floating_point() or got.is_complex():
            got_c, expected_c = got.detach().cpu(), expected.detach().cpu()
            if torch.isnan(got_c).any() and not torch.isnan(expected_c).any():
                return "the result contains NaN"
            if torch.isinf(got_c).any() and not torch.isinf(expected_c).any():
                return "the result contains inf (an overflow?)"
            if not torch.allclose(
                got_c, expected_c, atol=atol, rtol=rtol, equal_nan=True
            ):
                error = (got_c - expected_c).abs().nan_to_num(float("inf"))
                index = tuple(
                    int(i) for i in torch.unravel_index(error.argmax(), error.shape)
                )
                return (
                    f"largest error {error.max().item():.3g} at index {index} "
                    f"is above the tolerance (atol={atol:g}, rtol={rtol:g})"
                )
            return None
        if not torch.equal(got.detach().cpu(), expected.detach().cpu()):
            wrong = (got.detach().cpu() != expected.detach().cpu()).sum().item()
            return f"{wrong} of {expected.numel()} entries are wrong"
        return None
    want = _kind(expected)
    if want in ("bool", "number"):
        got = _as_plain(got)
    have = _kind(got)
    if want in _NAMES and have != want:
        return f"returned a {type(got).__name__}, expected {_NAMES[want]}"
    if want == "bool":
        return None if bool(got) == bool(expected) else "the answer is not right"
    if want == "number":
        got, expected = float(got), float(expected)
        if abs(got - expected) <= atol + rtol * abs(expected):
            return None
        return "the number is not right" + (
            " (too high)" if got > expected else " (too low)"
        )
    if want == "sequence":
        if len(got) != len(expected):
            return f"expected a sequence of {len(expected)} items"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            hint = compare(g, e, atol, rtol)
            if hint:
                return f"item {i}: {hint}"
        return None
    if want == "dict":
        if set(got) != set(expected):
            return f"expected a dict of {len(expected)} keys; some keys are wrong"
        for key in expected:
            hint = compare(got[key], expected[key], atol, rtol)
            if hint:
                return f"key {key!r}: {hint}"
        return None
    if want == "str":
        return None if str.__eq__(got, expected) else "the answer is not right"
    if type(got) is not type(expected):
        return f"returned a {type(got).__name__}, expected a {type(expected).__name__}"
    return None if (got == expected) is True else "the answer is not right"


def _call(fn: Callable, args: tuple) -> tuple[str, Any]:
    """Run the student's function; return ('ok', value) or the reason it did not run."""
    try:
        return "ok", fn(*_copy(args))
    except NotImplementedError:
        return "not attempted", None
    except Exception as exc:  # report the student's error, never raise it
        return "error", f"{type(exc).__name__}: {exc}"


def _as_cases(cases: Sequence[Any]) -> list[tuple]:
    if not isinstance(cases, (list, tuple)) or len(cases) == 0:
        raise ValueError("cases must be a non-empty list of argument tuples")
    return [c if isinstance(c, tuple) else (c,) for c in cases]


def _run_cases(
    fn: Any, cases: Sequence[Any], judge: Callable[[Any, tuple], str | None]
) -> CheckResult:
    """Call ``fn`` on every case; ``judge(result, args)`` returns None or a hint."""
    cases = _as_cases(cases)
    if not callable(fn):
        return CheckResult("failed", f"expected a function, got {type(fn).__name__}")
    for i, args in enumerate(cases, start=1):
        outcome, got = _call(fn, args)
        if outcome == "not attempted":
            return CheckResult(
                "not attempted", "replace `raise NotImplementedError` with your code"
            )
        if outcome == "error":
            return CheckResult("failed", f"case {i} raised {got}")
        try:
            hint = judge(got, args)
        except Exception as exc:  # a malformed result can trip the comparison itself
            hint = f"the result could not be checked ({type(exc).__name__}: {exc})"
        if hint:
            return CheckResult("failed", f"case {i}: {hint}")
    return CheckResult("passed", f"all {len(cases)} cases match")


def check_function(
    fn: Any,
    reference: Callable,
    cases: Sequence[Any],
    atol: float = 1e-6,
    rtol: float = 1e-5,
) -> CheckResult:
    """Call ``fn`` and ``reference`` on each case (a tuple of arguments) and compare.

    Example:
        >>> check_function(lambda x: 2 * x, lambda x: x + x, [torch.ones(2)])
        ✅ passed: all 1 cases match
        >>> def stub(x):
        ...     raise NotImplementedError
        >>> check_function(stub, torch.relu, [torch.ones(2)]).status
        'not attempted'
    """
    return _run_cases(
        fn, cases, lambda got, args: compare(got, reference(*_copy(args)), atol, rtol)
    )


def check_output(
    fn: Any, test: Callable[..., str | None], cases: Sequence[Any] = ((),)
) -> CheckResult:
    """Call ``fn`` on each case and judge the result with ``test(result, *args)``.

    ``test`` returns ``None`` when the result is right, else a hint. Use it when
    the answer is a property (a loss below a bound, a shape) rather than a value.

    Example:
        >>> check_output(lambda: 3, lambda r: None if r > 2 else "too small")
        ✅ passed: all 1 cases match
    """
    return _run_cases(fn, cases, lambda got, args: test(got, *_copy(args)))


def resampled(cases: Sequence[Any], seed: int) -> list:
    """Cases like ``cases`` with every floating-point tensor drawn afresh.

    Each new tensor keeps the shape, dtype, device and ``requires_grad`` of the old
    one, its mean and spread, and its range where that is a rule of the case: values
    in [0, 1] stay in [0, 1], non-negative values stay non-negative. Everything else
    (integer labels, shapes, sizes) is kept. A hidden test: an answer that was fitted
    to the visible cases, not written for the task, fails it.

    Example:
        >>> old = [(torch.zeros(2, 3),)]
        >>> new = resampled(old, seed=1)
        >>> new[0][0].shape
        torch.Size([2, 3])
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    generator = torch.Generator().manual_seed(seed)

    def fresh(value: Any) -> Any:
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            old = value.detach().cpu().double()
            shape = tuple(value.shape)
            if old.numel() and old.min() >= 0 and old.max() <= 1:
                new = torch.rand(shape, generator=generator, dtype=torch.float64)
            else:
                spread = old.std().item() if old.numel() > 1 else abs(old).sum().item()
                centre = old.mean().item() if old.numel() else 0.0
                noise = torch.randn(shape, generator=generator, dtype=torch.float64)
                new = centre + (spread or 1.0) * noise
                if old.numel() and old.min() >= 0:
                    new = new.abs()
            new = new.to(dtype=value.dtype, device=value.device)
            return new.requires_grad_(value.requires_grad)
        if isinstance(value, (list, tuple)):
            return type(value)(fresh(v) for v in value)
        if isinstance(value, dict):
            return {k: fresh(v) for k, v in value.items()}
        return value

    return [fresh(case) for case in _as_cases(cases)]
