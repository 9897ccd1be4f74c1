"""``nnfs-grade similarity``: copied work stands out, honest work and the release do not.

A class of eight chapter-1 submissions written for this test: alice's and
bob's are one solution (bob renamed every variable, changed the comments and
messages, swapped independent lines and put the helper functions of the cell
he added in the other order); the six others are independent, in different
styles (one-liners, loops, ``einsum``, common mistakes, comprehensions and a
local helper, half done). The copied pair must come first by a clear margin
and every independent pair must stay below ``INDEPENDENT_BELOW``. Two
notebooks left as released match nothing. A student without a notebook and
one whose notebook is broken are listed. The HTML report is opened in
headless Chromium (Debian's, through Playwright) and must show the top pair
with its matching lines, with no console error and no failed request.
"""

import copy
import io
import shutil

import browser
import nbformat
import numpy as np
import pytest
from copydetect import CodeFingerprint, compare_files
from grading_helpers import CH1_EXERCISES

from autograder import cli
from autograder.course import ROOT, grade_id
from autograder.reports import similarity

CH1 = "ch01_linear_classifiers"

#: The copied pair must score at least this (both shares) ...
COPIED_AT_LEAST = 0.9
#: ... every independent pair less than this (the larger share) ...
INDEPENDENT_BELOW = 0.3
#: ... and the copied pair must lead the next pair by at least this much.
MARGIN = 0.5

ALICE = {
    "added": """# Helpers I use in several exercises.
def check_2d(A, name):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"{name} should be 2-D but has shape {A.shape}")
    return A


def half_mean_square(r):
    # half the mean of the squared entries
    return 0.5 * float(np.mean(r * r))
""",
    "linear_scores": """X = check_2d(X, "X")
    W = check_2d(W, "W")
    bias = np.asarray(b, dtype=float).reshape(1, -1)
    out = np.dot(X, W)
    out = out + bias
    return out""",
    "predict_labels": """S = check_2d(scores, "scores")
    best = np.argmax(S, axis=1)
    return best.astype(np.int64)""",
    "accuracy": """yp = np.asarray(y_pred).ravel()
    yt = np.asarray(y_true).ravel()
    hits = np.sum(yp == yt)
    return float(hits) / float(len(yt))""",
    "add_bias_column": """X = check_2d(X, "X")
    n_rows = X.shape[0]
    ones = np.ones((n_rows, 1))
    return np.concatenate((X, ones), axis=1)""",
    "l2_penalty": """W = np.asarray(W, dtype=float)
    total = 0.0
    for value in W.ravel():
        total += value * value
    return float(reg) * total""",
    "least_squares_loss_and_grad": """X = check_2d(X, "X")
    w = np.asarray(w, dtype=float)
    t = np.asarray(t, dtype=float)
    n = X.shape[0]
    r = X.dot(w) - t
    loss = half_mean_square(r)
    g = X.T.dot(r) / n
    return loss, g""",
    "gradient_descent": """w = np.copy(np.asarray(w0, dtype=float))
    history = []
    step = 0
    while step < num_steps:
        L, g = loss_and_grad(w)
        history.append(float(L))
        w = w - lr * g
        step += 1
    return w, history""",
}

