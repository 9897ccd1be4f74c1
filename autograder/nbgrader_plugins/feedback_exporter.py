"""The exporter of the feedback pages: nbconvert's HTML exporter without its own pass through BeautifulSoup.

nbconvert 7's ``HTMLExporter.from_notebook_node`` renders the page, then
parses all of it with BeautifulSoup only to give images without alt text a
placeholder (and, in JupyterLab's template, to make cells focusable), and
serialises it again. The feedback pages use nbgrader's classic template, and
:func:`autograder.workflow.feedback.polish` parses each page anyway: that extra parse
and serialisation was a third of the CPU time a page costs. This exporter
registers the same filters, renders the same template, and gives images the
same alt text with a regular expression over the ``<img`` tags the templates
write. Code is highlighted once per distinct cell: the release's cells are
the same on every student's page of a batch (Pygments' output depends only on
the source, the lexer and the formatter's options, which are the key).
``nbgrader_config.py`` makes it ``GenerateFeedback``'s exporter, so
``nnfs-grade feedback`` and the stock ``nbgrader generate_feedback`` agree.
"""

import re

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

#: What nbconvert's exporter writes for an image without alt text.
NO_ALT = "No description has been provided for this image"
IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt\s*=)", re.I)
#: Highlighted cells already made in this process (bounded: cleared when full).
_HIGHLIGHTED = {}
_MOST = 20000


class CachedHighlight:
    """A ``highlight_code`` filter that remembers what it made (see the module docstring)."""

    def __init__(self, highlight):
        self.highlight = highlight
        self.key = (highlight.pygments_lexer, repr(sorted(highlight.extra_formatter_options.items())))

    def __call__(self, source, language=None, metadata=None):
        key = self.key + (source, language, (metadata or {}).get("magics_language"))
        if key not in _HIGHLIGHTED:
            if len(_HIGHLIGHTED) >= _MOST:
                _HIGHLIGHTED.clear()
            _HIGHLIGHTED[key] = self.highlight(source, language, metadata)
        return _HIGHLIGHTED[key]


class FeedbackHTMLExporter(HTMLExporter):
    """``HTMLExporter`` whose output is the template's, images given alt text, with no second parse."""

    def from_notebook_node(self, nb, resources=None, **kw):
        info = nb.metadata.get("language_info", {})
        lexer = info.get("pygments_lexer", info.get("name", None))
        highlight = self.filters.get("highlight_code") or CachedHighlight(
            Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", highlight)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        output, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', output), resources
