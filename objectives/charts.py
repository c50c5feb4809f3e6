"""Charts drawn on the server as SVG.

No JavaScript and no charting library: the same markup shows on a page and in
a PDF report (WeasyPrint renders inline SVG). The SVG is built with
ElementTree, which escapes every text and attribute, so the string it returns
may be marked safe by the caller.

Every series differs in more than colour: measurements are a solid line with
filled circles, targets a dashed line with hollow squares, the baseline a
dotted line; a legend names them in words, and ``<title>`` and ``<desc>``
summarise the data for screen readers.
"""

import math
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from objectives.periods import MONTHS_PER_PERIOD, Period

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

WIDTH = 720
HEIGHT = 360
PLOT_LEFT = 76
PLOT_RIGHT = WIDTH - 28
PLOT_TOP = 36
PLOT_BOTTOM = HEIGHT - 92
LEGEND_Y = HEIGHT - 24
VALUE_TICKS = 5
MOST_PERIOD_LABELS = 12

# Contrast on white: ink 12.6:1, measurement 6.6:1, target 5.5:1, baseline
# 8.5:1, axis 4.8:1; the grid is decoration only.
INK = "#333332"
AXIS = "#687483"
GRID = "#e8ebee"
MEASUREMENT = "#0055cc"
TARGET = "#b04a00"
BASELINE = "#4d4d4d"
FONT = "'Segoe UI', system-ui, Arial, Helvetica, sans-serif"


def indicator_chart(
    *,
    title,
    unit,
    measurements,
    targets,
    baseline=None,
    baseline_year=None,
    direction="",
    element_id="indicator-chart",
):
    """An SVG line chart of an indicator's measurements against its targets.

    ``measurements`` and ``targets`` are sequences of (Period, number);
    ``baseline`` a number or None. ``direction`` ("higher is better") ends
    the description. Returns the SVG as a string, all data escaped.
    """
    measurements = sorted((p, Decimal(v)) for p, v in measurements)
    targets = sorted((p, Decimal(v)) for p, v in targets)
    baseline = None if baseline is None else Decimal(baseline)
    values = [v for _p, v in measurements + targets]
    if baseline is not None:
        values.append(baseline)

    svg = _root(element_id)
    _text_child(svg, "title", title, id=f"{element_id}-title")
    description = _describe(unit, measurements, targets, baseline, baseline_year)
    if direction and values:
        description = f"{description} {direction[:1].upper()}{direction[1:]}."
    _text_child(svg, "desc", description, id=f"{element_id}-desc")
    if not values:
        _draw_empty(svg)
        return _serialise(svg)

    ticks = nice_ticks(*_padded(min(values), max(values)))
    scale_y = _linear(ticks[0], ticks[-1], PLOT_BOTTOM, PLOT_TOP)
    periods = [p for p, _v in measurements + targets]

    _draw_value_axis(svg, ticks, scale_y, unit)
    scale_x = _time_scale(periods) if periods else None
    if periods:
        _draw_period_axis(svg, periods, scale_x)
    if baseline is not None:
        _draw_baseline(svg, scale_y(baseline))
    if targets:
        _draw_series(svg, targets, scale_x, scale_y, unit, kind="target")
    if measurements:
        _draw_series(svg, measurements, scale_x, scale_y, unit, kind="measurement")
    _draw_legend(svg, bool(measurements), bool(targets), baseline, baseline_year)
    return _serialise(svg)


# Numbers ------------------------------------------------------------------


def nice_ticks(low, high, count=VALUE_TICKS):
    """Round tick values (steps of 1, 2 or 5 times a power of ten) that cover
    ``low`` to ``high`` in at most one more than ``count`` ticks."""
    low, high = Decimal(low), Decimal(high)
    if low == high:
        padding = abs(low) / 10 if low else Decimal(1)
        low, high = low - padding, high + padding
    raw_step = (high - low) / (count - 1)
    magnitude = Decimal(10) ** raw_step.adjusted()
    for multiple in (1, 2, 5, 10, 20, 50):
        step = multiple * magnitude
        first = math.floor(low / step)
        last = math.ceil(high / step)
        if last - first + 1 <= count + 1:
            break
    return [(first + index) * step for index in range(last - first + 1)]


def _padded(low, high):
    """Leave a little room around the data, without crossing zero."""
    padding = (high - low) / 20
    padded_low = low - padding
    if low >= 0 > padded_low:
        padded_low = Decimal(0)
    padded_high = high + padding
    if high <= 0 < padded_high:
        padded_high = Decimal(0)
    return padded_low, padded_high


def format_number(value, decimals=None):
    """A number as people read it here: 1.234,5 in Dutch, no trailing zeros."""
    value = Decimal(value)
    if decimals is None:
        value = value.normalize()
        decimals = max(0, -value.as_tuple().exponent)
    return number_format(
        round(value, decimals), decimal_pos=decimals, force_grouping=True
    )


