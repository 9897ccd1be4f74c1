"""Pages made from student material run nothing: one home for what makes them inert.

Feedback pages, the class report and the similarity report show what
students wrote (markdown, outputs, code, exception messages, names).
Instructors open these pages and upload them to their LMS, so

* student markdown and HTML outputs are sanitised (:func:`sanitize_notebook_html`:
  `nh3 <https://nh3.readthedocs.io>`_, the bindings of the Rust sanitiser
  ammonia, with an allowlist that keeps what notebooks use: headings,
  tables, lists, code, images embedded in the page); the reports' templates
  escape everything they show;
* every page carries :data:`POLICY` as a ``Content-Security-Policy`` meta
  element, first in its head: no script of any kind, no plugin, no frame,
  no form, nothing fetched (images only as ``data:`` URIs), so even a path
  the sanitiser missed runs nothing;
* :func:`make_inert` removes from a finished page whatever could act anyway
  (scripts, event handlers, ``javascript:`` links, frames, forms, ``<base>``,
  refreshes), as a last pass over the whole document.
"""

import html.parser
import re

#: What a page may do: show itself, its inline styles, and images embedded in it. Nothing else.
POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "script-src 'none'; object-src 'none'; frame-src 'none'; child-src 'none'; worker-src 'none'; "
    "connect-src 'none'; form-action 'none'; base-uri 'none'"
)
META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'

ACTIVE_ELEMENTS = (
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "base",
    "portal",
    "noscript",
    "template",
)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster", "background", "ping")
SAFE_URL = re.compile(r"^\s*(#|https?:|mailto:|data:image/(png|jpeg|gif|webp);)", re.I)
#: In a page's own styles: what would fetch something (the policy blocks it, with a console error).
CSS_IMPORT = re.compile(r"@import\s[^;]*;", re.I)
CSS_URL = re.compile(r"url\(\s*(?![\s'\"]*data:)[^)]*\)", re.I)


#: The classes of the parts of an nbconvert page that hold HTML a student wrote or made: rendered
#: markdown and rich outputs (code, plain-text outputs and tracebacks are escaped by nbconvert
#: itself). Found in one pass over the page by class (CSS selectors took 0.2 s a page).
STUDENT_HTML = frozenset(
    {
        "text_cell_render",
        "output_html",
        "output_markdown",
        "output_svg",
        "output_latex",
        "output_javascript",
        "jp-RenderedHTMLCommon",
        "jp-RenderedSVG",
        "jp-RenderedJavaScript",
    }
)


def _allowed():
    import nh3

    tags = set(nh3.ALLOWED_TAGS) | {"svg", "g", "path", "circle", "rect", "line", "polyline", "polygon", "text"}
    attributes = {tag: set(values) for tag, values in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag in tags:
        attributes.setdefault(tag, set()).update({"class", "title", "align"})
    attributes["img"].update({"src", "alt", "width", "height"})
    for tag in ("svg", "g", "path", "circle", "rect", "line", "polyline", "polygon", "text"):
        attributes[tag].update(
            {
                "d",
                "x",
                "y",
                "x1",
                "x2",
                "y1",
                "y2",
                "cx",
                "cy",
                "r",
                "width",
                "height",
                "points",
                "fill",
                "stroke",
                "stroke-width",
                "transform",
                "viewBox",
            }
        )
    return tags, attributes


def sanitize_notebook_html(soup):
    """Sanitise, in place, every part of an nbconvert page that holds a student's HTML; return how many."""
    import nh3
    from bs4 import BeautifulSoup

    tags, attributes = _allowed()
    regions = soup.find_all(lambda tag: not STUDENT_HTML.isdisjoint(tag.get("class") or ()))
    for element in regions:
        clean = nh3.clean(
            element.decode_contents(),
            tags=tags,
            attributes=attributes,
            url_schemes={"http", "https", "mailto", "data"},
            link_rel="noopener noreferrer",
        )
        element.clear()
        element.append(BeautifulSoup(clean, "html.parser"))
    return len(regions)


def make_inert(soup):
    """Remove from ``soup`` (a BeautifulSoup document) all that could run or load; add :data:`META`."""
    for name in ACTIVE_ELEMENTS:
        for element in soup.find_all(name):
            element.decompose()
    for element in soup.find_all("style"):  # styles fetch nothing (bootstrap's icon font, say)
        if element.string:
            element.string = CSS_URL.sub("none", CSS_IMPORT.sub("", element.string))
    for element in soup.find_all("link"):  # only an icon embedded in the page may stay
        if not str(element.get("href", "")).startswith("data:"):
            element.decompose()
    for element in soup.find_all("meta"):
        if (element.get("http-equiv") or "").lower() in ("refresh", "content-security-policy", "set-cookie"):
            element.decompose()
    for element in soup.find_all(True):
        for attribute in list(element.attrs):
            lowered = attribute.lower()
            if lowered.startswith("on") or lowered in ("style",) and "url(" in str(element[attribute]).lower():
                del element[attribute]
            elif lowered in URL_ATTRIBUTES and not SAFE_URL.match(str(element[attribute])):
                del element[attribute]
    head = soup.find("head")
    if head is None:
        head = soup.new_tag("head")
        (soup.html or soup).insert(0, head)
    head.insert(0, _meta(soup))
    return soup


def _meta(soup):
    from bs4 import BeautifulSoup

    return BeautifulSoup(META, "html.parser").meta


def is_inert(text):
    """Whether a finished page starts its head with the policy and holds nothing that could act.

    Read in one pass of the standard library's HTML tokenizer (the one BeautifulSoup's
    ``html.parser`` builds its trees from), without building a tree: a page's check costs
    a fraction of its parse.
    """
    checker = _InertCheck()
    checker.feed(text)
    checker.close()
    return checker.policy_first and not checker.active


class _InertCheck(html.parser.HTMLParser):
    """The facts :func:`is_inert` needs, gathered tag by tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_head = False  # inside the first <head>, before its first element
        self.seen_head = False
        self.policy_first = False  # that first element is the policy's meta element
        self.active = False  # an element or attribute that could run or load

    def handle_starttag(self, tag, attrs):
        values = {}
        for name, value in attrs:  # a repeated attribute: the last one counts, as in the tree
            values[name.lower()] = value or ""
        if self.in_head:
            self.in_head = False
            self.policy_first = (
                tag == "meta"
                and values.get("http-equiv") == "Content-Security-Policy"
                and values.get("content") == POLICY
            )
        if tag == "head" and not self.seen_head:
            self.seen_head = self.in_head = True
        if tag in ACTIVE_ELEMENTS or any(name.startswith("on") for name in values):
            self.active = True
        if tag == "link" and not values.get("href", "").startswith("data:"):
            self.active = True

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
