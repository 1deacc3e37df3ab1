"""Collection rules for the whole repository (tests/conftest.py holds the fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools import cpu_env
from tools.notebooks import notebooks

# Before anything imports torch: the CPU code paths the stored outputs were made with
# (tools/cpu_env.py); nbval's kernels and every subprocess inherit them.
cpu_env.pin()


def pytest_ignore_collect(collection_path, config):
    """nbval runs the chapters of _toc.yml only (a test checks that book/ has no others)."""
    if collection_path.suffix == ".ipynb":
        return collection_path.resolve() not in {p.resolve() for p in notebooks()}
    return None


# Tests that need the built site (the session fixture `site` builds it, once per
# worker): they all go to one worker.
SITE_TESTS = ("tests/test_site.py", "tests/test_browser.py", "tests/test_i18n.py")


def work_unit(nodeid: str) -> str:
    """What `make test` (pytest -n N) keeps on one worker, in order.

    The cells of a notebook share one kernel: nbval's items of a notebook form one
    unit. The tests of the built site form one. Every other test is its own unit.
    """
    path = nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        return path
    if path in SITE_TESTS:
        return "site"
    return nodeid


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's hook: a LoadScope scheduler whose scopes are `work_unit`s.

    (Not xdist_group marks: pytest-xdist 3.8 adds a mark's group to `item._nodeid`,
    which pytest 9.2 no longer reads, so the marks are lost.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnits(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return WorkUnits(config, log)


# ----------------------------------------------------------------------------------
# The exercises, checked in nbval's kernel of the chapter, after its last cell: no
# chapter is executed twice. (tests/test_exercises.py proves that the student
# edition, which lacks the solutions, needs none of them.)

WRONG_ANSWERS = Path(__file__).resolve().parent / "tests" / "wrong_answers"
CPU_TIMES = Path(__file__).resolve().parent / "book" / "_data" / "cpu-times.json"
STATUSES = ("not attempted", "passed", "failed")


def pytest_collection_modifyitems(session, config, items):
    """After the last cell of every chapter that nbval runs, its exercise checks."""
    from nbval.plugin import IPyNbFile

    placed = []
    for index, item in enumerate(items):
        placed.append(item)
        parent = item.parent
        following = items[index + 1].parent if index + 1 < len(items) else None
        if isinstance(parent, IPyNbFile) and following is not parent:
            placed.append(ExerciseChecks.from_parent(parent, name="exercises"))
    # The longest work units first, so that no worker is left with a long one at the
    # end: the site, then the chapters by their recorded CPU time, then the rest.
    units: dict[str, list] = {}
    for item in placed:
        units.setdefault(work_unit(item.nodeid), []).append(item)
    seconds = json.loads(CPU_TIMES.read_text())["seconds"] if CPU_TIMES.exists() else {}
    seconds["site"] = float("inf")
    items[:] = [
        item
        for unit in sorted(units, key=lambda unit: -seconds.get(unit, 0.0))
        for item in units[unit]
    ]


def kernel_outputs(kernel, source: str, timeout: float) -> tuple[str, str]:
    """Run ``source`` in nbval's kernel: (its rich text/plain output, error text)."""
    shown, errors = [], []

    def hook(msg):
        content = msg["content"]
        if msg["msg_type"] in ("execute_result", "display_data"):
            shown.append(content["data"].get("text/plain", ""))
        elif msg["msg_type"] == "error":
            errors.append(f"{content['ename']}: {content['evalue']}")

    kernel.kc.execute_interactive(
        source,
        store_history=False,
        allow_stdin=False,
        stop_on_error=False,
        timeout=timeout,
        output_hook=hook,
    )
    return "".join(shown), "\n".join(errors)


class ExerciseChecks(pytest.Item):
    """Every exercise of the chapter: its stub is 'not attempted', each plausible
    wrong answer (tests/wrong_answers/<chapter>.yml) 'failed' with a hint, and the
    solution 'passed'. Runs in the chapter's kernel, after its last cell."""

    def runtest(self):
        import yaml

        from tools import otter
        from tools.notebooks import exercises

        found = exercises(self.parent.nb)
        path = WRONG_ANSWERS / f"{self.path.stem}.yml"
        wrong = yaml.safe_load(path.read_text())
        labels = {ex.label for ex in found}
        assert set(wrong) == labels, (
            f"{path.name}: one wrong-answer list per exercise {sorted(labels)}"
        )
        kernel = self.parent.kernel
        timeout = self.config.option.nbval_cell_timeout or 300
        for ex in found:
            assert len(wrong[ex.label]) >= 2, f"{ex.label}: at least two wrong answers"
            plan = [(ex.stub, "not attempted")]
            plan += [(source, "failed") for source in wrong[ex.label]]
            plan += [("\n\n".join(ex.solutions), "passed")]
            for source, expected in plan:
                _, error = kernel_outputs(kernel, source, timeout)
                assert not error, f"{ex.label}: the answer does not run: {error}"
                shown, error = kernel_outputs(kernel, ex.check, timeout)
                assert not error, f"{ex.label}: the check raised {error}"
                got = next((s for s in STATUSES if f"{s}:" in shown), None)
                assert got == expected, (
                    f"{ex.label}: expected {expected}, got {shown!r} for\n{source}"
                )
                if expected == "failed":
                    hint = shown.split("failed:", 1)[1].strip()
                    assert len(hint) > 10, (
                        f"{ex.label}: a failure needs a hint: {hint!r}"
                    )
            # the otter export's tests (tools/otter.py), on the solution just run:
            # the book's check, and the hidden one on fresh cases
            for hidden in (False, True):
                check = otter.hidden_check(ex.check, ex.label) if hidden else ex.check
                cell = otter.test_cell(ex.label, check, hidden)
                name = cell.source.split("def ", 1)[1].split("(", 1)[0]
                _, error = kernel_outputs(
                    kernel, f"{cell.source}\n{name}(globals())", timeout
                )
                which = "hidden otter test" if hidden else "otter test"
                assert not error, (
                    f"{ex.label}: the {which} fails on the solution: {error}"
                )

    def repr_failure(self, excinfo):
        if excinfo.errisinstance(AssertionError):
            return str(excinfo.value)  # the message says it all; pluggy's frames don't
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}: exercises"
