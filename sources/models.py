import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    ORGANISATIONS = "organisations", _("organisation registry")
    STAFF = "staff", _("HR system")
    PROCESSES = "processes", _("process register")


class SourceState(models.Model):
    """Where the next run of one source resumes, and who runs it now.

    ``locked_until`` is claimed with a conditional update, so that two runs of
    one source never overlap, on SQLite as on PostgreSQL.
    """

    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, unique=True
    )
    cursor = models.JSONField(
        _("cursor"),
        default=dict,
        help_text=_("What the next incremental run starts from."),
    )
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    locked_by = models.CharField(_("locked by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("source state")
        verbose_name_plural = _("source states")

    def __str__(self):
        return self.get_source_display()


class SyncRun(models.Model):
    """One import of one source: when, how, and what it did."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    class Mode(models.TextChoices):
        INCREMENTAL = "incremental", _("incremental")
        FULL = "full", _("full")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    mode = models.CharField(
        _("mode"), max_length=12, choices=Mode.choices, default=Mode.INCREMENTAL
    )
    location = models.CharField(
        _("read from"), max_length=500, blank=True, help_text=_("URL or file.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    read = models.PositiveIntegerField(_("documents read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    ended = models.PositiveIntegerField(_("ended"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        "objectives.User",
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        indexes = [
            # The runs page lists the newest runs of each source.
            models.Index(fields=["source", "-created_at"], name="sync_run_source_idx"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def counts(self):
        return {
            name: getattr(self, name)
            for name in ("read", "created", "updated", "ended", "unchanged", "rejected")
        }


class RejectedDocument(models.Model):
    """A document a run refused, with the reason, for people to follow up."""

    run = models.ForeignKey(
        SyncRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="rejections",
    )
    position = models.PositiveIntegerField(_("position in the feed"))
    identifier = models.CharField(_("identifier"), max_length=100, blank=True)
    reason = models.TextField(_("reason"))
    excerpt = models.TextField(_("excerpt"), blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("rejected document")
        verbose_name_plural = _("rejected documents")

    def __str__(self):
        return f"{self.identifier or self.position}: {self.reason}"
