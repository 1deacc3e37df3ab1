"""Small Sphinx fixes and additions for the book's site (a local extension)."""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

CPU_TIMES = "book/_data/cpu-times.json"
GPU_RUN = "reports/gpu-run.json"


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep one copy of each script tag.

    Under Jupyter Book 1, sphinx-thebe's and sphinx-togglebutton's inline scripts
    are registered twice (once with the file name None, once with ""); a second
    `const THEBE_JS_URL` is a JavaScript error on every page.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = tuple(sorted((k, str(v)) for k, v in script.attributes.items()))
        key = (script.filename or "", attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def stats_lines(cpu: dict, gpu: dict | None) -> list[str]:
    """The Markdown of the execution-statistics table, from the two measurement files."""
    gpu_results = {r["notebook"]: r for r in gpu["results"]} if gpu else {}
    header = "| chapter | CPU seconds |" + (
        " GPU seconds | GPU result |" if gpu else ""
    )
    lines = [header, "| --- | ---: |" + (" ---: | --- |" if gpu else "")]
    for notebook, seconds in cpu["seconds"].items():
        row = f"| {{doc}}`/{notebook.removesuffix('.ipynb')}` | {seconds:.1f} |"
        if gpu:
            result = gpu_results.get(notebook)
            if result:
                verdict = "passed" if result["passed"] else "FAILED"
                row += f" {result['seconds']:.1f} | {verdict} |"
            else:
                row += " not run | |"
        lines.append(row)
    total = sum(cpu["seconds"].values())
    last = f"| **total** | **{total:.1f}** |"
    lines.append(last + (f" **{gpu['total_seconds']:.1f}** | |" if gpu else ""))
    lines += [
        "",
        f"CPU: measured by `make outputs` on a machine with {cpu['cpu_count']} cores "
        f"({cpu['machine']}, Python {cpu['python']}, one PyTorch thread), "
        f"{len(cpu['seconds'])} chapters, {total:.0f} s in all.",
        "",
    ]
    if gpu:
        lines.append(
            f"GPU: `make test-gpu` on {gpu['date']}, {gpu['device']}, "
            f"torch {gpu['torch']}, CUDA {gpu['cuda']}; "
            f"every notebook passed: {gpu['all_passed']}."
        )
    else:
        lines.append("GPU: no run of `make test-gpu` has been recorded yet.")
    return lines


class ExecutionStats(SphinxDirective):
    """``{execution-stats}``: each chapter's measured run time, from the data files.

    CPU times come from book/_data/cpu-times.json (written by `make outputs`), the
    latest GPU run from reports/gpu-run.json (written by `make test-gpu`). Nothing
    in the table is typed by hand.
    """

    def run(self) -> list:
        root = Path(self.env.app.confdir)
        cpu = json.loads((root / CPU_TIMES).read_text(encoding="utf-8"))
        gpu_path = root / GPU_RUN
        gpu = (
            json.loads(gpu_path.read_text(encoding="utf-8"))
            if gpu_path.exists()
            else None
        )
        self.env.note_dependency(str(root / CPU_TIMES))
        lines = stats_lines(cpu, gpu)
        container = nodes.container(classes=["execution-stats"])
        self.state.nested_parse(
            StringList(lines, source=CPU_TIMES), self.content_offset, container
        )
        return [container]


def setup(app):
    # run after the other extensions have added their scripts to the page
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.add_directive("execution-stats", ExecutionStats)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