# alice's work with every name changed, other comments and messages, independent lines
# swapped and the two helpers of the added cell in the other order.
BOB = {
    "added": """def mean_sq_half(res):
    return 0.5 * float(np.mean(res * res))


def as_matrix(M, label):
    # make sure the input is a matrix of floats
    M = np.asarray(M, dtype=float)
    if M.ndim != 2:
        raise ValueError(f"{label} must be two-dimensional, its shape is {M.shape}")
    return M
""",
    "linear_scores": """W = as_matrix(W, "W")
    X = as_matrix(X, "X")
    offset = np.asarray(b, dtype=float).reshape(1, -1)
    result = np.dot(X, W)
    result = result + offset
    return result""",
    "predict_labels": """M = as_matrix(scores, "scores")
    winners = np.argmax(M, axis=1)
    return winners.astype(np.int64)""",
    "accuracy": """truth = np.asarray(y_true).ravel()
    guess = np.asarray(y_pred).ravel()
    n_right = np.sum(guess == truth)
    return float(n_right) / float(len(truth))""",
    "add_bias_column": """X = as_matrix(X, "X")
    count = X.shape[0]
    col = np.ones((count, 1))
    return np.concatenate((X, col), axis=1)""",
    "l2_penalty": """W = np.asarray(W, dtype=float)
    acc = 0.0
    for entry in W.ravel():
        acc += entry * entry  # squared
    return float(reg) * acc""",
    "least_squares_loss_and_grad": """t = np.asarray(t, dtype=float)
    w = np.asarray(w, dtype=float)
    X = as_matrix(X, "X")
    N = X.shape[0]
    res = X.dot(w) - t
    grad = X.T.dot(res) / N
    loss = mean_sq_half(res)
    return loss, grad""",
    "gradient_descent": """w = np.copy(np.asarray(w0, dtype=float))
    losses = []
    k = 0
    while k < num_steps:
        value, grad = loss_and_grad(w)
        losses.append(float(value))
        w = w - lr * grad
        k += 1
    return w, losses""",
}

# Short, vectorised, the way the text writes the formulas.
CAROL = {
    "linear_scores": "return X @ W + b",
    "predict_labels": "return np.argmax(scores, axis=1)",
    "accuracy": "return float(np.mean(y_pred == y_true))",
    "add_bias_column": "return np.hstack([X, np.ones((X.shape[0], 1))])",
    "l2_penalty": "return reg * np.sum(W ** 2)",
    "least_squares_loss_and_grad": """r = X @ w - t
    return r @ r / (2 * len(t)), X.T @ r / len(t)""",
    "gradient_descent": """w = w0.copy()
    losses = []
    for _ in range(num_steps):
        loss, grad = loss_and_grad(w)
        losses.append(loss)
        w = w - lr * grad
    return w, losses""",
}

# Loops over samples and entries, as in a first programming course.
DAVE = {
    "linear_scores": """N, D = X.shape
    C = W.shape[1]
    S = np.zeros((N, C))
    for n in range(N):
        for c in range(C):
            total = b[c]
            for d in range(D):
                total += X[n, d] * W[d, c]
            S[n, c] = total
    return S""",
    "predict_labels": """labels = []
    for row in scores:
        best = 0
        for c in range(1, len(row)):
            if row[c] > row[best]:
                best = c
        labels.append(best)
    return np.array(labels, dtype=np.int64)""",
    "accuracy": """correct = 0
    for p, t in zip(y_pred, y_true):
        if p == t:
            correct += 1
    return correct / len(y_true)""",
    "add_bias_column": """rows = []
    for x in X:
        rows.append(list(x) + [1.0])
    return np.array(rows, dtype=float)""",
    "l2_penalty": """s = 0.0
    for v in np.ravel(W):
        s = s + v ** 2
    return reg * s""",
    "least_squares_loss_and_grad": """N = len(t)
    loss = 0.0
    grad = np.zeros(len(w))
    for n in range(N):
        err = np.dot(X[n], w) - t[n]
        loss += err ** 2
        grad += err * X[n]
    return loss / (2 * N), grad / N""",
    "gradient_descent": """w = np.array(w0, dtype=float)
    losses = []
    for step in range(num_steps):
        value, g = loss_and_grad(w)
        losses.append(float(value))
        w = w - lr * g
    return w, losses""",
}

# einsum and friends.
ERIN = {
    "linear_scores": 'return np.einsum("nd,dc->nc", X, W) + b',
    "predict_labels": "return scores.argmax(axis=-1).astype(np.int64)",
    "accuracy": "return np.count_nonzero(np.equal(y_pred, y_true)) / y_true.size",
    "add_bias_column": "return np.column_stack((X, np.ones(len(X))))",
    "l2_penalty": "return float(reg * np.vdot(W, W))",
    "least_squares_loss_and_grad": """n = X.shape[0]
    residual = np.einsum("nd,d->n", X, w) - t
    loss = np.dot(residual, residual) / (2.0 * n)
    gradient = np.einsum("nd,n->d", X, residual) / n
    return float(loss), gradient""",
    "gradient_descent": """w = np.asarray(w0, dtype=np.float64).copy()
    trace = []
    for _ in range(num_steps):
        f, df = loss_and_grad(w)
        trace.append(float(f))
        w -= lr * df
    return w, trace""",
}

