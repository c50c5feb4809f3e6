"""Spreadsheet export and import of objectives, projects, milestones,
indicators and measurements.

Rows are keyed on stable codes, never on database ids: an objective on its
lead organisation's OVO number, its legislature and its code; a project or an
indicator on the OVO number and its code; a milestone on its project's key and
its own code; a measurement on its indicator's key and its period ("2025",
"2025-Q2", "2025-03"). Exports read through ``objectives.access``; imports are
checked against it and written through ``objectives.actions``.
"""
