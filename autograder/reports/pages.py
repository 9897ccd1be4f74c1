"""One way to make an HTML page from a template: Jinja2, escaping everything, inert.

Every page of :mod:`autograder.reports` comes from a template in
``templates/`` rendered here: autoescaping on (names, messages and code come
from students), undefined values an error, and ``POLICY`` (the
Content-Security-Policy of :mod:`.inert_html`) available to put first in the
page's head.
"""

from pathlib import Path

from autograder.reports import inert_html

TEMPLATES = Path(__file__).parent / "templates"


def num(value):
    """A score as the reports write it: at most two decimals, no trailing zeros; ``–`` for none."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _breakable(text):
    """Long exercise names may break after an underscore in narrow table headers."""
    from markupsafe import Markup, escape

    return Markup("_<wbr>").join(escape(part) for part in str(text).split("_"))


def render(template, **context):
    """The page ``template`` (a file name in ``templates/``) filled with ``context``."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = num
    env.filters["breakable"] = _breakable
    return env.get_template(template).render(POLICY=inert_html.POLICY, **context)
