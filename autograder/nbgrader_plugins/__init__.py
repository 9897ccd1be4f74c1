"""The glue nbgrader loads by name (``nbgrader_config.py``): preprocessors, the repair of cells an
editor stripped, the LMS zip collector, the feedback exporter. The execute step itself is
:class:`autograder.engine.execute.SandboxedExecute`.
"""