# Plausible mistakes: the wrong axis, a count, the ones first, an extra 1/2, no halving,
# the input updated in place.
FRANK = {
    "linear_scores": """scores = np.matmul(X, W)
    scores += b
    return scores""",
    "predict_labels": "return np.argmax(scores, axis=0)",
    "accuracy": "return np.sum(y_pred == y_true)",
    "add_bias_column": "return np.insert(X, 0, 1, axis=1)",
    "l2_penalty": "return 0.5 * reg * np.linalg.norm(W) ** 2",
    "least_squares_loss_and_grad": """pred = np.matmul(X, w)
    diff = pred - t
    loss = np.sum(diff ** 2) / len(t)
    grad = np.matmul(X.T, diff) / len(t)
    return loss, grad""",
    "gradient_descent": """losses = []
    for i in range(num_steps):
        l, g = loss_and_grad(w0)
        losses.append(l)
        w0 -= lr * g
    return w0, losses""",
}

# Comprehensions, ufuncs and a local helper.
GRACE = {
    "linear_scores": "return np.add(np.matmul(X, W), b[np.newaxis, :])",
    "predict_labels": "return np.array([int(np.argmax(row)) for row in scores], dtype=np.int64)",
    "accuracy": """matches = [a == b for a, b in zip(y_pred, y_true)]
    return sum(matches) / len(matches)""",
    "add_bias_column": """ones = np.ones_like(X[:, :1], dtype=float)
    return np.concatenate([X.astype(float), ones], axis=1)""",
    "l2_penalty": """flat = np.asarray(W, dtype=float).flatten()
    return reg * float(flat @ flat)""",
    "least_squares_loss_and_grad": """N = X.shape[0]
    e = X.dot(w) - t
    return 0.5 * e.dot(e) / N, X.T.dot(e) / N""",
    "gradient_descent": """def step(v):
        value, slope = loss_and_grad(v)
        return v - lr * slope, float(value)

    w, history = np.array(w0, dtype=float), []
    for _ in range(num_steps):
        w, value = step(w)
        history.append(value)
    return w, history""",
}

# Half done, with a cell of her own to try things out.
HEIDI = {
    "added": """# trying my functions on a tiny example
S_try = linear_scores(np.eye(2), np.ones((2, 3)), np.zeros(3))
print(S_try.shape, predict_labels(S_try))
""",
    "linear_scores": """out = X.dot(W)
    return out + b""",
    "predict_labels": """idx = scores.argmax(1)
    return idx""",
    "accuracy": "return (y_pred == y_true).mean()",
    "add_bias_column": """n = len(X)
    return np.c_[X, np.ones(n)]""",
}

CLASS = {
    "alice": ALICE,
    "bob": BOB,
    "carol": CAROL,
    "dave": DAVE,
    "erin": ERIN,
    "frank": FRANK,
    "grace": GRACE,
    "heidi": HEIDI,
}
COPIED = ("alice", "bob")


def written(released, answers):
    """The release with the exercise bodies in ``answers``, and an ``added`` cell after setup."""
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        name = grade_id(cell)
        if name in answers and cell.metadata["nbgrader"].get("solution"):
            # The student's part starts at nbgrader's "# YOUR CODE HERE" and runs to the end.
            cell.source = cell.source[: cell.source.index(similarity.STUB_MARK)] + answers[name]
    if "added" in answers:
        setup = [grade_id(c) for c in nb.cells].index("setup")
        nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(answers["added"]))
    return nb


def submit(root, student, nb):
    folder = root / "submitted" / student / CH1
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{CH1}.ipynb")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course folder with chapter 1 released (the stubs students get)."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    assert cli.main(["--course-dir", str(root), "release", CH1]) == 0
    return root


