"""HTML pages of the workflow app: the reviewer's inbox and task page, the
department head's desk, the case timeline, "explain this deadline" and the
decision documents. Thin: reads through workflow.selectors (and
portal.clocks for a deadline), every change through workflow.services."""
