"""Reporting periods: a year, a quarter or a month.

A period is stored as its first and last day, so that queries can compare
dates; its label ("2025", "2025-Q2", "2025-03") is derived from them.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

YEARLY = "yearly"
QUARTERLY = "quarterly"
MONTHLY = "monthly"
MONTHS_PER_PERIOD = {YEARLY: 12, QUARTERLY: 3, MONTHLY: 1}

LABEL_PATTERN = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @classmethod
    def of(cls, frequency, day):
        """The period of ``frequency`` that contains ``day``."""
        months = MONTHS_PER_PERIOD[frequency]
        first_month = (day.month - 1) // months * months + 1
        return cls.starting(date(day.year, first_month, 1), months)

    @classmethod
    def starting(cls, start, months):
        month_index = start.month - 1 + months
        next_start = date(start.year + month_index // 12, month_index % 12 + 1, 1)
        return cls(start, next_start - timedelta(days=1))

    @classmethod
    def parse(cls, label):
        match = LABEL_PATTERN.match(label.strip())
        if not match:
            raise ValidationError(
                _("%(label)s is not a period such as 2025, 2025-Q2 or 2025-03."),
                params={"label": label},
                code="invalid_period",
            )
        year, quarter, month = match.groups()
        if quarter:
            return cls.starting(date(int(year), int(quarter) * 3 - 2, 1), 3)
        if month:
            return cls.starting(date(int(year), int(month), 1), 1)
        return cls.starting(date(int(year), 1, 1), 12)

    @property
    def months(self):
        return (
            (self.end.year - self.start.year) * 12
            + self.end.month
            - self.start.month
            + 1
        )

    @property
    def frequency(self):
        return {12: YEARLY, 3: QUARTERLY, 1: MONTHLY}[self.months]

    @property
    def label(self):
        if self.months == 12:
            return f"{self.start.year}"
        if self.months == 3:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    def previous(self):
        return Period.of(self.frequency, self.start - timedelta(days=1))

    def next(self):
        return Period.of(self.frequency, self.end + timedelta(days=1))

    def __str__(self):
        return self.label
