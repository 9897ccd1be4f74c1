"""Checks that every chapter of the book keeps, whoever wrote it.

``tools/build_book.py`` runs them on every chapter listed in ``chapters/``
and fails the build on any problem; ``tests/test_book.py`` runs them too and
also checks that they catch what they are meant to catch.

* **Every number in the prose is computed.** A number with a decimal point, a
  percentage or a number in scientific notation in a chapter's markdown or a
  figure caption must come from an executed cell through ``{glue:text}``.
  Alt text is held to more: *every* number in it, whole numbers included,
  comes from a ``{glue:text}`` role (``tools/build_book.py`` fills those in,
  since MyST-NB reads alt text as plain text), so a description of a figure
  cannot fall out of step with the code that draws it. Inline code and code
  blocks are code, not claims, and are not checked. Numbers that are
  definitions (a threshold, a default, a constant of a worked formula, the
  corners of the XOR square) are listed in ``ALLOWED``, phrase by phrase.
* **Sections are numbered per chapter.** ``# Chapter N: Title`` with N the
  chapter's place in the book, then ``## N.1 …``, ``## N.2 …`` in order.
* **Nothing a reader sees is wider than the page.** Code lines and text
  outputs of the chapter pages stay within ``MAX_LINE`` characters.
* **The book stands alone.** No "the readings" (sources the reader lacks).
* **Figures** have a caption, a ``fig-chNN-`` name and alt text.
"""

import re

#: What the page shows at 1280 px without cutting a code line.
MAX_LINE = 88

#: Numbers a chapter may write out because they are definitions, not results.
#: Each entry is a phrase of the prose (or caption) that holds the number; keep
#: it short and add a word on why.
ALLOWED = {
    "ch02": [
        "class 0",
        "class 1",
        "class-0",
        "class-1",  # the labels of the XOR classes (alt text)
    ],
    "ch03": [
        r"e.g. $0.01$",  # the customary default of the leaky ReLU
        r"default } \alpha = 0.01",  # the default argument of leaky_relu
        r"0.4\sin(5x)",  # the definition of the curve approximated in section 3.9
        r"0.4 sin(5x)",  # the same, in a figure caption
        r"2.5\operatorname{relu}(x - 1) + 0.5\operatorname{relu}(x - 3)",  # a worked example
    ],
    "ch08": [
        # the vertical-edge filter of the convolution figure, as defined in its cell
        "3 by 3",
        "-1 in the left column, 0 in the middle and 1 in the right",
    ],
    "ch04": [
        "class 0",
        "class 1",  # the labels of the XOR classes (alt text names them)
    ],
    "ch06": [
        r"from 0.001 to 2.5",  # the range of reg in the hidden tests (the grader's cases)
        # names in alt text: the classes of the example, the digits, the constant log 10
        "class 1",
        "class 2",
        "class 3",
        "log 10",
        "digit 0 to digit 9",
        "digit 0",
        "digit 2",
        "digit 4",
        "such as 8 and 9",
    ],
    "ch07": [
        # the default constants in the signatures of the step functions
        r"\gamma = 0.9",
        "γ = 0.9",  # the same, in a caption
        r"\rho = 0.99",
        r"\beta_1 = 0.9",
        r"\beta_2 = 0.999",
    ],
}

_NUMBER = re.compile(r"(?<![\w.])(?:\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\d+(?:\.\d+)?\s*(?:%|\\%|per ?cent))")
#: Any number in alt text, whole numbers too ("x1" or "W2" are names, not numbers).
_ANY_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?:\s*%)?")
_GLUE = re.compile(r"\{glue(?::\w+)?\}`[^`]*`")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_MYST_TARGET = re.compile(r"^\([\w-]+\)=\s*$", re.M)
#: "section 2.4", "Sections 1.3 and 1.5", "Chapter 3": references, not results.
_SECTION_REF = re.compile(r"\b[Ss]ections?\s+\d+\.\d+(?:\s*(?:,|and|or)\s*\d+\.\d+)*")
#: LaTeX lengths such as \\[1.2ex].
_LATEX_LENGTH = re.compile(r"\d+(?:\.\d+)?(?:ex|em|pt|mm|cm)\b")
_ROLE_TARGET = re.compile(r"\{(?:numref|ref|doc|term|download|index)\}`[^`]*`")
READINGS = re.compile(r"\bthe readings?\b|\breadings of this course\b|\bone of the readings\b", re.I)


def _chapter_key(chapter):
    return chapter.split("_")[0]


