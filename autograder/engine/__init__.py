"""The trust boundary: one submission run in a sandbox and scored outside it.

What runs **inside** the sandbox is the student's notebook in a Jupyter
kernel, and the probe it calls from its hidden-test cells: the public
``coursekit.probing`` (with ``coursekit.functions``, ``coursekit.drivers`` and
``coursekit.scenarios``, which build arguments and run scenarios), shipped
with every release. Everything in this package runs **outside**, in the
grader's process:

* :mod:`.sandbox`: the bubblewrap sandbox and its limits;
* :mod:`.execute`: nbgrader's execute step, run in the sandbox, scoring outside;
* :mod:`.probes`: the hidden cases' inputs handed in, the results read back and judged;
* :mod:`.untrusted`: reading bytes a student controls (results, uploads);
* :mod:`.secret`: the course secret that salts each submission's hidden inputs.

The expected values and the reference (:mod:`autograder.judging`) never
cross into the sandbox.
"""
