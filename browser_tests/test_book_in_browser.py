"""The built book as a reader meets it: headless Chromium at 1280 px, every page.

Run with ``make browser-test`` (it builds the book and its PDF first). Needs
Debian's ``chromium`` (``apt-get install chromium``), driven by Playwright
with the system browser; the network is not used: the book is served from
``_build/html`` on 127.0.0.1.

Every page loads without console errors or failed requests (load time
recorded in ``_build/browser-report.txt``); math is typeset by MathJax (no raw
``$``, no MathJax error); every image loads and has alt text; no code block is
cut at the right edge; every internal link and anchor resolves; search finds a
known phrase; dark mode switches; each chapter's download is the runnable
student version.
"""

import functools
import http.server
import io
import json
import re
import socketserver
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from playwright.sync_api import sync_playwright

from autograder.course import ROOT, chapters
from autograder.workflow import leaks

HTML = ROOT / "_build" / "html"
CHROMIUM = "/usr/lib/chromium/chromium"
# Headless Chromium as root needs --no-sandbox; the rest keeps it off the (closed) network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}
REPORT = ROOT / "_build" / "browser-report.txt"


def _pages():
    return sorted(
        str(p.relative_to(HTML)) for p in HTML.rglob("*.html") if not p.relative_to(HTML).parts[0].startswith("_")
    )


@pytest.fixture(scope="module")
def server():
    assert (HTML / "index.html").is_file(), "build the book first: make build pdf"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    handler.log_message = lambda *args: None
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser, url):
    """A fresh page at ``url``: ``(page, console errors, failed requests, load time in s)``."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    errors, failed = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: failed.append(f"{req.url} ({req.failure})"))
    page.on("response", lambda resp: failed.append(f"{resp.url} (HTTP {resp.status})") if resp.status >= 400 else None)
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    elapsed = time.perf_counter() - start
    # MathJax typesets after the load event; wait until it is done.
    page.wait_for_function(
        "() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise && true)"
    )
    page.evaluate("() => window.MathJax && window.MathJax.startup.promise")
    page.wait_for_load_state("networkidle")
    return page, errors, failed, elapsed


@pytest.fixture(scope="module")
def visited(browser, server):
    """Every page, loaded once: its problems, links, anchors and load time."""
    results = {}
    for name in _pages():
        page, errors, failed, elapsed = _open(browser, server + name)
        facts = page.evaluate("""() => {
            const visible = (el) => !el.closest('pre, code, .highlight, script, style, mjx-container, '
                                                + '.cell_input, .cell_output, .MathJax');
            const prose = [...document.querySelectorAll('article p, article li, article td, '
                                                        + 'article figcaption, article dd')]
                .filter(visible).map(el => el.innerText);
            return {
              ids: [...document.querySelectorAll('[id]')].map(el => el.id),
              links: [...document.querySelectorAll('a[href]')].map(a => a.href),
              rawDollar: prose.filter(t => t.includes('$')),
              untypeset: [...document.querySelectorAll('span.math, div.math')]
                  .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 60)),
              mathErrors: [...document.querySelectorAll('mjx-merror')].map(el => el.textContent),
              images: [...document.querySelectorAll('article img')].map(img => ({
                  src: img.src, alt: img.alt, loaded: img.complete && img.naturalWidth > 0})),
              cut: [...document.querySelectorAll('article pre')]
                  .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
                  .map(pre => pre.innerText.split('\\n').reduce((a, b) => a.length > b.length ? a : b)),
            };
        }""")
        facts.update(errors=errors, failed=failed, load_time=elapsed)
        results[name] = facts
        page.context.close()
    REPORT.write_text(
        "page load times (headless Chromium, 1280 px, served from 127.0.0.1)\n"
        + "".join(f"{facts['load_time']:7.3f} s  {name}\n" for name, facts in results.items())
    )
    return results


def test_every_page_loads_cleanly(visited):
    problems = {name: f["errors"] + f["failed"] for name, f in visited.items() if f["errors"] or f["failed"]}
    assert problems == {}
    assert {"docs/intro.html", "docs/glossary.html", "genindex.html", "search.html"} <= set(visited)
    assert all(f"book/{chapter}.html" in visited for chapter in chapters())
    print("\n" + REPORT.read_text())


def test_math_is_typeset(visited):
    assert sum(len(f["ids"]) > 0 for f in visited.values()) == len(visited)
    for name, facts in visited.items():
        assert facts["untypeset"] == [], name
        assert facts["mathErrors"] == [], name
        assert facts["rawDollar"] == [], name


def test_every_image_loads_and_has_alt_text(visited):
    figures = 0
    for name, facts in visited.items():
        for image in facts["images"]:
            assert image["loaded"], (name, image["src"])
            assert len(image["alt"]) >= 10, (name, image["src"])
            figures += 1
    assert figures >= len(chapters())


def test_no_code_block_is_cut_at_1280_px(visited):
    assert {name: f["cut"] for name, f in visited.items() if f["cut"]} == {}


def test_internal_links_and_anchors_resolve(visited, server):
    broken = []
    for name, facts in visited.items():
        for href in facts["links"]:
            if not href.startswith(server):
                continue
            target, anchor = urldefrag(href)
            path = unquote(urlparse(target).path).lstrip("/") or "index.html"
            if path.endswith("/"):
                path += "index.html"
            if not (HTML / path).is_file():
                broken.append(f"{name}: {href}")
            elif anchor and path in visited and unquote(anchor) not in visited[path]["ids"]:
                broken.append(f"{name}: {href} (no such anchor)")
    assert broken == []


def test_the_pdf_is_linked_from_the_introduction(visited, server):
    assert server + "nnfs-book.pdf" in visited["docs/intro.html"]["links"]
    assert (HTML / "nnfs-book.pdf").read_bytes()[:5] == b"%PDF-"


def test_search_finds_a_known_phrase(browser, server):
    page, errors, failed, _ = _open(browser, server + "search.html?q=bias+trick")
    page.wait_for_selector("#search-results ul.search li", timeout=20000)
    results = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
    assert any("ch01_linear_classifiers" in href for href in results), results
    assert errors == [] and failed == []
    page.context.close()


def test_dark_mode_switches(browser, server):
    page, errors, _, _ = _open(browser, server + "book/ch02_hidden_layers.html")
    background = "() => getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    for _ in range(3):  # the switch cycles light -> dark -> auto
        if page.evaluate("() => document.documentElement.dataset.theme") == "dark":
            break
        page.locator(".theme-switch-button").first.click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(background) != light
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_download_is_the_runnable_student_version(browser, server, chapter):
    page, errors, _, _ = _open(browser, server + f"book/{chapter}.html")
    link = page.locator(f"a.download:has-text('{chapter}.zip')")
    assert link.count() == 1  # one download per chapter page
    with page.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    page.context.close()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        assert f"{chapter}/{chapter}.ipynb" in names
        assert f"{chapter}/coursekit/__init__.py" in names  # everything the notebook imports
        nb = json.loads(zf.read(f"{chapter}/{chapter}.ipynb"))
        texts = [zf.read(n).decode() for n in names]
    stubs = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    # Each stub raises an error that names the function to write (no solution in the download).
    assert stubs and all(
        re.search(r'raise NotImplementedError\(\s*"\w+ is not written yet', "".join(c["source"])) for c in stubs
    )
    lines = leaks.solution_lines()
    assert [leaks.scan_text(text, lines) for text in texts] == [[] for _ in texts]
