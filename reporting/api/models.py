"""Integrations: the other systems that read Traject, and write measurements,
through the JSON API."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A token reads "trj_" and 43 random characters; its first
# TOKEN_PREFIX_LENGTH characters stay visible to tell tokens apart.
TOKEN_MARK = "trj_"
TOKEN_PREFIX_LENGTH = 12


def new_token():
    return TOKEN_MARK + secrets.token_urlsafe(32)


def hash_token(token):
    """The stored form of a token. Tokens are long and random, so a plain
    SHA-256 suffices: no dictionary or brute force finds one from its hash."""
    return hashlib.sha256(token.encode()).hexdigest()


class IntegrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Integration(models.Model):
    """A system that calls the API with a token, acting as one user account:
    it sees and may do exactly what that account sees and may do.

    Only the token's hash is kept; the token itself is shown once, when the
    integration is created.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.PROTECT,
        related_name="integrations",
    )
    token_prefix = models.CharField(_("token prefix"), max_length=TOKEN_PREFIX_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = IntegrationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self):
        return self.name

    @property
    def is_revoked(self):
        return self.revoked_at is not None
