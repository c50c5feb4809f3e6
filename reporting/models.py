import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The integrations of the JSON API live beside it; imported here so that the
# app's models are all found in this module.
from reporting.api.models import Integration  # noqa: F401

# Reports ----------------------------------------------------------------------


def report_file_path(job, filename):
    """Where a job's file lies under MEDIA_ROOT: named by the job, whose public
    identifier is not guessable, and never served from there directly."""
    extension = filename.rpartition(".")[2]
    return f"reports/{job.created_at:%Y/%m}/{job.public_id}.{extension}"


class RequestedByQuerySet(models.QuerySet):
    def owned_by(self, user):
        """The jobs ``user`` asked for: nobody else follows, reads or
        downloads them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)


class ReportJob(models.Model):
    """A standard report that one user asked for, rendered by a worker.

    The parameters name what the report is about by public identifiers (an
    OVO number for an organisation) and, where it applies, a period label.
    The file is kept for ``REPORT_FILES_DAYS`` days after rendering.
    """

    class Kind(models.TextChoices):
        PROJECT = "project", _("project report")
        INDICATOR = "indicator", _("indicator report")
        ENTITY = "entity", _("entity report")
        LENS = "lens", _("lens report")
        PLAN = "plan", _("transversal plan report")
        SMARTLIST = "smartlist", _("smartlist")
        BUDGET = "budget", _("budget follows policy report")
        TRANSITION = "transition", _("previous and current objective structure")

    class Format(models.TextChoices):
        HTML = "html", "HTML"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # The worker renders in the language the user asked in.
    language = models.CharField(_("language"), max_length=10, default="nl")
    title = models.CharField(_("title"), max_length=400, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=report_file_path, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    objects = RequestedByQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_job_progress_max"
            )
        ]
        indexes = [
            # "My reports" lists one user's newest jobs.
            models.Index(
                fields=["requested_by", "-created_at"], name="report_job_owner_idx"
            ),
            # The purge task looks for finished jobs past their expiry.
            models.Index(fields=["status", "expires_at"], name="report_job_expiry_idx"),
        ]

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def can_retry(self):
        return self.status in (self.Status.FAILED, self.Status.EXPIRED)


# Imports ----------------------------------------------------------------------


class ImportJob(models.Model):
    """A large spreadsheet import that a worker checks, then applies.

    The uploaded file waits under a token (see ``reporting.transfer.pending``)
    until it is applied. ``result`` holds the outcome of every row of the
    latest step, as the dry-run page shows it.
    """

    class Step(models.TextChoices):
        CHECK = "check", _("check")
        APPLY = "apply", _("apply")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    kind = models.CharField(_("kind"), max_length=20)
    name = models.CharField(_("file name"), max_length=255)
    token = models.CharField(_("upload token"), max_length=40)
    row_count = models.PositiveIntegerField(_("rows"))
    language = models.CharField(_("language"), max_length=10, default="nl")
    step = models.CharField(
        _("step"), max_length=10, choices=Step.choices, default=Step.CHECK
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = RequestedByQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [
            models.Index(
                fields=["requested_by", "-created_at"], name="import_job_owner_idx"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


# Smartlists -------------------------------------------------------------------


class SmartListQuerySet(models.QuerySet):
    def owned_by(self, user):
        """The lists ``user`` made: only they edit, rename or delete them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def visible_to(self, user, organisation_ids):
        """The lists of ``user`` and those shared with one of
        ``organisation_ids`` (the organisations in which ``user`` holds an
        active role, from the access layer)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(owner=user) | models.Q(shared_with__in=organisation_ids)
        )


class SmartList(models.Model):
    """A saved list of components of one type: filters, columns and a sort.

    The definition is validated by the smartlist forms whenever it is saved
    and whenever it is opened; its rows are always read for the person who
    opens it, through the access layer, never for its owner.
    """

    class ComponentType(models.TextChoices):
        OBJECTIVE = "objective", _("objectives")
        PROJECT = "project", _("projects")
        PROCESS = "process", _("processes")
        PROGRAMME = "programme", _("programmes")
        INDICATOR = "indicator", _("indicators")
        MILESTONE = "milestone", _("milestones")

    class Direction(models.TextChoices):
        ASCENDING = "asc", _("ascending")
        DESCENDING = "desc", _("descending")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="smartlists",
    )
    name = models.CharField(_("name"), max_length=120)
    component_type = models.CharField(
        _("component type"), max_length=20, choices=ComponentType.choices
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    sort_column = models.CharField(_("sort by"), max_length=40)
    sort_direction = models.CharField(
        _("sort direction"),
        max_length=4,
        choices=Direction.choices,
        default=Direction.ASCENDING,
    )
    shared_with = models.ForeignKey(
        "objectives.Organisation",
        verbose_name=_("shared with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="smartlists",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SmartListQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("smartlist")
        verbose_name_plural = _("smartlists")
        indexes = [
            # The smartlist index shows one user's own lists by name.
            models.Index(fields=["owner", "name"], name="smartlist_owner_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_shared(self):
        return self.shared_with_id is not None

    @property
    def sort_key(self):
        """The saved sort as the list page writes it: "title" or "-title"."""
        prefix = "-" if self.sort_direction == self.Direction.DESCENDING else ""
        return f"{prefix}{self.sort_column}"
