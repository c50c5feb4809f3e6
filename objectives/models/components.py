"""The components of a cascade and what they share."""

import uuid

from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.models.organisations import Organisation, Person


class Confidentiality(models.TextChoices):
    INTERNAL = "internal", _("internal")
    CONFIDENTIAL = "confidential", _("confidential")
    PUBLIC = "public", _("public")


class ReportingFrequency(models.TextChoices):
    YEARLY = "yearly", _("yearly")
    QUARTERLY = "quarterly", _("quarterly")
    MONTHLY = "monthly", _("monthly")


class Legislature(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("legislature")
        verbose_name_plural = _("legislatures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="legislature_dates_ordered",
            )
        ]

    def __str__(self):
        return self.name


class Component(models.Model):
    """What every component has: a code, one lead organisation among the
    organisations it belongs to, one responsible person and a confidentiality.

    The lead organisation owns the code; the component is visible in every
    organisation of ``organisations``, which always includes the lead.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(
        _("title"), max_length=300, validators=[MinLengthValidator(2)]
    )
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), related_name="%(class)ss"
    )
    responsible = models.ForeignKey(
        Person,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for_%(class)ss",
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    reporting_frequency = models.CharField(
        _("reporting frequency"),
        max_length=20,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTERLY,
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The name of the detail page, set on each concrete component.
    detail_url_name = ""

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse(self.detail_url_name, args=[self.public_id])


class Objective(Component):
    class Level(models.TextChoices):
        STRATEGIC = "strategic", _("strategic")
        OPERATIONAL = "operational", _("operational")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent objective"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    legislature = models.ForeignKey(
        Legislature,
        verbose_name=_("legislature"),
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    structure_element = models.ForeignKey(
        "objectives.StructureElement",
        verbose_name=_("structure element"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
    )
    contributes_to = models.ManyToManyField(
        "self",
        verbose_name=_("contributes to"),
        symmetrical=False,
        blank=True,
        related_name="contributions",
    )
    projects = models.ManyToManyField(
        "objectives.Project",
        verbose_name=_("projects"),
        blank=True,
        related_name="objectives",
    )
    processes = models.ManyToManyField(
        "objectives.Process",
        verbose_name=_("processes"),
        blank=True,
        related_name="objectives",
    )
    indicators = models.ManyToManyField(
        "objectives.Indicator",
        verbose_name=_("indicators"),
        blank=True,
        related_name="objectives",
    )

    detail_url_name = "objectives:objective_detail"

    class Meta(Component.Meta):
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["lead_organisation", "legislature", "code"],
                name="objective_code_unique_per_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="objective_not_own_parent"
            ),
        ]
        indexes = [
            # The cascade pages walk children of one objective.
            models.Index(fields=["parent", "code"], name="objective_cascade_idx"),
        ]


class Project(Component):
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    members = models.ManyToManyField(
        Person, verbose_name=_("members"), blank=True, related_name="projects"
    )

    detail_url_name = "objectives:project_detail"

    class Meta(Component.Meta):
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(
                fields=["lead_organisation", "code"],
                name="project_code_unique_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_dates_ordered",
            ),
        ]


class Milestone(models.Model):
    """A moment in a project plan. Its organisations and confidentiality are
    those of its project; its assignee is the person responsible for it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(
        _("title"), max_length=300, validators=[MinLengthValidator(2)]
    )
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    assignee = models.ForeignKey(
        Person,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reporting_frequency = models.CharField(
        _("reporting frequency"),
        max_length=20,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTERLY,
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["due_date", "code"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="milestone_code_unique_per_project"
            )
        ]
        indexes = [
            # "What I owe" and overdue lists look milestones up by due date.
            models.Index(fields=["due_date", "completed_on"], name="milestone_due_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("objectives:milestone_detail", args=[self.public_id])


class Process(Component):
    """Recurring work of an organisation, mirrored from the process register."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_imported = models.BooleanField(
        _("from the process register"),
        default=False,
        help_text=_("Imported processes change only through the register."),
    )

    detail_url_name = "objectives:process_detail"

    class Meta(Component.Meta):
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        constraints = [
            models.UniqueConstraint(
                fields=["lead_organisation", "code"],
                name="process_code_unique_per_organisation",
            )
        ]


class Programme(Component):
    """Bundles projects, possibly across organisations or government-wide."""

    is_government_wide = models.BooleanField(_("government-wide"), default=False)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), blank=True, related_name="programmes"
    )

    detail_url_name = "objectives:programme_detail"

    class Meta(Component.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["lead_organisation", "code"],
                name="programme_code_unique_per_organisation",
            )
        ]


class Indicator(Component):
    class Kind(models.TextChoices):
        INPUT = "input", _("input indicator")
        PROCESS = "process", _("process indicator")
        OUTPUT = "output", _("output indicator")
        EFFECT = "effect", _("effect indicator")

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "up", _("higher is better")
        LOWER_IS_BETTER = "down", _("lower is better")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=60)
    source = models.CharField(_("source"), max_length=300, blank=True)
    calculation_method = models.TextField(_("calculation method"), blank=True)
    direction = models.CharField(
        _("direction"),
        max_length=4,
        choices=Direction.choices,
        default=Direction.HIGHER_IS_BETTER,
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True
    )

    detail_url_name = "objectives:indicator_detail"

    class Meta(Component.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["lead_organisation", "code"],
                name="indicator_code_unique_per_organisation",
            )
        ]


class Target(models.Model):
    """The value an indicator should reach in one period."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"],
                name="target_one_per_period",
            )
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_start}: {self.value}"


class Measurement(models.Model):
    """A value of an indicator for one period."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        "objectives.User",
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the value was corrected after its period was closed: the
    # value it replaced (also in the change history) and why.
    value_before_correction = models.DecimalField(
        _("value before the correction"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"],
                name="measurement_one_per_period",
            )
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_start}: {self.value}"
