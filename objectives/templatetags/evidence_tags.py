"""The roll-up and contradiction marker of a cascade row, rendered in Python:
a cascade has hundreds of rows, and an include per row costs more than the
rest of the row."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _marker(contradictions):
    titles = " | ".join(str(found) for found in contradictions)
    spoken = " ".join(f"{found}." for found in contradictions)
    return format_html(
        '<span class="contradiction-marker" title="{}"><span aria-hidden="true">'
        '⚠</span> {}<span class="visually-hidden">: {}</span></span>',
        titles,
        _("contradicted"),
        spoken,
    )


def _rollup(rollup):
    parts = rollup.parts
    label = _("Beneath it")
    counts = format_html_join(
        "",
        '<span class="rollup-part status-{}"><span class="dot" aria-hidden="true">'
        '</span>{}<span class="visually-hidden"> {}{}</span></span>',
        (
            (
                part["colour"] or "none",
                part["count"],
                part["word"],
                "," if index < len(parts) - 1 else "",
            )
            for index, part in enumerate(parts)
        ),
    )
    return format_html(
        '<span class="rollup" title="{}: {}"><span class="visually-hidden">{}: '
        "</span>{}</span>",
        label,
        rollup,
        label,
        counts,
    )


@register.simple_tag
def row_evidence(item):
    """The marker of ``item``'s contradictions, then its roll-up, as
    ``objectives.evidence.annotate`` left them on the row."""
    html = []
    contradictions = getattr(item, "contradictions", None)
    if contradictions:
        html.append(_marker(contradictions))
    rollup = getattr(item, "rollup", None)
    if rollup is not None and rollup.total:
        html.append(_rollup(rollup))
    return mark_safe("".join(html))