def unglued_numbers(text, allowed=(), whole_numbers=False):
    """The numbers in markdown ``text`` that no glue role supplies and no allowed phrase holds.

    With ``whole_numbers`` (alt text) every number counts, not only decimals,
    percentages and powers of ten.
    """
    for phrase in allowed:
        text = text.replace(phrase, " ")
    text = _FENCE.sub(" ", text)
    text = _GLUE.sub(" ", text)
    text = _ROLE_TARGET.sub(" ", text)
    text = _CODE_SPAN.sub(" ", text)
    text = _MYST_TARGET.sub(" ", text)
    text = _SECTION_REF.sub(" ", text)
    text = _LATEX_LENGTH.sub(" ", text)
    text = re.sub(r"^#{1,6} .*$", " ", text, flags=re.M)  # headings: numbered by hand
    return [m.group(0) for m in (_ANY_NUMBER if whole_numbers else _NUMBER).finditer(text)]


def figure_metadata(cell):
    """``(caption, name, alt)`` of a figure cell (``mystnb`` metadata), or ``None``."""
    mystnb = cell.metadata.get("mystnb", {})
    figure = mystnb.get("figure")
    if not figure:
        return None
    alt = mystnb.get("image", {}).get("alt") or cell.metadata.get("image", {}).get("alt")
    return figure.get("caption", ""), figure.get("name", ""), alt or ""


def prose_problems(nb, chapter):
    """Unglued numbers and references to "the readings" in the prose of one chapter."""
    allowed = ALLOWED.get(_chapter_key(chapter), [])
    problems = []
    for index, cell in enumerate(nb.cells):
        texts = []
        if cell.cell_type == "markdown":
            texts.append(("text", cell.source))
        figure = figure_metadata(cell) if cell.cell_type == "code" else None
        if figure:
            texts += [("caption", figure[0]), ("alt text", figure[2])]
        for where, text in texts:
            for number in unglued_numbers(text, allowed, whole_numbers=where == "alt text"):
                problems.append(
                    f"cell {index} ({where}): the number {number!r} is not glued "
                    "from a computed value (see docs/authors_guide.md)"
                )
            for match in READINGS.finditer(text):
                problems.append(f"cell {index} ({where}): {match.group(0)!r}: the book stands alone")
    return problems


def numbering_problems(nb, chapter_number):
    """The chapter title and its ``##`` sections must be numbered N, N.1, N.2, … in order."""
    problems, section = [], 0
    titles = [
        line
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in _FENCE.sub("", cell.source).splitlines()
        if re.match(r"#{1,2} ", line)
    ]
    if not titles or not re.match(rf"# Chapter {chapter_number}: \S", titles[0]):
        problems.append(f"the first heading must be '# Chapter {chapter_number}: <title>'")
    for line in titles[1:]:
        if line.startswith("# "):
            problems.append(f"a second chapter title: {line!r}")
            continue
        section += 1
        if not line.startswith(f"## {chapter_number}.{section} "):
            problems.append(f"section {section} must start '## {chapter_number}.{section} ', found {line!r}")
    return problems


def strip_numbers(source, chapter_number):
    """Markdown with the hand-written numbers removed (Sphinx numbers the book's pages)."""
    source = re.sub(rf"^# Chapter {chapter_number}: ", "# ", source, flags=re.M)
    return re.sub(rf"^## {chapter_number}\.\d+ ", "## ", source, flags=re.M)


def _output_lines(cell):
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            yield from output.text.splitlines()
        elif output.output_type == "error":
            yield from (re.sub(r"\x1b\[[0-9;]*m", "", line) for line in output.traceback)
        elif "text/plain" in output.get("data", {}) and not any(
            mime.startswith(("image/", "text/html", "application/papermill")) for mime in output.data
        ):
            yield from output.data["text/plain"].splitlines()


def line_problems(nb, limit=MAX_LINE):
    """Code lines and text-output lines of the page that are wider than ``limit``."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for kind, lines in (("code", cell.source.splitlines()), ("output", _output_lines(cell))):
            for number, line in enumerate(lines, start=1):
                if len(line) > limit:
                    problems.append(
                        f"cell {index} {kind} line {number} has {len(line)} characters "
                        f"(at most {limit}): {line[:60]!r}…"
                    )
    return problems


def figure_problems(nb, chapter):
    """Every figure has a caption, a ``fig-chNN-`` name and alt text."""
    key = _chapter_key(chapter)
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        has_image = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        figure = figure_metadata(cell)
        if has_image and not figure:
            problems.append(f"cell {index}: a figure without mystnb.figure metadata (caption, name)")
            continue
        if figure:
            caption, name, alt = figure
            if len(caption) < 20:
                problems.append(f"cell {index}: the figure's caption is missing or too short")
            if not name.startswith(f"fig-{key}-"):
                problems.append(f"cell {index}: the figure's name {name!r} must start with 'fig-{key}-'")
            if len(alt) < 20:
                problems.append(f"cell {index}: the figure has no alt text (mystnb.image.alt)")
    return problems
