"""An authoring aid: write a chapter notebook from Python, in the book's conventions.

    from tools.nbbuild import Chapter
    ch = Chapter("Tensors and autograd")      # title cell + the setup cell
    ch.md("Prose ...")
    ch.code("x = torch.ones(2)")
    ch.code("plt.plot(...)", alt="What the figure shows")   # a figure with alt text
    ch.exercise("tensors-ex-label", "Title", "Statement ...",
                stub="def f(x):\\n    raise NotImplementedError",
                solution="def f(x):\\n    return x",
                check="check_function(f, torch.relu, [torch.randn(3)])")
    ch.save("book/tensors-and-autograd.ipynb")

The saved notebook has no outputs; run `python -m tools.execute PATH` to fill them.
After that the notebook itself is the source: edit it in Jupyter.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .notebooks import SETUP_SENTENCE, setup_cell_source


class Chapter:
    def __init__(self, title: str, intro: str = "") -> None:
        self.nb = new_notebook()
        self.nb.metadata = {
            "kernelspec": {
                "display_name": "Python 3",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        }
        self.md(f"# {title}\n\n{intro}\n\n{SETUP_SENTENCE}".strip())
        self.nb.cells.append(
            new_code_cell(
                setup_cell_source(), metadata={"tags": ["setup", "hide-input"]}
            )
        )

    def md(self, text: str) -> None:
        self.nb.cells.append(new_markdown_cell(text.strip("\n")))

    def code(
        self, source: str, alt: str | None = None, tags: list[str] | None = None
    ) -> None:
        metadata: dict = {}
        if alt:
            metadata["mystnb"] = {"image": {"alt": alt}}
        if tags:
            metadata["tags"] = tags
        self.nb.cells.append(new_code_cell(source.strip("\n"), metadata=metadata))

    def exercise(
        self,
        label: str,
        title: str,
        statement: str,
        stub: str,
        solution: str,
        check: str,
    ) -> None:
        self.md(f":::{{exercise}} {title}\n:label: {label}\n\n{statement.strip()}\n:::")
        self.code(stub, tags=["exercise-stub"])
        self.md(f"::::{{solution-start}} {label}\n:class: dropdown\n::::")
        self.code(solution, tags=["solution"])
        self.md("::::{solution-end}\n::::")
        self.code(check, tags=["exercise-check"])

    def save(self, path: str | Path) -> None:
        nbformat.validate(self.nb)
        nbformat.write(self.nb, str(path))
