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


CHINESE = "zh_CN"  # the Chinese site is built into _build/html/zh_CN (make book-zh)


def language_link(app, pagename, templatename, context, doctree) -> None:
    """A link, at the top of every page, to the same page in the other language.

    The English site is at the root of _build/html and the Chinese one in its
    zh_CN folder, with the same page names, so the link is relative. On a Chinese
    notebook page a note says that the notebook itself (Colab, download) is English.
    """
    if doctree is None or "body" not in context:
        return
    up = "../" * pagename.count("/")
    chinese = app.config.language == CHINESE
    if chinese:
        href, label, lang = f"{up}../{pagename}.html", "English", "en"
        title = "Read this page in English"
    else:
        href, label, lang = f"{up}{CHINESE}/{pagename}.html", "中文", "zh-CN"
        title = "阅读本页的中文版"
    note = ""
    if chinese and context.get("page_source_suffix") == ".ipynb":
        note = (
            '<p class="nnbook-notebook-note">本页的代码、输出和图与英文版相同。'
            "上方按钮打开或下载的笔记本（如在 Colab 中运行）正文为英文。</p>"
        )
    context["body"] = (
        f'<p class="nnbook-language"><a href="{href}" hreflang="{lang}" lang="{lang}" '
        f'title="{title}">{label}</a></p>{note}{context["body"]}'
    )


_RENDERERS: dict = {}  # docname -> the notebook's myst-nb element renderer


def keep_glue_for_translations() -> None:
    """Let glued values work in translated paragraphs (the Chinese site).

    myst-nb keeps a notebook's glue data on its renderer, which it stores on the
    document only while it parses the notebook. Sphinx's i18n parses each translated
    paragraph later, as a document of its own, where a {glue} role then finds no
    data and warns. This keeps each notebook's renderer by page, and gives it to a
    translated paragraph of the same page.
    """
    from myst_nb import sphinx_
    from myst_nb.ext.glue import directives, roles, utils

    if getattr(sphinx_.Parser.parse, "_nnbook", False):
        return
    parse = sphinx_.Parser.parse

    def parse_keeping_renderer(self, inputstring, document):
        docname = document.settings.env.docname

        class Keep(dict):
            def pop(self, key, *default):
                value = dict.pop(self, key, *default)
                if key == "nb_renderer" and value is not None:
                    _RENDERERS[docname] = value
                return value

        document.attributes = Keep(document.attributes)
        try:
            return parse(self, inputstring, document)
        finally:
            document.attributes = dict(document.attributes)

    parse_keeping_renderer._nnbook = True
    sphinx_.Parser.parse = parse_keeping_renderer
    retrieve = utils.retrieve_glue_data

    def retrieve_for_translations(document, key):
        if "nb_renderer" in document:
            return retrieve(document, key)
        renderer = _RENDERERS.get(document.settings.env.docname)
        if renderer is None:
            return retrieve(document, key)
        document["nb_renderer"] = renderer  # for this call only: doctrees are pickled
        try:
            return retrieve(document, key)
        finally:
            del document["nb_renderer"]

    for module in (utils, roles, directives):
        if getattr(module, "retrieve_glue_data", None) is retrieve:
            module.retrieve_glue_data = retrieve_for_translations


def setup(app):
    if app.config.language and app.config.language != "en":
        keep_glue_for_translations()
    # run after the other extensions have added their scripts to the page
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", language_link)
    app.add_directive("execution-stats", ExecutionStats)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
