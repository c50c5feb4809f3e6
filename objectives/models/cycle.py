"""The reporting cycle: a lens's own calendar, and the reminders sent.

Every component reports at its own frequency on the entity calendar, whose
deadlines are the settings' offsets after a period ends (``objectives.cycle``).
A lens, a transversal plan in particular, may add a calendar of its own: a
frequency, offsets per level and dated deadlines for single periods.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from objectives.models.components import ReportingFrequency
from objectives.models.lenses import Lens
from objectives.models.organisations import Organisation, User
from objectives.periods import Period


class Tier(models.TextChoices):
    """The order in which levels report, so that each can use the one below:
    milestones, projects, processes and indicators first, then operational
    objectives and programmes, then strategic objectives."""

    DELIVERY = "delivery", _("milestones, projects, processes and indicators")
    OPERATIONAL = "operational", _("operational objectives and programmes")
    STRATEGIC = "strategic", _("strategic objectives")


class ReportingCalendar(models.Model):
    """The reporting calendar of one lens: its frequency, and per level the
    days after a period's end that the report is due (empty: the entity
    calendar's offset)."""

    lens = models.OneToOneField(
        Lens,
        verbose_name=_("lens"),
        on_delete=models.CASCADE,
        related_name="reporting_calendar",
    )
    frequency = models.CharField(
        _("reporting frequency"),
        max_length=20,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTERLY,
    )
    delivery_days = models.PositiveSmallIntegerField(
        _("days for milestones, projects, processes and indicators"),
        null=True,
        blank=True,
    )
    operational_days = models.PositiveSmallIntegerField(
        _("days for operational objectives and programmes"), null=True, blank=True
    )
    strategic_days = models.PositiveSmallIntegerField(
        _("days for strategic objectives"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["lens__name"]
        verbose_name = _("reporting calendar")
        verbose_name_plural = _("reporting calendars")

    def __str__(self):
        return str(self.lens)


class ReportingDeadline(models.Model):
    """A dated deadline of a lens calendar for one period and one level,
    replacing the calendar's offset for that period."""

    calendar = models.ForeignKey(
        ReportingCalendar,
        verbose_name=_("reporting calendar"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    tier = models.CharField(_("level"), max_length=20, choices=Tier.choices)
    due_on = models.DateField(_("due on"))

    class Meta:
        ordering = ["calendar", "period_start", "tier"]
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "period_start", "period_end", "tier"],
                name="reporting_deadline_one_per_period_and_tier",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reporting_deadline_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.period} {self.get_tier_display()}: {self.due_on}"

    @property
    def period(self):
        return Period(self.period_start, self.period_end)


class SentReminder(models.Model):
    """One reminder about one owed report, sent once to one user.

    The constraint is what keeps a rerun, or two runs at once, from sending
    the same reminder twice: a digest is mailed only for rows it could add.
    """

    class Stage(models.TextChoices):
        BEFORE = "before", _("before the deadline")
        LATE = "late", _("after the deadline")
        ADMINISTRATOR = "administrator", _("sent by an administrator")

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="sent_reminders",
    )
    # The owed report: its subject as a model name and id, and the period.
    subject_kind = models.CharField(_("kind"), max_length=20)
    subject_id = models.BigIntegerField(_("subject"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    # The n-th reminder of its stage: 1 the day after the deadline, 2 a week
    # later, and so on; always 1 before the deadline; the day's ordinal for
    # an administrator's reminder.
    sequence = models.PositiveIntegerField(_("sequence"), default=1)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "user",
                    "subject_kind",
                    "subject_id",
                    "period_end",
                    "stage",
                    "sequence",
                ],
                name="sent_reminder_once",
            )
        ]

    def __str__(self):
        return f"{self.user} {self.subject_kind} {self.subject_id} {self.stage}"


class LateReminderRound(models.Model):
    """An administrator's reminder to the late reporters of one entity for
    one period: at most one a day, sent by a worker after the request."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="late_reminder_rounds",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder to late reporters")
        verbose_name_plural = _("reminders to late reporters")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period_start", "period_end", "requested_on"],
                name="late_reminder_round_once_a_day",
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.period} {self.requested_on}"

    @property
    def period(self):
        return Period(self.period_start, self.period_end)
