"""A "Colab-like" run: one chapter alone in an empty folder, in a fresh environment
where the helpers are NOT installed and the repository is not on the path. The
setup cell must install the helpers itself, from the pinned git tag, exactly as it
does in Colab. Offline: git is redirected to a local copy of the repository, and
pip may not use an index (every other package is already there, as in Colab)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from tools.notebooks import ROOT, notebooks, repo_url, version


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        },
    )


def fake_remote(tmp: Path) -> Path:
    """A git repository holding helpers/ as it is now, tagged with the book's version."""
    remote = tmp / "remote"
    shutil.copytree(
        ROOT / "helpers",
        remote / "helpers",
        ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"),
    )
    git("init", "-q", "-b", "main", cwd=remote)
    git("add", ".", cwd=remote)
    git("commit", "-q", "-m", "helpers", cwd=remote)
    git("tag", f"v{version()}", cwd=remote)
    return remote


def fresh_environment(tmp: Path) -> Path:
    """A venv that sees every package of this one except nnbook (like Colab's runtime)."""
    env = tmp / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    # the venv's own old setuptools would shadow this environment's (torch needs a new one)
    subprocess.run(
        [
            str(env / "bin" / "python"),
            "-m",
            "pip",
            "uninstall",
            "-q",
            "-y",
            "setuptools",
        ],
        check=True,
    )
    farm = tmp / "packages"
    farm.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if (
            "nnbook" not in entry.name
            and entry.suffix != ".pth"
            and not entry.name.startswith("pip")
        ):
            (farm / entry.name).symlink_to(entry)
    python = env / "bin" / "python"
    site = subprocess.run(
        [
            str(python),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "colab_like.pth").write_text(f"{farm}\n")
    return python


RUN = r"""
import sys, nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell
nb = nbformat.read(sys.argv[1], as_version=4)
nb.cells.append(new_code_cell("import nnbook, sys; print(nnbook.__file__); print(sys.path)"))
NotebookClient(nb, timeout=600, kernel_name="python3").execute()
print(nb.cells[-1].outputs[0].text)
"""


def test_a_chapter_runs_alone_and_installs_its_helpers(tmp_path):
    chapter = notebooks()[-1]
    remote = fake_remote(tmp_path)
    python = fresh_environment(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(chapter, work / chapter.name)
    probe = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('nnbook'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "None", (
        "the fresh environment must not have nnbook yet"
    )

    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(
        {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"url.{remote}.insteadOf",
            "GIT_CONFIG_VALUE_0": repo_url(),
            "PIP_NO_INDEX": "1",  # offline: nothing may be downloaded
            "PIP_NO_BUILD_ISOLATION": "0",  # build with the setuptools already there
            "NNBOOK_DEVICE": "cpu",
        }
    )
    result = subprocess.run(
        [str(python), "-c", RUN, chapter.name],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    nnbook_file, path_line = result.stdout.strip().splitlines()[-2:]
    installed = Path(nnbook_file).resolve()
    assert str(tmp_path / "env") in str(installed), f"nnbook came from {installed}"
    assert str(ROOT) not in path_line, "the repository is on the kernel's path"
    direct_url = next((tmp_path / "env").rglob("nnbook-*.dist-info/direct_url.json"))
    origin = json.loads(direct_url.read_text())
    assert (
        origin["url"] == repo_url()
        and origin["vcs_info"]["requested_revision"] == f"v{version()}"
    )
