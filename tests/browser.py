"""Headless Chromium for the tests that look at a page as a reader does (one home for the set-up).

Debian's ``chromium`` driven by Playwright (Playwright cannot download its own
browser here). As root Chromium needs ``--no-sandbox``; the other switches
keep it off the network, which these pages must never need.
"""

import contextlib
from pathlib import Path

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


class Visit:
    """What a page did while it loaded: console errors and warnings, failed requests, every request."""

    def __init__(self, page):
        self.page, self.errors, self.failed, self.requests = page, [], [], []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("requestfailed", lambda req: self.failed.append(f"{req.url} ({req.failure})"))
        page.on("response", lambda resp: self.failed.append(resp.url) if resp.status >= 400 else None)
        page.on("request", lambda req: self.requests.append(req.url))


@contextlib.contextmanager
def visit(path, width=1280, height=900):
    """Open a local file in headless Chromium; yields a :class:`Visit` (its ``page`` is loaded)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "needs Debian's chromium: make os-packages (README)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            seen = Visit(page)
            page.goto(Path(path).as_uri(), wait_until="load")
            yield seen
        finally:
            browser.close()
