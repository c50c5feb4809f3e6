from django.contrib.contenttypes.models import ContentType
from django.db import models
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
