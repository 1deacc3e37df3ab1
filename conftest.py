"""Collection rules for the whole repository (tests/conftest.py holds the fixtures)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

import cpu_env  # noqa: E402
from notebooks import notebooks  # noqa: E402

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
SITE_TESTS = ("tests/test_site.py", "tests/test_browser.py")


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
