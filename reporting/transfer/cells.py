"""What a spreadsheet cell may say.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read as a formula by spreadsheet programs (CSV injection). Exports
put a single quote before such text; imports take it off again, so that an
export read back is the same text. A text that already begins with a quote
followed by one of those characters or by another quote gets one more quote,
which keeps the two directions exact inverses.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(text):
    """``text`` as an export writes it: never read as a formula."""
    if text.startswith(FORMULA_STARTS) or (
        text.startswith(QUOTE) and text[1:2] in (*FORMULA_STARTS, QUOTE)
    ):
        return QUOTE + text
    return text


def restore(text):
    """The text that ``neutralise`` turned into ``text``."""
    if text.startswith(QUOTE) and text[1:2] in (*FORMULA_STARTS, QUOTE):
        return text[1:]
    return text


def is_formula(value):
    """Whether an imported cell holds a formula: openpyxl reads a formula
    cell as its text, which begins with ``=``."""
    return isinstance(value, str) and value.startswith("=")


def without_illegal_characters(text):
    """``text`` without the control characters that XLSX cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)
