"""Pages and reports made from graded work: the class report, the similarity report, and reading
the grader's report lines back (:mod:`.hidden_reports`). Every page made from student material is
inert (:mod:`.inert_html`); the pages come from Jinja2 templates in ``templates/``.
"""
