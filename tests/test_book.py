"""The book builds strictly and shows students' view, never the reference.

Builds into the checkout's own `_build/html` (as `make build` does), so a
second run reuses the executed notebooks. The checks of `tools/book_checks.py`
are tested here on every chapter and on examples they must reject.
"""

import ast
import inspect
import json
import re
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder.course import ROOT, chapters, requirements_file, student_requirements
from autograder.workflow import leaks

sys.path.insert(0, str(ROOT / "tools"))
import book_checks  # noqa: E402
import build_book  # noqa: E402

HTML = ROOT / "_build" / "html"


def _source(chapter):
    return nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def book():
    subprocess.run([sys.executable, "-m", "autograder", "release"], cwd=ROOT, check=True)
    build = subprocess.run([sys.executable, "tools/build_book.py"], cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return HTML


def test_nothing_of_the_reference_reaches_the_html(book):
    assert leaks.scan_tree(book) == {}
    search = (book / "searchindex.js").read_text()
    assert "BEGIN SOLUTION" not in search and "_probe_hidden" not in search


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_page_shows_stubs_and_expected_outputs(book, chapter):
    page = (book / "book" / f"{chapter}.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "YOUR CODE HERE" in text and "NotImplementedError" in text
    assert "all visible tests passed" in text
    assert "Hidden tests, run by the grader" in text
    assert "hidden checks passed" not in text  # hidden test outputs are not shown


@pytest.mark.parametrize("chapter", chapters())
def test_figures_have_captions_and_alt_text(book, chapter):
    page = (book / "book" / f"{chapter}.html").read_text()
    figures = re.findall(r"<figure.*?</figure>", page, flags=re.S)
    assert figures
    for figure in figures:
        assert re.search(r'<img[^>]+alt="[^"]{10,}"', figure), figure[:300]
        assert "<figcaption" in figure
        assert "{glue" not in figure and "glue:text" not in figure  # every role filled in


def test_alt_text_gets_the_glued_numbers_and_refuses_unknown_ones():
    glued = nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": "0.98765"},
        metadata={"scrapbook": {"name": "ch09-x", "mime_prefix": "application/papermill.record/"}},
    )
    executed = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[glued])])
    values = build_book.glued_values(executed)
    alt = "a curve ending at {glue:text}`ch09-x:.2f` ({glue:text}`ch09-x:.0%`)"
    assert build_book.fill_glue(alt, values) == "a curve ending at 0.99 (99%)"
    with pytest.raises(SystemExit, match="ch09-missing"):
        build_book.fill_glue("at {glue:text}`ch09-missing`", values)


def test_the_cell_students_paste_earlier_functions_into_is_shown(book):
    # Chapter 8's students must fill this cell: the page shows it open, and says what goes in.
    page = (book / "book" / "ch08_training.html").read_text()
    at = page.index("paste each body")
    cell = page[page.rfind('<div class="cell ', 0, at) : at]
    assert "hide-input" not in cell and "<details" not in cell, cell[:200]
    assert "The next cell is yours to fill" in re.sub(r"<[^>]+>", "", page)


