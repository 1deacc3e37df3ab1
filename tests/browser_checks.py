"""What a reader's browser must see on every page of the built site.

Each check takes a Playwright page (already at the URL) and returns a list of
problems: empty when the page is fine. tests/test_browser.py runs them on the
real site, and on a deliberately broken copy to prove that each one can fail.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Flags for a headless Chromium on a machine with no network and no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) and yield its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Recorder:
    """Console errors, page errors and failed local requests of one page."""

    def __init__(self, page, base: str) -> None:
        self.problems: list[str] = []
        self.base = base
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        # Nothing may leave the machine: requests elsewhere are refused and noted.
        page.route("**/*", self._route)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request) -> None:
        if request.url.startswith(self.base):
            self.problems.append(f"failed request: {request.url}")

    def _response(self, response) -> None:
        if response.url.startswith(self.base) and response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _route(self, route) -> None:
        if route.request.url.startswith(self.base) or route.request.url.startswith(
            "data:"
        ):
            route.continue_()
        else:
            self.problems.append(f"request off the machine: {route.request.url}")
            route.abort()


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")


def math_problems(page) -> list[str]:
    """Every maths element was typeset by MathJax and no raw TeX delimiters remain."""
    if page.locator(".math").count() == 0:
        return []
    try:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            " && document.querySelectorAll('mjx-container').length > 0",
            timeout=15000,
        )
        page.evaluate("() => MathJax.startup.promise")
    except Exception as exc:  # noqa: BLE001 - report, do not raise
        return [f"MathJax did not render: {type(exc).__name__}"]
    raw = page.evaluate(
        """() => [...document.querySelectorAll('.math')]
              .filter(e => !e.querySelector('mjx-container')).length"""
    )
    dollars = page.evaluate(
        """() => {
            const article = document.querySelector('article') || document.body;
            const clone = article.cloneNode(true);
            clone.querySelectorAll('pre, code, mjx-container, script').forEach(e => e.remove());
            return (clone.innerText.match(/\\$\\$/g) || []).length;
        }"""
    )
    problems = []
    if raw:
        problems.append(f"{raw} maths elements left untypeset")
    if dollars:
        problems.append(f"{dollars} raw $$ left in the text")
    return problems


def image_problems(page) -> list[str]:
    """Every image in the article has loaded (natural width > 0) and has alt text."""
    images = page.evaluate(
        """() => [...document.querySelectorAll('article img')].map(img => ({
               src: img.getAttribute('src'), width: img.naturalWidth,
               complete: img.complete, alt: (img.getAttribute('alt') || '').trim()}))"""
    )
    problems = []
    for image in images:
        if not image["complete"] or image["width"] == 0:
            problems.append(f"image did not load: {image['src']}")
        if len(image["alt"]) < 5:
            problems.append(f"image without alt text: {image['src']}")
    return problems


def colab_problems(page, expected: str) -> list[str]:
    """The page's Colab launch link points to exactly this notebook."""
    links = page.evaluate(
        """() => [...document.querySelectorAll('a[href*="colab.research.google.com"]')]
              .map(a => a.href)"""
    )
    return (
        [] if links == [expected] else [f"Colab links {links}, expected [{expected}]"]
    )


def solution_problems(page) -> list[str]:
    """The first solution is collapsed on load and opens when its title is clicked."""
    solution = page.locator(".solution").first
    if solution.count() == 0:
        return ["no solution on the page"]
    body = solution.locator("> :not(.admonition-title)").first
    if body.is_visible():
        return ["the solution is visible before any click"]
    solution.locator(".admonition-title").click()
    try:
        body.wait_for(state="visible", timeout=3000)
    except Exception:  # noqa: BLE001 - report, do not raise
        return ["the solution did not open on click"]
    return []


def fold_problems(page) -> list[str]:
    """Folded cells (tag hide-input) show a closed "Show code" toggle and their output;
    clicking the toggle shows the code."""
    folds = page.locator(".cell.tag_hide-input")
    if folds.count() == 0:
        return ["no folded cell on the page"]
    problems = []
    for i in range(folds.count()):
        cell = folds.nth(i)
        code = cell.locator(".cell_input").first
        toggle = cell.locator("details.above-input > summary").first
        if code.is_visible():
            problems.append(f"folded cell {i}: its code is visible before any click")
        if toggle.count() == 0 or not toggle.is_visible():
            problems.append(f"folded cell {i}: no toggle to show its code")
            continue
        if toggle.inner_text().strip() != "Show code":
            problems.append(f"folded cell {i}: the toggle says {toggle.inner_text()!r}")
        output = cell.locator(".cell_output").first
        if output.count() and not output.is_visible():
            problems.append(f"folded cell {i}: its output is hidden")
    first = folds.first
    try:
        first.locator("details.above-input > summary").first.click(timeout=3000)
        first.locator(".cell_input").first.wait_for(state="visible", timeout=3000)
    except Exception:  # noqa: BLE001 - report, do not raise
        problems.append("the first folded cell did not open on click")
    return problems


def search_problems(page, base: str, term: str, expected_page: str) -> list[str]:
    """The search page finds ``term`` and lists ``expected_page`` among the results."""
    open_page(page, f"{base}search.html?q={term}")
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('#search-results li a, ul.search li a')"
            ".length > 0",
            timeout=15000,
        )
    except Exception:  # noqa: BLE001 - report, do not raise
        return [f"the search for {term!r} listed nothing"]
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('#search-results li a, ul.search li a')]"
        ".map(a => a.getAttribute('href'))"
    )
    if not any(expected_page in (href or "") for href in hrefs):
        return [f"the search for {term!r} does not list {expected_page}: {hrefs[:5]}"]
    return []


def luminance(png: bytes) -> tuple[float, float]:
    """Mean luminance (0..1) of a PNG, and the fraction of its dark pixels."""
    import io

    from PIL import Image

    values = Image.open(io.BytesIO(png)).convert("L").tobytes()
    return sum(values) / len(values) / 255, sum(v < 100 for v in values) / len(values)


def dark_mode_problems(page) -> list[str]:
    """The theme switch turns the page dark, and a figure stays readable in it."""
    button = page.locator(".theme-switch-button").first
    if button.count() == 0:
        return ["no dark-mode switch"]
    for _ in range(3):  # the switch cycles light -> dark -> auto
        if page.evaluate("() => document.documentElement.dataset.theme") == "dark":
            break
        button.click()
    if page.evaluate("() => document.documentElement.dataset.theme") != "dark":
        return ["the switch never set the dark theme"]
    background = page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number)"
    )
    if sum(background[:3]) / 3 > 100:
        return [f"the page is not dark in dark mode: background {background}"]
    figure = page.locator("article img").first
    if figure.count() == 0:
        return []
    figure.scroll_into_view_if_needed()
    mean, dark_share = luminance(figure.screenshot())
    # Readable: a light background with dark ink (axes, labels, lines) on it.
    if mean < 0.5 or dark_share < 0.002:
        return [f"figure unreadable in dark mode: mean luminance {mean:.2f}"]
    return []
