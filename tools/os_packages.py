"""Before any test runs: the Debian packages ``make test`` needs are installed, or installed now.

    python3 tools/os_packages.py [--install] PACKAGE...

Asks ``dpkg-query`` which of the packages are installed. With ``--install``,
as root on a machine with ``apt-get`` (as CI is), it installs the missing
ones. Otherwise, or if that fails, it names them with the one command that
installs them and exits with status 1, so that ``make test`` stops before its
first test instead of failing twenty minutes later. Standard library only: it
runs before ``.venv`` exists. The package list lives in the Makefile.
"""

import argparse
import os
import shutil
import subprocess
import sys

#: What the user runs when this cannot install the packages itself (see the Makefile).
INSTALL_COMMAND = "sudo make test-packages"


def missing(packages):
    """The packages dpkg does not list as installed; raises OSError without ``dpkg-query``."""
    if shutil.which("dpkg-query") is None:
        raise OSError("dpkg-query not found")
    absent = []
    for package in packages:
        run = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", package], capture_output=True, text=True)
        if run.returncode != 0 or run.stdout.strip() != "installed":
            absent.append(package)
    return absent


def apt_install(packages):
    """``apt-get update`` and ``apt-get install`` the packages; True if both succeed."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
    ):
        print("+", " ".join(command), flush=True)
        if subprocess.run(command, env=env).returncode != 0:
            return False
    return True


def main(argv=None, euid=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--install", action="store_true", help="as root with apt-get: install what is missing")
    parser.add_argument("packages", nargs="+")
    args = parser.parse_args(argv)
    euid = os.geteuid() if euid is None else euid
    try:
        absent = missing(args.packages)
    except OSError:
        print(
            f"make test needs these Debian packages (or their equivalents): {' '.join(args.packages)}.\n"
            f"This machine has no dpkg-query to check for them: the tests run on Debian, as CI does.",
            file=sys.stderr,
        )
        return 1
    if not absent:
        return 0
    if args.install and euid == 0 and shutil.which("apt-get"):
        print(f"installing the Debian packages make test needs: {' '.join(absent)}", flush=True)
        if apt_install(absent):
            absent = missing(absent)
            if not absent:
                return 0
    print(
        f"make test needs Debian packages that are not installed: {' '.join(absent)}.\n"
        f"Install them (as root, once), then run make test again:\n\n    {INSTALL_COMMAND}\n",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
