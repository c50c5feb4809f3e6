from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Change(models.Model):
    """One change to one record: who, when, and each field's old and new value.

    Written by the actions layer in the transaction of the change itself.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        ARCHIVED = "archived", _("archived")
        RESTORED = "restored", _("restored")
        LINKED = "linked", _("linked")
        UNLINKED = "unlinked", _("unlinked")
        DELETED = "deleted", _("deleted")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    changes = models.JSONField(
        _("changes"),
        default=dict,
        help_text=_("Per field: [old value, new value]."),
    )
    actor = models.ForeignKey(
        "objectives.User",
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            # The change history on each detail page.
            models.Index(
                fields=["content_type", "object_id", "-created_at"],
                name="change_record_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.content_type.model} {self.object_id}"


class AccessRefusal(models.Model):
    """One refused request: a forbidden action (403), or a component that
    exists but that the user may not see (404). Kept for a year."""

    PATH_LENGTH = 500

    user = models.ForeignKey(
        "objectives.User",
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    path = models.CharField(_("path"), max_length=PATH_LENGTH)
    method = models.CharField(_("method"), max_length=10)
    status = models.PositiveSmallIntegerField(_("status"))
    component_type = models.CharField(_("component type"), max_length=30, blank=True)
    component_id = models.CharField(_("component id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("refused access")
        verbose_name_plural = _("refused accesses")
        indexes = [
            models.Index(fields=["-at", "-id"], name="refusal_recent_idx"),
            models.Index(fields=["user", "-at", "-id"], name="refusal_user_idx"),
        ]

    def __str__(self):
        return f"{self.status} {self.method} {self.path}"