def test_math_is_rendered_by_a_bundled_mathjax(book):
    page = (book / "docs" / "intro.html").read_text()
    assert 'src="../_static/mathjax/tex-chtml.js' in page  # no CDN: the book works offline
    assert (book / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert "math notranslate" in page


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_download_is_the_runnable_student_version(book, chapter):
    page = (book / "book" / f"{chapter}.html").read_text()
    links = re.findall(r'href="([^"]+\.zip)"', page)
    assert len(set(links)) == 1 and links[0].endswith(f"/{chapter}.zip")  # one download per page
    archive = (book / "book" / links[0]).resolve()
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        nb = json.loads(zf.read(f"{chapter}/{chapter}.ipynb"))
        requirements = zf.read(f"{chapter}/requirements.txt").decode()
    assert {f"{chapter}/coursekit/__init__.py", f"{chapter}/coursekit/glue.py"} <= names
    # What to install: the download's requirements.txt, and the same packages on the page.
    assert requirements == requirements_file(chapter)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "pip install -r requirements.txt" in text
    assert "pip install " + " ".join(student_requirements(chapter)) + "." in text
    solution_cells = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    assert solution_cells
    for cell in solution_cells:
        assert "raise NotImplementedError(" in "".join(cell["source"])
    assert build_book.scan_zip(archive) == {}
    assert not (book / "_sources").exists()  # no second, incomplete download
    assert "download-notebook-button" not in page


def test_executed_solutions_stay_outside_build(book):
    assert not (ROOT / "_build" / "executed").exists()
    assert sorted(p.stem for p in build_book.EXECUTED.glob("*.ipynb")) == chapters()
    assert "_build" not in build_book.EXECUTED.relative_to(ROOT).parts


@pytest.mark.parametrize("chapter", chapters())
def test_every_prose_number_is_glued_and_the_book_stands_alone(chapter):
    assert book_checks.prose_problems(_source(chapter), chapter) == []


@pytest.mark.parametrize("chapter", chapters())
def test_sections_and_figures_are_numbered_per_chapter(book, chapter):
    number = build_book.chapter_number(chapter)
    assert book_checks.numbering_problems(_source(chapter), number) == []
    page = (book / "book" / f"{chapter}.html").read_text()
    sections = re.findall(r'<h2><span class="section-number">([\d.]+) </span>', page)
    assert sections == [f"{number}.{k}." for k in range(1, len(sections) + 1)] and sections
    figures = re.findall(r'<span class="caption-number">Fig\. ([\d.]+) </span>', page)
    assert figures == [f"{number}.{k}" for k in range(1, len(figures) + 1)] and figures


@pytest.mark.parametrize("chapter", chapters())
def test_no_line_a_reader_sees_is_wider_than_the_page(book, chapter):
    page_nb = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    assert book_checks.line_problems(page_nb) == []
    assert book_checks.figure_problems(_source(chapter), chapter) == []


def test_glossary_terms_are_defined_and_indexed(book):
    glossary = (book / "docs" / "glossary.html").read_text()
    index = (book / "genindex.html").read_text()
    for term in ("bias trick", "dead unit", "vanishing gradient"):
        anchor = "term-" + term.replace(" ", "-")
        assert f'id="{anchor}"' in glossary
        assert re.search(rf"{term}.{{0,400}}book/ch0\d_\w+\.html#index-", index, re.S), term


def test_checks_catch_what_they_are_meant_to_catch():
    md = nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook(
        cells=[
            md("# Chapter 7: Title\n\n## 7.1 First\n\nThe loss is about 0.25 and 40% of the units die."),
            md("## 7.3 Skipped a number\n\nAs one of the readings says, see section 7.1 and $10^{-3}$."),
            md("Glued: {glue:text}`ch07-loss:.2f` and {glue:text}`ch07-share:.0%`; code `lr = 0.1`."),
        ]
    )
    problems = book_checks.prose_problems(nb, "ch07_test")
    assert [p.split("number ")[-1].split(" ")[0] for p in problems if "not glued" in p] == ["'0.25'", "'40%'"]
    assert any("one of the readings" in p for p in problems)
    assert book_checks.numbering_problems(nb, 7) == ["section 2 must start '## 7.2 ', found '## 7.3 Skipped a number'"]
    code = nbformat.v4.new_code_cell("x = 1  # " + "y" * 90)
    code.outputs = [nbformat.v4.new_output("stream", text="z" * 89 + "\n")]
    assert len(book_checks.line_problems(nbformat.v4.new_notebook(cells=[code]))) == 2
    figure = nbformat.v4.new_code_cell("plt.show()")
    figure.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "", "text/plain": ""})]
    figure.metadata["mystnb"] = {"figure": {"caption": "A caption of 2.5 units, long enough", "name": "fig-x"}}
    found = book_checks.figure_problems(nbformat.v4.new_notebook(cells=[figure]), "ch07_test")
    assert len(found) == 2  # the name lacks the chapter, there is no alt text
    assert book_checks.prose_problems(nbformat.v4.new_notebook(cells=[figure]), "ch07_test")