def release_of(root):
    return nbformat.read(root / "release" / CH1 / f"{CH1}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def course(released, tmp_path_factory):
    """The class of eight, plus kim (no notebook) and lee (a broken one)."""
    root = tmp_path_factory.mktemp("class")
    for folder in ("chapters", "release"):
        shutil.copytree(released / folder, root / folder)
    for student, answers in CLASS.items():
        submit(root, student, written(release_of(root), answers))
    (root / "submitted" / "kim" / CH1).mkdir(parents=True)
    (root / "submitted" / "lee" / CH1).mkdir(parents=True)
    (root / "submitted" / "lee" / CH1 / f"{CH1}.ipynb").write_text('{"cells": [')
    return root


@pytest.fixture(scope="module")
def result(course):
    return similarity.similarity(CH1, course)


def pair(result, a, b):
    return next(p for p in result.pairs if {p.a, p.b} == {a, b})


def test_the_copied_pair_comes_first_by_a_clear_margin(result):
    top, second = result.pairs[:2]
    assert {top.a, top.b} == set(COPIED)
    assert min(top.score_a, top.score_b) >= COPIED_AT_LEAST, top
    assert top.score - second.score >= MARGIN, (top, second)


def test_independent_pairs_stay_below_the_threshold(result):
    assert len(result.pairs) == len(CLASS) * (len(CLASS) - 1) // 2
    independent = [p for p in result.pairs if {p.a, p.b} != set(COPIED)]
    high = [p for p in independent if p.score >= INDEPENDENT_BELOW]
    assert not high, high
    # Not a vacuous bound: honest gradient-descent loops do share a run or two.
    assert max(p.score for p in independent) > 0


def test_missing_and_unreadable_notebooks_are_listed(result):
    assert sorted(result.students) == sorted(CLASS)
    reasons = dict(result.not_compared)
    assert sorted(reasons) == ["kim", "lee"]
    assert reasons["kim"] == f"no {CH1}.ipynb in its {CH1} folder"
    assert reasons["lee"].startswith("not a valid Jupyter notebook")
    assert result.nothing_written == []


def test_what_is_compared_is_what_students_wrote(released):
    release = release_of(released)
    nb = written(release, HEIDI)
    number = {c.source: n for n, c in enumerate(nb.cells, 1)}
    demo = next(c for c in nb.cells if c.source.startswith("# The same model in both conventions"))
    demo.source += "\nprint(X @ W)  # my own line"
    cells = similarity.written_cells(nb, release)
    assert [c.label for c in cells] == (
        [f"cell {number[HEIDI['added']]} (added)", f"cell {nb.cells.index(demo) + 1} (a release cell, edited)"]
        + [f"exercise {name}" for name in CH1_EXERCISES]
    )
    # Locked cells (setup, visible and hidden tests) and release cells left as they were are not compared.
    assert not any(
        "check_close" in c.source or "Hidden tests" in c.source or c.source.startswith("centres =") for c in cells
    )
    # An exercise's def line and docstring are the release's: blanked (in place) for the fingerprint.
    first = next(c for c in cells if c.grade_id == "linear_scores")
    assert first.released_head == 15 and first.lines[15] == "    out = X.dot(W)"
    assert len(first.text) == len(first.source.rstrip("\n"))
    assert first.text.strip() == "out = X.dot(W)\n    return out + b"
    # An editor that drops nbgrader's metadata changes the labels, not what is compared.
    alice = written(release, ALICE)
    bare = copy.deepcopy(alice)
    for cell in bare.cells:
        cell.metadata.pop("nbgrader", None)
    bare_cells = similarity.written_cells(bare, release)
    assert similarity._document(bare_cells) == similarity._document(similarity.written_cells(alice, release))
    assert [c.label for c in bare_cells][1:] == [
        f"cell {_index(alice, name) + 1} (a release cell, edited)" for name in CH1_EXERCISES
    ]


def _index(nb, name):
    return [grade_id(c) for c in nb.cells].index(name)


def test_the_release_alone_makes_no_one_similar(released, tmp_path):
    shutil.copytree(released / "release", tmp_path / "release")
    release = release_of(tmp_path)
    submit(tmp_path, "ivan", release)  # handed in as released
    judy = copy.deepcopy(release)  # run top to bottom, nothing written, an empty cell added
    for count, cell in enumerate((c for c in judy.cells if c.cell_type == "code"), 1):
        cell.execution_count = count
    judy.cells.append(nbformat.v4.new_code_cell(""))
    submit(tmp_path, "judy", judy)
    submit(tmp_path, "carol", written(release, CAROL))
    result = similarity.similarity(CH1, tmp_path)
    blank = pair(result, "ivan", "judy")
    assert (blank.score_a, blank.score_b, blank.overlap) == (0, 0, 0)
    assert [(p.score_a, p.score_b) for p in result.pairs] == [(0, 0)] * 3
    assert result.nothing_written == ["ivan", "judy"]
    assert 'class="look"' not in similarity.report_html(result)
    # It is the boilerplate that does it: without it the two are the same text.
    ivan, judy = (similarity._fingerprint(s, result.students[s].text, similarity.NOISE) for s in ("ivan", "judy"))
    assert compare_files(ivan, judy)[1] == (1.0, 1.0)


def test_the_command_prints_the_ranking_and_writes_the_report(course, capsys):
    assert cli.main(["--course-dir", str(course), "similarity", CH1, "--top", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Similarity of {CH1}: {len(CLASS)} notebooks compared, 28 pairs, 1 scoring 0.50 or more"
    assert out[1].startswith("  1. alice / bob: 0.9") and out[1].endswith("<- worth a look")
    assert len(out) == 1 + 3 + 2 + 1 and "worth a look" not in "".join(out[2:])
    assert out[4].startswith("not compared: kim: ") and out[5].startswith("not compared: lee: ")
    path = course / "reports" / f"{CH1}-similarity.html"
    assert out[-1] == f"report: {path}"
    assert path.read_text().count('class="pair-section"') == 3


def test_the_report_in_a_browser(result, tmp_path):
    path = similarity.write_report(result, tmp_path / "report.html")
    text = path.read_text()
    assert "<script" not in text and "http://" not in text and "https://" not in text
    with browser.visit(path) as seen:
        page = seen.page

        assert "evidence to look at, not a verdict" in page.locator("#how-to-read").inner_text()
        first = page.locator("table").first.locator("tr").nth(1).locator("td").all_inner_texts()
        assert first[:3] == ["1", "alice", "bob"] and float(first[3]) >= COPIED_AT_LEAST
        not_compared = page.locator("#not-compared + ul").inner_text()
        assert "kim" in not_compared and "lee" in not_compared

        section = page.locator("#pair-1")
        assert section.locator("h3").inner_text().startswith("1. alice and bob")
        alice, bob = (section.locator(f'.side[data-student="{s}"]') for s in COPIED)
        left, right = alice.bounding_box(), bob.bounding_box()
        assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 1  # side by side
        for side, line in (
            (alice, "best = np.argmax(S, axis=1)"),
            (bob, "winners = np.argmax(M, axis=1)"),
            (alice, "def half_mean_square(r):"),
            (bob, "def mean_sq_half(res):"),
        ):
            hit = side.locator(".line.hit", has_text=line)
            assert hit.count() == 1 and hit.is_visible(), line
            assert hit.locator("mark").all_inner_texts() == [line]  # the whole line marked
    assert seen.errors == [] and seen.failed == []
    assert seen.requests == [path.as_uri()]


def test_a_run_written_twice_counts_in_both_places():
    code = "x = compute(alpha, beta) + offset\ny = 1\nx = compute(alpha, beta) + offset\n"
    plain = similarity._fingerprint("a", code, 10)
    assert sorted(len(places) for places in plain.hash_idx.values())[-1] == 2
    unrelated = np.array([1, 2, 3], dtype=np.int64)
    fixed = similarity._fingerprint("a", code, 10, boilerplate=unrelated)
    assert fixed.hash_idx == plain.hash_idx and fixed.token_coverage == plain.token_coverage
    # What the workaround is for: copydetect 0.5.0 on its own loses the first place.
    raw = CodeFingerprint("a.py", 10, 1, boilerplate=unrelated, language="python", fp=io.StringIO(code))
    assert raw.hashes == plain.hashes and raw.token_coverage < plain.token_coverage