def _decimals_of(step):
    return max(0, -step.normalize().as_tuple().exponent)


def _linear(domain_low, domain_high, range_low, range_high):
    domain_low, domain_high = float(domain_low), float(domain_high)
    span = domain_high - domain_low

    def scale(value):
        share = (float(value) - domain_low) / span if span else 0.5
        return round(range_low + share * (range_high - range_low), 1)

    return scale


def _middle(period):
    """The middle of ``period`` as a day number, for the time scale."""
    return (period.start.toordinal() + period.end.toordinal()) / 2


def _time_scale(periods):
    """Positions from the first day of the first period to the last day of
    the last one, each period drawn at its middle."""
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    return _linear(start.toordinal(), end.toordinal(), PLOT_LEFT, PLOT_RIGHT)


# Drawing ------------------------------------------------------------------


def _root(element_id):
    return ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "width": str(WIDTH),
            "height": str(HEIGHT),
            "role": "img",
            "aria-labelledby": f"{element_id}-title {element_id}-desc",
            "class": "chart",
            "font-family": FONT,
            "font-size": "13",
        },
    )


def _text_child(parent, tag, text, **attributes):
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    element.text = text
    return element


def _line(parent, x1, y1, x2, y2, **attributes):
    return ET.SubElement(
        parent,
        "line",
        {
            "x1": str(x1),
            "y1": str(y1),
            "x2": str(x2),
            "y2": str(y2),
            **{k.replace("_", "-"): str(v) for k, v in attributes.items()},
        },
    )


def _serialise(svg):
    return ET.tostring(svg, encoding="unicode")


def _draw_empty(svg):
    _text_child(
        svg,
        "text",
        _("No measurements or targets yet."),
        x=WIDTH / 2,
        y=HEIGHT / 2,
        fill=INK,
        **{"text-anchor": "middle", "font-size": "15"},
    )


def _draw_value_axis(svg, ticks, scale_y, unit):
    group = ET.SubElement(svg, "g", {"class": "value-axis"})
    decimals = _decimals_of(ticks[1] - ticks[0])
    for tick in ticks:
        y = scale_y(tick)
        is_zero = tick == 0 and ticks[0] < 0
        _line(
            group,
            PLOT_LEFT,
            y,
            PLOT_RIGHT,
            y,
            stroke=AXIS if is_zero else GRID,
            stroke_width=1.5 if is_zero else 1,
        )
        _text_child(
            group,
            "text",
            format_number(tick, decimals),
            x=PLOT_LEFT - 10,
            y=y + 4,
            fill=INK,
            **{"text-anchor": "end", "class": "value-tick"},
        )
    _text_child(
        group,
        "text",
        unit,
        x=PLOT_LEFT - 10,
        y=PLOT_TOP - 16,
        fill=INK,
        **{"text-anchor": "end", "font-weight": "600", "class": "unit"},
    )


def _axis_periods(periods):
    """Every period from the first to the last, at the finest frequency of
    the data, so that gaps in the data stay visible on the axis."""
    months = min(p.months for p in periods)
    if months not in MONTHS_PER_PERIOD.values():
        months = 1
    frequency = next(f for f, m in MONTHS_PER_PERIOD.items() if m == months)
    end = max(p.end for p in periods)
    current = Period.of(frequency, min(p.start for p in periods))
    axis = []
    while current.start <= end:
        axis.append(current)
        current = current.next()
    return axis


def _axis_labels(periods):
    """The periods named on the time axis: each period when they fit, else
    whole years (every so many), so that the labels stay round."""
    axis = _axis_periods(periods)
    if len(axis) <= (MOST_PERIOD_LABELS if axis[0].months == 12 else 8):
        return axis
    first_year, last_year = axis[0].start.year, axis[-1].end.year
    years = [Period.parse(str(year)) for year in range(first_year, last_year + 1)]
    return years[:: math.ceil(len(years) / MOST_PERIOD_LABELS)]


def _draw_period_axis(svg, periods, scale_x):
    group = ET.SubElement(svg, "g", {"class": "period-axis"})
    _line(group, PLOT_LEFT, PLOT_BOTTOM, PLOT_RIGHT, PLOT_BOTTOM, stroke=AXIS)
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    for period in _axis_labels(periods):
        # A year only partly on the axis is named in the middle of its part.
        shown = Period(max(period.start, start), min(period.end, end))
        x = scale_x(_middle(shown))
        _line(group, x, PLOT_BOTTOM, x, PLOT_BOTTOM + 6, stroke=AXIS)
        _text_child(
            group,
            "text",
            period.label,
            x=x,
            y=PLOT_BOTTOM + 22,
            fill=INK,
            **{"text-anchor": "middle", "class": "period-label"},
        )


