"""Smartlists: saved lists of components with filters, columns and a sort.

``catalogue`` names what a list may show per component type, ``forms``
validates a definition, ``rows`` reads the rows for the person who opens a
list, ``lookup`` finds a list for a user and ``actions`` writes them.
"""
