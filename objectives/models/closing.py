"""Closed reporting periods and validated transversal plans.

When a period is closed for an entity or for a transversal plan, the status
reports and measurements of the periods within it are frozen for the
components of that entity or in that plan: only a correction with a reason
changes them afterwards. Reopening keeps the closure as history.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from objectives.models.components import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.models.lenses import LensEntry
from objectives.periods import Period

# How each component type reaches the objectives of a transversal plan: the
# link table from objectives to it, and its column there.
OBJECTIVE_LINKS = {
    Project: (Objective.projects.through, "project_id"),
    Process: (Objective.processes.through, "process_id"),
    Indicator: (Objective.indicators.through, "indicator_id"),
}


def validation_file_path(validation, filename):
    """Where a validated plan report lies under MEDIA_ROOT, named by its
    public identifier; it is never purged."""
    return f"validations/{validation.period_start:%Y}/{validation.public_id}.pdf"


class PeriodClosureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(reopened_at__isnull=True)

    def covering(self, period):
        """The closures whose period contains ``period``."""
        return self.filter(period_start__lte=period.start, period_end__gte=period.end)

    def concerning(self, subject):
        """The closures of the organisations of ``subject`` (a component or
        a milestone, which has its project's) and of the transversal plans
        it is in: the objectives entered in a plan, and the projects,
        processes, milestones and indicators linked to them, as the plan
        and lens reports resolve them. Subqueries: one query in all."""
        owner = subject.project if isinstance(subject, Milestone) else subject
        model = type(owner)
        owner_column = f"{model._meta.model_name}_id"
        organisations = model.organisations.through.objects.filter(
            **{owner_column: owner.pk}
        ).values("organisation_id")
        if isinstance(owner, Objective):
            objectives = Objective.objects.filter(pk=owner.pk).values("pk")
        elif isinstance(owner, Programme):
            objectives = Objective.objects.none().values("pk")
        else:
            through, column = OBJECTIVE_LINKS[model]
            objectives = through.objects.filter(**{column: owner.pk}).values(
                "objective_id"
            )
        lenses = LensEntry.objects.filter(objective__in=objectives).values("lens_id")
        return self.filter(Q(organisation__in=organisations) | Q(lens__in=lenses))

    def of_indicators(self, indicator_ids):
        """{indicator id: [closures]} of the indicators ``indicator_ids``, as
        ``concerning`` finds them for each: two queries for an import."""
        found = {}
        for path in (
            "organisation__indicators",
            "lens__entries__objective__indicators",
        ):
            rows = self.filter(**{f"{path}__in": indicator_ids}).annotate(
                indicator_id=models.F(path)
            )
            for closure in rows.select_related("closed_by", "organisation", "lens"):
                found.setdefault(closure.indicator_id, []).append(closure)
        return found


class PeriodClosure(models.Model):
    """A reporting period closed for one organisation or one transversal plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "objectives.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="period_closures",
    )
    lens = models.ForeignKey(
        "objectives.Lens",
        verbose_name=_("lens"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="period_closures",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    closed_by = models.ForeignKey(
        "objectives.User",
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"))
    reopened_by = models.ForeignKey(
        "objectives.User",
        verbose_name=_("reopened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    objects = PeriodClosureQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-closed_at"]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, lens__isnull=False)
                | Q(organisation__isnull=False, lens__isnull=True),
                name="period_closure_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="period_closure_period_ordered",
            ),
            # A period is closed once at a time; reopened closures stay.
            models.UniqueConstraint(
                fields=["organisation", "period_start", "period_end"],
                condition=Q(reopened_at__isnull=True, organisation__isnull=False),
                name="period_closure_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["lens", "period_start", "period_end"],
                condition=Q(reopened_at__isnull=True, lens__isnull=False),
                name="period_closure_once_per_lens",
            ),
        ]
        indexes = [
            # The check before every status report and measurement: the
            # active closures that end on or after the period reported on.
            models.Index(
                fields=["period_end", "period_start"],
                condition=Q(reopened_at__isnull=True),
                name="period_closure_active_idx",
            ),
        ]

    def __str__(self):
        return f"{self.period} {self.owner}"

    @property
    def period(self):
        return Period(self.period_start, self.period_end)

    @property
    def owner(self):
        return self.organisation if self.organisation_id else self.lens

    @property
    def is_active(self):
        return self.reopened_at is None


class PlanValidation(models.Model):
    """A coordinator's sign-off of a transversal plan for one period: the
    plan report of that period, rendered once and kept exactly as it was."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lens = models.ForeignKey(
        "objectives.Lens",
        verbose_name=_("lens"),
        on_delete=models.PROTECT,
        related_name="validations",
    )
    closure = models.ForeignKey(
        PeriodClosure,
        verbose_name=_("closed period"),
        on_delete=models.PROTECT,
        related_name="validations",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    validated_by = models.ForeignKey(
        "objectives.User",
        verbose_name=_("validated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated at"))
    # The report is rendered in the language the coordinator validated in.
    language = models.CharField(_("language"), max_length=10, default="nl")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=validation_file_path, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-validated_at"]
        verbose_name = _("plan validation")
        verbose_name_plural = _("plan validations")
        indexes = [
            # The lens page lists the validations of one lens, newest first.
            models.Index(
                fields=["lens", "-period_start", "-validated_at"],
                name="plan_validation_lens_idx",
            ),
        ]

    def __str__(self):
        return f"{self.lens} {self.period}"

    @property
    def period(self):
        return Period(self.period_start, self.period_end)

    @property
    def can_retry(self):
        return self.status == self.Status.FAILED
