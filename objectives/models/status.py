from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.periods import Period

# The components that carry a status, each with its own foreign key on
# StatusReport so that the database keeps the references whole.
STATUS_SUBJECTS = ("objective", "project", "milestone", "process", "programme")


def exactly_one_subject():
    alternatives = Q()
    for subject in STATUS_SUBJECTS:
        alternatives |= Q(
            **{f"{name}__isnull": name != subject for name in STATUS_SUBJECTS}
        )
    return alternatives


class StatusReport(models.Model):
    """A colour and a written explanation for one component and one period.

    Reports are never changed: a new report for the same period supersedes the
    earlier one, which stays in the history.
    """

    class Colour(models.TextChoices):
        GREEN = "green", _("green: on track")
        ORANGE = "orange", _("orange: at risk")
        RED = "red", _("red: off track")
        GREY = "grey", _("grey: not started")
        BLUE = "blue", _("blue: done")

    objective = models.ForeignKey(
        "objectives.Objective",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_reports",
    )
    project = models.ForeignKey(
        "objectives.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_reports",
    )
    milestone = models.ForeignKey(
        "objectives.Milestone",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_reports",
    )
    process = models.ForeignKey(
        "objectives.Process",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_reports",
    )
    programme = models.ForeignKey(
        "objectives.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_reports",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices)
    explanation = models.TextField(_("explanation"))
    author = models.ForeignKey(
        "objectives.User",
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    # A report made after its period was closed replaces the report it
    # corrects, which stays in the timeline, and says why.
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        ordering = ["-period_start", "-created_at"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_subject(), name="status_report_one_subject"
            ),
            models.CheckConstraint(
                condition=~Q(explanation=""), name="status_report_explained"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="status_report_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="status_report_correction_explained",
            ),
        ]
        # Timelines and "latest status" read one component's reports newest
        # first; each index also serves the foreign key.
        indexes = [
            models.Index(
                fields=[subject, "-period_start", "-created_at"],
                name=f"status_{subject}_latest_idx",
            )
            for subject in STATUS_SUBJECTS
        ]

    def __str__(self):
        return f"{self.period} {self.get_colour_display()}"

    @property
    def period(self):
        return Period(self.period_start, self.period_end)

    @property
    def subject(self):
        for name in STATUS_SUBJECTS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None
