"""Open data: the components marked public, with their status history and
indicator series, as JSON and CSV files and a DCAT catalogue.

What is published is decided by ``objectives.access.published``; this
package only describes it.
"""
