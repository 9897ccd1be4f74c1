"""Fixes to the HTML pages of the book (a local Sphinx extension, loaded by ``_config.yml``).

* Each script once: some extensions register theirs twice (a JavaScript error
  on every page). sphinx-thebe's scripts are dropped: live code is off
  (``launch_buttons.thebe: false``) and its loader would fetch from a CDN.
* ``book.css``: code cells in a font size at which a line of 88 characters (the
  limit ``tools/book_checks.py`` enforces) fits the page at 1280 px.
"""

from pathlib import Path

STATIC = Path(__file__).with_name("book_static")


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Keep each script of the page once (runs first: a later handler may end the event).

    The two copies differ only in ``filename`` (``None`` and ``""`` for an inline script).
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {})
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted(attributes.items())))
        if "thebe" in key[0] or "THEBE_JS_URL" in str(attributes.get("body", "")):
            continue  # live code (thebe) is off: its loader would only try to fetch from a CDN
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _add_static(app, config):
    config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", _add_static)
    app.add_css_file("book.css")
    app.connect("html-page-context", _dedupe_scripts, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