def test_alt_text_holds_no_hand_typed_number():
    def figure(alt):
        cell = nbformat.v4.new_code_cell("plt.show()")
        cell.metadata["mystnb"] = {
            "figure": {"caption": "Loss curves of five optimizers.", "name": "fig-ch08-x"},
            "image": {"alt": alt},
        }
        return nbformat.v4.new_notebook(cells=[cell])

    # What chapter 8 once said of a run of 10 epochs: a whole number typed by hand is rejected
    # in alt text (in the prose it may be a size the author chose; alt text cannot show a role,
    # so the build fills its roles in and nothing there can drift from the code).
    typed = book_checks.prose_problems(figure("Five falling curves over 12 epochs."), "ch08_x")
    assert len(typed) == 1 and "'12'" in typed[0] and "(alt text)" in typed[0]
    glued = figure(
        "Five falling curves over {glue:text}`ch08-opt-epochs` epochs; "
        "{glue:text}`ch08-opt-order`. The curves x1 and W2 are names."
    )
    assert book_checks.prose_problems(glued, "ch08_x") == []
    # The build puts the computed values in, formatted as the prose would show them.
    values = {"ch08-opt-epochs": "10", "ch08-share": "0.2091", "ch08-order": "'Adam ends highest'"}
    filled = build_book.fill_glue(
        "over {glue:text}`ch08-opt-epochs` epochs, {glue:text}`ch08-share:.1%`; {glue:text}`ch08-order`", values
    )
    assert filled == "over 10 epochs, 20.9%; Adam ends highest"
    with pytest.raises(SystemExit, match="ch08-missing"):
        build_book.fill_glue("{glue:text}`ch08-missing`", values)


#: What chapter 5's page once showed, a helper for its gradient checks: chapter 4's
#: graded ``numerical_gradient`` under another name.
EARLIER_ANSWER_IN_A_LATER_CHAPTER = """
def numeric_gradient(f, x, h=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
"""


def test_a_later_chapter_may_not_show_an_earlier_chapters_answer():
    shown = leaks.public_lines_by_chapter()
    helper = {line.strip() for line in EARLIER_ANSWER_IN_A_LATER_CHAPTER.splitlines()}
    # In chapter 5 (or in coursekit, which every release ships) the helper gives chapter 4's
    # answer away: the check must find it on the page.
    later = leaks.solution_lines(shown={**shown, 5: shown[5] | helper})
    found = leaks.scan_text(EARLIER_ANSWER_IN_A_LATER_CHAPTER, later)
    assert "solution code 'for i in np.ndindex(x.shape):'" in found
    assert "solution code 'grad[i] = (f_plus - f_minus) / (2 * h)'" in found
    # Shown in chapter 4 itself (or earlier), before its exercise, it is part of the text.
    same = leaks.solution_lines(shown={**shown, 4: shown[4] | helper})
    assert leaks.scan_text(EARLIER_ANSWER_IN_A_LATER_CHAPTER, same) == []
    # Chapter 8's worked examples once composed chapter 5's two-layer network by hand.
    composed = "Z, cache1 = affine_forward(X, W1, b1)\nH, relu_cache = relu_forward(Z)\n"
    assert len(leaks.scan_text(composed, leaks.solution_lines())) == 2
    # Lines that only pack or unpack names give nothing away, wherever they are.
    assert (
        leaks.scan_text(
            "(W1, b1), (W2, b2) = params\nreturn [(W1, b1), (W2, b2)]",
            leaks.solution_lines(shown={n: set() for n in shown}),
        )
        == []
    )


def test_no_chapter_page_shows_an_earlier_chapters_answer():
    # The chapters as they are: every line a chapter shows is checked against the references
    # of that chapter and of all earlier ones (the book build and every release scan the same).
    reference = leaks.solution_lines()
    for number, lines in leaks.public_lines_by_chapter().items():
        assert sorted(lines & reference) == [], f"chapter {number}"
    for module in (ROOT / "chapters" / "coursekit").rglob("*.py"):  # in every release
        lines = {line.strip() for line in module.read_text().splitlines()}
        assert sorted(lines & reference) == [], module.name


