"""Publish ``_build/html`` alone to the ``gh-pages`` branch of a git remote.

    python tools/publish_book.py REMOTE      (what ``make publish REMOTE=...`` runs)

REMOTE is anything ``git push`` accepts: a URL or a path. The built book is
scanned for reference material first (HTML, chapter downloads, PDF); nothing
outside ``_build/html`` is pushed, so the executed solution notebooks (kept in
``.cache/executed``) can never be. ``ghp-import`` makes the commit in a
throw-away repository, on top of the remote's ``gh-pages`` when it has one, so
the project's own repository gets no ``gh-pages`` branch.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from build_book import HTML, PDF_NAME, find_leaks  # noqa: E402


def publish(remote, branch="gh-pages", message="Publish the book"):
    if not (HTML / "index.html").is_file():
        raise SystemExit("no book in _build/html: run `make build pdf` first")
    pdf = HTML / PDF_NAME
    found = find_leaks(pdf if pdf.is_file() else None)
    if found:
        raise SystemExit(f"not published: reference material in {sorted(found)}")
    ghp_import = Path(sys.executable).with_name("ghp-import")
    with tempfile.TemporaryDirectory() as work:

        def git(*args, check=True):
            return subprocess.run(["git", *args], cwd=work, check=check, capture_output=True, text=True)

        git("init", "-q")
        git("remote", "add", "origin", str(remote))
        git("fetch", "-q", "origin", f"{branch}:refs/remotes/origin/{branch}", check=False)  # may not exist
        subprocess.run(
            [
                str(ghp_import),
                "--no-jekyll",
                "--push",
                "--remote",
                "origin",
                "--branch",
                branch,
                "--message",
                message,
                str(HTML),
            ],
            cwd=work,
            check=True,
        )
    print(f"published {HTML} to the {branch} branch of {remote}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python tools/publish_book.py REMOTE")
    publish(sys.argv[1])
