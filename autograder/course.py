"""Where the course's folders are, and an nbgrader API configured for them."""

import os
import re
import sys
from pathlib import Path

from autograder.engine.secret import FILE_NAME as SECRET_FILE

ROOT = Path(__file__).resolve().parents[1]
COURSEKIT_DIR = ROOT / "chapters" / "coursekit"

#: Student ids nbgrader handles safely: it uses them in globs and paths.
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")


def chapters(root=ROOT):
    """Assignment names: the chapter folders that hold a notebook of the same name."""
    found = Path(root).glob("chapters/ch*/ch*.ipynb")
    return sorted(p.parent.name for p in found if p.stem == p.parent.name)


def grade_id(cell):
    """The nbgrader id of a notebook cell, or ``None`` for an ordinary cell."""
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def notebook_name(chapter):
    return f"{chapter}.ipynb"


def check_chapter(chapter, root=ROOT):
    if chapter not in chapters(root):
        known = ", ".join(chapters(root)) or "(none)"
        raise SystemExit(f"error: unknown chapter {chapter!r}; the chapters are: {known}")
    return chapter


def _package_key(name):
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def student_requirements(chapter, root=ROOT):
    """The pinned packages (``name==version``) a student installs to run ``chapter``.

    Which packages: ``chapters/requirements.toml`` of the course folder ``root``;
    their versions: the course's ``requirements.lock``.
    """
    import tomllib

    declared = Path(root) / "chapters" / "requirements.toml"
    if not declared.exists():
        declared = ROOT / "chapters" / "requirements.toml"
    packages = tomllib.loads(declared.read_text())["packages"]
    if chapter not in packages:
        raise ValueError(f"{declared}: no [packages] entry for {chapter}: list what its notebook needs")
    pins = {
        _package_key(line.partition("==")[0]): line.strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    missing = [p for p in packages[chapter] if _package_key(p) not in pins]
    if missing:
        raise ValueError(f"{declared}: {chapter} needs {missing}, which requirements.lock does not pin")
    return [pins[_package_key(p)] for p in packages[chapter]]


def requirements_file(chapter, root=ROOT):
    """The text of the ``requirements.txt`` a chapter's release carries."""
    return f"# What {chapter}.ipynb needs (Python 3.11): pip install -r requirements.txt\n" + "".join(
        f"{line}\n" for line in student_requirements(chapter, root)
    )


def student_id_problem(student_id):
    """Why nbgrader would mishandle this student id, or ``None``."""
    if not STUDENT_ID.fullmatch(student_id):  # not match(): "$" would accept a final newline
        return (
            f"{student_id!r} is not a usable student id (use letters, digits and _ - . @, "
            "starting with a letter or digit); rename the folder"
        )
    return None


def _this_environment_first():
    bin_dir = os.path.dirname(sys.executable)
    if not os.environ.get("PATH", "").startswith(bin_dir + os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def nbgrader_gradebook(root=None, db_url=None):
    """nbgrader's ``Gradebook`` of the course (``with`` it); it runs ``alembic`` to create a new database."""
    from nbgrader.api import Gradebook

    _this_environment_first()
    return Gradebook(gradebook_url(root, db_url))


def gradebook_url(root=None, db_url=None):
    """The gradebook's database URL: ``db_url``, else ``root/gradebook.db`` (SQLite)."""
    return db_url or "sqlite:///" + str(Path(root or ROOT).resolve() / "gradebook.db")


def nbgrader_api(root=None, db_url=None):
    """An ``NbGraderAPI`` that reads ``nbgrader_config.py`` of the course folder ``root``.

    The gradebook is ``root/gradebook.db`` unless ``db_url`` names another
    database nbgrader accepts (any SQLAlchemy URL, e.g.
    ``postgresql+psycopg2://user@host/gradebook``). nbgrader shells out to
    ``alembic`` and starts kernels by name, so this environment's ``bin`` goes
    first on ``PATH``.
    """
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root or ROOT).resolve()
    _this_environment_first()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = gradebook_url(root, db_url)
    config.RestoreMissingCells.source_directory = str(root / "chapters")
    config.SandboxedExecute.source_directory = str(root / "chapters")
    config.SandboxedExecute.secret_file = str(root / SECRET_FILE)
    return NbGraderAPI(config=config)