# A later chapter may not compose an earlier exercise's answer out of that exercise's parts
# either, whatever its lines look like: chapter 9 once showed a "toolkit" whose train() ran
# affine_forward, relu_forward, softmax_cross_entropy, relu_backward and affine_backward over a
# list of layers (chapter 8's mlp_loss) inside a loop over iterate_minibatches with
# momentum_step (chapter 8's train_mlp), spread over helper functions so that no single line
# was the reference's. The check below follows the names a unit of a chapter's public code (a
# function or class of a cell, or a cell's other statements) refers to, through the functions
# the chapter defines itself, and finds earlier exercises whose parts it reaches.


def _public_units(nb):
    """``{name: AST nodes}``: each top-level function and class of the public code cells, and
    each cell's other statements (``cell <index>``); solution cells (stubs in the book) left out."""
    units = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", cell.source, flags=re.S)
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                units[node.name] = [node]
            else:
                units.setdefault(f"cell {index}", []).append(node)
    return units


def _reached(units):
    """``{unit: names}``: the names each unit refers to, through the functions the units define."""

    def names(nodes):
        walked = [n for node in nodes for n in ast.walk(node)]
        used = {n.id for n in walked if isinstance(n, ast.Name)}
        # A name the unit binds itself (a variable, an argument, an inner function) is its
        # own, not the chapter's function of that name.
        bound = {n.id for n in walked if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        bound |= {n.arg for n in walked if isinstance(n, ast.arg)}
        bound |= {n.name for n in walked[1:] if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        return used, used - bound

    direct = {name: names(nodes) for name, nodes in units.items()}
    reached = {}
    for name in units:
        seen, todo = set(), [name]
        while todo:
            used, follow = direct[todo.pop()]
            todo += [other for other in follow & set(units) - seen if other != name]
            seen |= used
        reached[name] = seen
    return reached


def _composites():
    """``{exercise: (chapter, required parts, alternative parts)}`` of the graded composites.

    Required: the parts its reference calls outside any ``if`` (all of its parts if the
    reference calls none, as ``predict`` computes the ReLU itself); alternatives: those it calls
    only under an ``if`` (``train_mlp``'s step functions), of which a composition needs one.
    """
    import solutions
    from autograder.judging.chapters import CHAPTERS

    composites = {}
    for chapter, exercises in CHAPTERS.items():
        for exercise in exercises:
            if not exercise.parts:
                continue
            tree = ast.parse(inspect.getsource(getattr(solutions, exercise.name)).strip())
            plain, conditional = set(), set()

            def visit(node, under_if):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in exercise.parts:
                    (conditional if under_if else plain).add(node.func.id)
                for child in ast.iter_child_nodes(node):
                    visit(child, under_if or isinstance(node, (ast.If, ast.IfExp)))

            visit(tree, False)
            required = plain or set(exercise.parts) - conditional
            composites[exercise.name] = (int(chapter[2:4]), required, conditional - plain)
    return composites


def composed_earlier_exercises(nb, chapter_number, composites=None):
    """``[(unit, exercise)]``: units of the chapter's public code that reach every part of an
    earlier chapter's composite exercise (or a composition of that part, recursively)."""
    composites = _composites() if composites is None else composites

    def composes(names, exercise):
        _, required, alternatives = composites[exercise]
        reach = [part in names or (part in composites and composes(names, part)) for part in required]
        return all(reach) and (
            not alternatives
            or any(part in names or (part in composites and composes(names, part)) for part in alternatives)
        )

    found = []
    for unit, names in _reached(_public_units(nb)).items():
        for exercise, (chapter, required, alternatives) in composites.items():
            if chapter < chapter_number and len(required) + bool(alternatives) >= 2 and composes(names, exercise):
                found.append((unit, exercise))
    return found


#: What chapter 9's page once showed (its worked examples' "toolkit", shortened): no line of
#: chapter 8's reference, but mlp_loss and train_mlp composed over four helper functions.
COMPOSED_IN_A_LATER_CHAPTER = """
def forward(net, X, training):
    h, caches = X, []
    for layer in net:
        if layer["kind"] == "affine":
            h, cache = affine_forward(h, layer["W"], layer["b"])
        elif layer["kind"] == "relu":
            h, cache = relu_forward(h)
        else:
            h, cache, layer["mean"], layer["var"] = batchnorm_forward(
                h, layer["gamma"], layer["beta"], layer["mean"], layer["var"], training)
        caches.append(cache)
    return h, caches


def backward(net, caches, dscores):
    grads, d = {}, dscores
    for i in reversed(range(len(net))):
        if net[i]["kind"] == "affine":
            d, grads[i, "W"], grads[i, "b"] = affine_backward(d, caches[i])
        elif net[i]["kind"] == "relu":
            d = relu_backward(d, caches[i])
        else:
            d, grads[i, "gamma"], grads[i, "beta"] = batchnorm_backward(d, caches[i])
    return grads


def evaluate(net, X, y):
    scores, _ = forward(net, X, training=False)
    return cross_entropy(scores, y), float(np.mean(np.argmax(scores, axis=1) == y))


def train(net, X, y, *, epochs, lr, rng, reg=0.0, batch_size=32):
    net, losses = copy.deepcopy(net), []
    for _ in range(epochs):
        for idx in iterate_minibatches(len(X), batch_size, rng):
            scores, caches = forward(net, X[idx], training=True)
            loss, dscores = softmax_cross_entropy(scores, y[idx])
            grads = backward(net, caches, dscores)
            for (i, name), g in grads.items():
                if name == "W":
                    g = g + 2 * reg * net[i][name]
                velocity = net[i].get("v_" + name, np.zeros_like(g))
                net[i][name], net[i]["v_" + name] = momentum_step(net[i][name], g, velocity, lr)
        losses.append(evaluate(net, X, y)[0])
    return net, losses
"""


def test_a_later_chapter_may_not_compose_an_earlier_exercise_from_its_parts():
    old = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(COMPOSED_IN_A_LATER_CHAPTER)])
    found = composed_earlier_exercises(old, 9)
    # train composes chapter 8's loss and training loop; forward (and so evaluate) composes
    # the forward pass of predict; backward alone composes nothing.
    assert set(found) == {
        ("train", "mlp_loss"),
        ("train", "train_mlp"),
        ("train", "predict"),
        ("forward", "predict"),
        ("evaluate", "predict"),
    }, found
    # In chapter 8 itself (or earlier) the same code composes nothing that comes before it.
    assert composed_earlier_exercises(old, 8) == []
    # Calling the student's own functions composes nothing.
    own = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "params, history = train_mlp(params, X, y, epochs=3, batch_size=32, lr=0.1,\n"
                "                            optimizer='momentum', reg=0.0, rng=rng)\n"
                "accuracy = np.mean(predict(params, X) == y)"
            )
        ]
    )
    assert composed_earlier_exercises(own, 9) == []


