"""The SVG chart of an indicator: drawn on the server, parsed back here."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from django.test import SimpleTestCase
from django.utils import translation

from objectives.charts import (
    PLOT_BOTTOM,
    PLOT_LEFT,
    PLOT_RIGHT,
    PLOT_TOP,
    format_number,
    indicator_chart,
    nice_ticks,
)
from objectives.periods import Period

SVG = "{http://www.w3.org/2000/svg}"


def yearly(*pairs):
    return [(Period.parse(str(year)), Decimal(str(value))) for year, value in pairs]


def draw(measurements=(), targets=(), **options):
    options.setdefault("title", "Road deaths")
    options.setdefault("unit", "count")
    with translation.override("en"):
        svg = indicator_chart(measurements=measurements, targets=targets, **options)
    return svg, ET.fromstring(svg)


def with_class(root, tag, name):
    return [
        element
        for element in root.iter(f"{SVG}{tag}")
        if name in element.get("class", "").split()
    ]


def texts(root, name):
    return [element.text for element in with_class(root, "text", name)]


def points(root, kind="measurement"):
    tag = "circle" if kind == "measurement" else "rect"
    return [
        element
        for element in with_class(root, tag, kind)
        if "point" in element.get("class").split()
    ]


def centres(root, kind="measurement"):
    if kind == "measurement":
        return [(float(c.get("cx")), float(c.get("cy"))) for c in points(root)]
    return [(float(r.get("x")) + 5, float(r.get("y")) + 5) for r in points(root, kind)]


class IndicatorChartTests(SimpleTestCase):
    def test_chart_is_an_image_with_title_and_description(self):
        svg, root = draw(
            yearly((2019, 340), (2020, 320), (2021, 300)),
            yearly((2029, 150)),
            baseline=Decimal("340"),
            baseline_year=2019,
            direction="lower is better",
        )

        self.assertTrue(svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'))
        self.assertEqual(root.get("role"), "img")
        self.assertEqual(root.get("viewBox"), "0 0 720 360")
        self.assertEqual(
            root.get("aria-labelledby"), "indicator-chart-title indicator-chart-desc"
        )
        self.assertEqual(root.find(f"{SVG}title").text, "Road deaths")
        self.assertEqual(
            root.find(f"{SVG}desc").text,
            "Measurements from 2019 to 2021: from 340 to 300 count, lowest 300 in "
            "2021, highest 340 in 2019. Targets: 150 count in 2029. Baseline 340 "
            "count in 2019. Lower is better.",
        )

    def test_each_measurement_is_a_circle_and_each_target_a_square(self):
        _svg, root = draw(
            yearly((2019, 340), (2020, 320), (2021, 300), (2022, 280)),
            yearly((2025, 250), (2029, 150)),
        )

        self.assertEqual(len(points(root, "measurement")), 4)
        self.assertEqual(len(points(root, "target")), 2)
        self.assertEqual(len(list(root.iter(f"{SVG}polyline"))), 2)
        target_line = with_class(root, "g", "targets")[0].find(f"{SVG}polyline")
        self.assertEqual(target_line.get("stroke-dasharray"), "8 5")

    def test_points_move_right_with_time_whatever_the_input_order(self):
        _svg, root = draw(yearly((2022, 1), (2019, 4), (2021, 2), (2020, 3)))

        xs = [x for x, _y in centres(root)]
        self.assertEqual(xs, sorted(xs))
        self.assertEqual(len(set(xs)), 4)
        # 2019 was the highest value, so it is drawn highest (smallest y).
        ys = [y for _x, y in centres(root)]
        self.assertEqual(ys, sorted(ys))

    def test_targets_share_the_time_axis_of_the_measurements(self):
        _svg, root = draw(
            yearly((2019, 10), (2020, 20)), yearly((2020, 30), (2021, 40))
        )

        measured = [x for x, _y in centres(root)]
        targeted = [x for x, _y in centres(root, "target")]
        self.assertEqual(measured[1], targeted[0])
        self.assertLess(measured[0], targeted[0])
        self.assertLess(targeted[0], targeted[1])

    def test_yearly_axis_names_every_year_including_gaps(self):
        _svg, root = draw(yearly((2019, 10), (2022, 20)), yearly((2024, 15)))

        self.assertEqual(
            texts(root, "period-label"),
            ["2019", "2020", "2021", "2022", "2023", "2024"],
        )

    def test_quarterly_axis_names_each_quarter_when_they_fit(self):
        quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
        _svg, root = draw(
            [(Period.parse(q), Decimal(n)) for n, q in enumerate(quarters)]
        )

        self.assertEqual(texts(root, "period-label"), quarters)

    def test_long_quarterly_axis_names_the_years(self):
        series = [
            (Period.parse(f"{year}-Q{quarter}"), Decimal(year - 2000 + quarter))
            for year in range(2021, 2026)
            for quarter in range(1, 5)
        ]

        _svg, root = draw(series)

        self.assertEqual(len(points(root)), 20)
        self.assertEqual(
            texts(root, "period-label"), ["2021", "2022", "2023", "2024", "2025"]
        )

    def test_value_ticks_are_round_and_cover_the_data(self):
        _svg, root = draw(yearly((2019, 152), (2020, 338)))

        self.assertEqual(
            texts(root, "value-tick"), ["100", "150", "200", "250", "300", "350"]
        )
        self.assertEqual(texts(root, "unit"), ["count"])

    def test_baseline_is_a_dotted_line_across_the_plot(self):
        _svg, root = draw(yearly((2019, 100), (2020, 200)), baseline=Decimal("150"))

        (baseline,) = with_class(root, "line", "baseline")
        self.assertEqual(baseline.get("stroke-dasharray"), "2 4")
        self.assertEqual(
            (float(baseline.get("x1")), float(baseline.get("x2"))),
            (PLOT_LEFT, PLOT_RIGHT),
        )
        low, high = sorted(y for _x, y in centres(root))
        self.assertEqual(float(baseline.get("y1")), round((low + high) / 2, 1))

    def test_legend_names_each_series_in_words(self):
        _svg, root = draw(
            yearly((2019, 1)), yearly((2020, 2)), baseline=1, baseline_year=2019
        )

        legend = with_class(root, "g", "legend")[0]
        self.assertEqual(
            [text.text for text in legend.iter(f"{SVG}text")],
            ["Measurement", "Target", "Baseline (2019)"],
        )

    def test_without_data_the_chart_says_so(self):
        _svg, root = draw()

        self.assertEqual(root.get("role"), "img")
        self.assertEqual(points(root), [])
        self.assertEqual(
            root.find(f"{SVG}desc").text, "No measurements or targets yet."
        )
        self.assertEqual(
            [text.text for text in root.iter(f"{SVG}text")],
            ["No measurements or targets yet."],
        )

    def test_targets_without_measurements_are_drawn(self):
        _svg, root = draw(targets=yearly((2025, 10), (2029, 5)))

        self.assertEqual(len(points(root)), 0)
        self.assertEqual(len(points(root, "target")), 2)
        self.assertTrue(
            root.find(f"{SVG}desc").text.startswith("No measurements yet. Targets")
        )

    def test_baseline_alone_is_drawn_without_a_time_axis(self):
        _svg, root = draw(baseline=Decimal("12"), baseline_year=2019)

        self.assertEqual(len(with_class(root, "line", "baseline")), 1)
        self.assertEqual(texts(root, "period-label"), [])
        self.assertEqual(
            root.find(f"{SVG}desc").text,
            "No measurements yet. Baseline 12 count in 2019.",
        )

    def test_one_point_stands_in_the_middle(self):
        _svg, root = draw(yearly((2024, 7)))

        ((x, y),) = centres(root)
        self.assertEqual(x, (PLOT_LEFT + PLOT_RIGHT) / 2)
        self.assertTrue(PLOT_TOP < y < PLOT_BOTTOM)
        self.assertEqual(texts(root, "period-label"), ["2024"])

    def test_equal_values_get_a_scale_around_them(self):
        _svg, root = draw(yearly((2019, 5), (2020, 5), (2021, 5)))

        ys = {y for _x, y in centres(root)}
        self.assertEqual(len(ys), 1)
        self.assertTrue(PLOT_TOP < ys.pop() < PLOT_BOTTOM)
        self.assertEqual(texts(root, "value-tick"), ["4.5", "5.0", "5.5"])

    def test_negative_values_are_drawn_below_the_zero_line(self):
        _svg, root = draw(yearly((2019, -3), (2020, 4)))

        ticks = texts(root, "value-tick")
        self.assertEqual(ticks, ["-4", "-2", "0", "2", "4", "6"])
        zero_line = with_class(root, "g", "value-axis")[0].findall(f"{SVG}line")[2]
        self.assertEqual(zero_line.get("stroke-width"), "1.5")
        (_x1, below), (_x2, above) = centres(root)
        zero_y = float(zero_line.get("y1"))
        self.assertGreater(below, zero_y)
        self.assertLess(above, zero_y)

    def test_text_is_escaped(self):
        svg, root = draw(
            yearly((2019, 1)),
            title='<script>alert("x")</script> & co',
            unit="<b>%</b>",
        )

        self.assertNotIn("<script>", svg)
        self.assertNotIn("<b>", svg)
        self.assertIn("&lt;script&gt;", svg)
        self.assertEqual(
            root.find(f"{SVG}title").text, '<script>alert("x")</script> & co'
        )
        self.assertEqual(texts(root, "unit"), ["<b>%</b>"])

    def test_each_point_names_its_period_and_value(self):
        _svg, root = draw(yearly((2024, "1234.5")))

        self.assertEqual(
            points(root)[0].find(f"{SVG}title").text, "2024: 1,234.5 count"
        )


class NumberTests(SimpleTestCase):
    def test_nice_ticks_use_steps_of_one_two_or_five(self):
        self.assertEqual(nice_ticks(150, 340), [150, 200, 250, 300, 350])
        self.assertEqual(nice_ticks(0, 7), [0, 2, 4, 6, 8])
        self.assertEqual(
            nice_ticks(Decimal("0.001"), Decimal("0.0042")),
            [
                Decimal("0.001"),
                Decimal("0.002"),
                Decimal("0.003"),
                Decimal("0.004"),
                Decimal("0.005"),
            ],
        )

    def test_nice_ticks_of_one_value_surround_it(self):
        self.assertEqual(nice_ticks(0, 0), [-1, Decimal("-0.5"), 0, Decimal("0.5"), 1])
        self.assertEqual(nice_ticks(-20, -20), [-22, -21, -20, -19, -18])

    def test_numbers_are_written_the_flemish_way(self):
        with translation.override("nl"):
            self.assertEqual(format_number(Decimal("1234.5000")), "1.234,5")
            self.assertEqual(format_number(Decimal("-0.25")), "-0,25")
            self.assertEqual(format_number(Decimal("312.0000")), "312")
