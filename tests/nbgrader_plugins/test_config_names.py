"""Every class and function ``nbgrader_config.py`` names as a string exists where it says.

nbgrader imports them by name only when a command runs; a name left behind
by a move would fail an instructor's ``nbgrader autograde`` at that moment.
"""

import importlib
import re

from autograder.course import ROOT

NAME = re.compile(r"[\"'](autograder(?:\.\w+)+)[\"']")


def test_every_name_in_the_configuration_imports():
    names = NAME.findall((ROOT / "nbgrader_config.py").read_text())
    assert len(names) >= 8  # the execute step, preprocessors, the repair, the hook, the collector, the exporter
    for name in names:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), name