@pytest.mark.parametrize("chapter", chapters())
def test_no_chapter_composes_an_earlier_exercise_from_its_parts(chapter):
    number = build_book.chapter_number(chapter)
    assert composed_earlier_exercises(_source(chapter), number) == []


def test_publish_pushes_the_book_and_nothing_else(book, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    run = subprocess.run(
        ["make", "-s", "publish", f"REMOTE={remote}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **env},
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    files = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=remote, check=True, capture_output=True, text=True
    ).stdout.split()
    assert "index.html" in files and ".nojekyll" in files
    assert all(f"book/{chapter}.html" in files for chapter in chapters())
    assert not any(name.endswith(".ipynb") or name.startswith(("solutions/", "chapters/", ".cache/")) for name in files)
    published = tmp_path / "published"  # what a visitor gets, read from one checkout of the branch
    subprocess.run(["git", "clone", "-q", "--branch", "gh-pages", str(remote), str(published)], check=True)
    reference = leaks.solution_lines()
    for name in files:
        if name.endswith((".html", ".js", ".txt")):
            text = (published / name).read_text(encoding="utf-8")
            assert leaks.scan_text(text, reference) == [], name
    # a second publish adds a commit on top (history kept, no force needed)
    assert (
        subprocess.run(
            ["make", "-s", "publish", f"REMOTE={remote}"],
            cwd=ROOT,
            capture_output=True,
            env={**__import__("os").environ, **env},
        ).returncode
        == 0
    )
    log = subprocess.run(
        ["git", "log", "--oneline", "gh-pages"], cwd=remote, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert len(log) == 2
