"""The kernel the autograder starts: ipykernel, with ``matplotlib.pyplot`` loaded on first use.

Every chapter's first cell imports ``matplotlib.pyplot``, which takes about a quarter of a second,
and grading draws no figure: here the import only registers the module, and its code runs the
first time anything in it is used (a student's own plot, say). Nothing else differs from
``python -m ipykernel_launcher``; a grader without the sandbox starts that one.

    python -m coursekit.grading_kernel -f CONNECTION_FILE
"""

import importlib.util
import os
import sys


def lazy_import(name):
    """Put ``name`` in ``sys.modules`` without running its code yet (``importlib.util.LazyLoader``)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


if __name__ == "__main__":
    # As ipykernel_launcher: the working folder is not searched while the kernel loads (IPython
    # puts it back for the notebook's code).
    if sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    lazy_import("matplotlib.pyplot")
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
