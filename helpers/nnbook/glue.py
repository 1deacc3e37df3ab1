"""Store a value in a notebook's outputs so the book's text can quote it."""

from __future__ import annotations

from typing import Any

from IPython.core.formatters import format_display_data
from IPython.display import display

# The MIME prefix under which myst-nb looks for glued values that are not shown.
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, display_value: bool = False) -> None:
    """Record ``value`` under ``name`` for the text (``{glue:text}`name:.2f` ``).

    This writes the same output as ``myst_nb.glue`` using IPython alone, so a
    notebook can run where myst-nb is not installed (in Colab, say). By
    default the value is stored but not shown.

    Args:
        name: the key quoted by the text; letters, digits, ``_`` and ``-``.
        value: any object IPython can display (a number, a string, a figure).
        display_value: also show the value below the cell.

    Example:
        >>> glue("answer", 42)  # outside a notebook this displays nothing
    """
    if (
        not isinstance(name, str)
        or not name
        or not all(c.isalnum() or c in "_-" for c in name)
    ):
        raise ValueError(
            f"name must be a non-empty string of letters, digits, _ or -, got {name!r}"
        )
    bundle, metadata = format_display_data(value)
    prefix = "" if display_value else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    display(
        {prefix + mime: data for mime, data in bundle.items()},
        raw=True,
        metadata=metadata,
    )