def _draw_baseline(svg, y):
    _line(
        svg,
        PLOT_LEFT,
        y,
        PLOT_RIGHT,
        y,
        stroke=BASELINE,
        stroke_width=2,
        stroke_dasharray="2 4",
        stroke_linecap="round",
        **{"class": "baseline"},
    )


def _draw_series(svg, series, scale_x, scale_y, unit, *, kind):
    colour = MEASUREMENT if kind == "measurement" else TARGET
    group = ET.SubElement(svg, "g", {"class": f"series {kind}s"})
    points = [
        (scale_x(_middle(period)), scale_y(value), period, value)
        for period, value in series
    ]
    if len(points) > 1:
        line = {
            "points": " ".join(f"{x},{y}" for x, y, _p, _v in points),
            "fill": "none",
            "stroke": colour,
            "stroke-width": "2.5" if kind == "measurement" else "2",
            "stroke-linejoin": "round",
        }
        if kind == "target":
            line["stroke-dasharray"] = "8 5"
        ET.SubElement(group, "polyline", line)
    for x, y, period, value in points:
        marker = _marker(group, x, y, kind)
        marker.set("class", f"point {kind}")
        _text_child(marker, "title", f"{period.label}: {format_number(value)} {unit}")


def _marker(parent, x, y, kind):
    if kind == "measurement":
        return ET.SubElement(
            parent,
            "circle",
            {
                "cx": str(x),
                "cy": str(y),
                "r": "5",
                "fill": MEASUREMENT,
                "stroke": "#ffffff",
                "stroke-width": "1.5",
            },
        )
    return ET.SubElement(
        parent,
        "rect",
        {
            "x": str(round(x - 5, 1)),
            "y": str(round(y - 5, 1)),
            "width": "10",
            "height": "10",
            "fill": "#ffffff",
            "stroke": TARGET,
            "stroke-width": "2",
        },
    )


def _draw_legend(svg, has_measurements, has_targets, baseline, baseline_year):
    group = ET.SubElement(svg, "g", {"class": "legend"})
    items = []
    if has_measurements:
        items.append(("measurement", _("Measurement")))
    if has_targets:
        items.append(("target", _("Target")))
    if baseline is not None:
        label = _("Baseline")
        if baseline_year:
            label = _("Baseline (%(year)s)") % {"year": baseline_year}
        items.append(("baseline", label))
    x = PLOT_LEFT
    for kind, label in items:
        sample = {"stroke_width": 2.5 if kind == "measurement" else 2}
        if kind == "target":
            sample |= {"stroke": TARGET, "stroke_dasharray": "8 5"}
        elif kind == "baseline":
            sample |= {
                "stroke": BASELINE,
                "stroke_dasharray": "2 4",
                "stroke_linecap": "round",
            }
        else:
            sample["stroke"] = MEASUREMENT
        _line(group, x, LEGEND_Y, x + 32, LEGEND_Y, **sample)
        if kind != "baseline":
            _marker(group, x + 16, LEGEND_Y, kind).set("class", "legend-marker")
        _text_child(group, "text", label, x=x + 40, y=LEGEND_Y + 4, fill=INK)
        x += 40 + 9 * len(label) + 32


def _describe(unit, measurements, targets, baseline, baseline_year):
    """A sentence or three that say what the chart shows."""
    if not measurements and not targets and baseline is None:
        return _("No measurements or targets yet.")
    sentences = []
    if measurements:
        sentences.append(_series_sentence(_("Measurements"), measurements, unit))
    else:
        sentences.append(_("No measurements yet."))
    if targets:
        sentences.append(_series_sentence(_("Targets"), targets, unit))
    if baseline is not None:
        values = {"value": format_number(baseline), "unit": unit}
        if baseline_year:
            values["year"] = baseline_year
            sentences.append(_("Baseline %(value)s %(unit)s in %(year)s.") % values)
        else:
            sentences.append(_("Baseline %(value)s %(unit)s.") % values)
    return " ".join(sentences)


def _series_sentence(name, series, unit):
    (first_period, first), (last_period, last) = series[0], series[-1]
    if len(series) == 1:
        return _("%(name)s: %(value)s %(unit)s in %(period)s.") % {
            "name": name,
            "value": format_number(first),
            "unit": unit,
            "period": first_period.label,
        }
    low_period, low = min(series, key=lambda point: point[1])
    high_period, high = max(series, key=lambda point: point[1])
    return _(
        "%(name)s from %(first_period)s to %(last_period)s: from %(first)s to "
        "%(last)s %(unit)s, lowest %(low)s in %(low_period)s, highest %(high)s "
        "in %(high_period)s."
    ) % {
        "name": name,
        "first_period": first_period.label,
        "last_period": last_period.label,
        "first": format_number(first),
        "last": format_number(last),
        "unit": unit,
        "low": format_number(low),
        "low_period": low_period.label,
        "high": format_number(high),
        "high_period": high_period.label,
    }
