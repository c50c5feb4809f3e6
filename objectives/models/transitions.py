"""The passage of an organisation's objectives from one legislature to the
next: which new objective continues which old one."""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from objectives.models.components import Legislature, Objective
from objectives.models.organisations import Organisation


class LegislatureTransition(models.Model):
    """An organisation maps its objective structure of one legislature onto
    that of the next. While it is a draft, its successions change freely;
    applying it makes the projects, processes and indicators follow their
    objectives, and it changes no more."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPLIED = "applied", _("applied")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="legislature_transitions",
    )
    previous_legislature = models.ForeignKey(
        Legislature,
        verbose_name=_("previous legislature"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    next_legislature = models.ForeignKey(
        Legislature,
        verbose_name=_("next legislature"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opened_by = models.ForeignKey(
        "objectives.User",
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_by = models.ForeignKey(
        "objectives.User",
        verbose_name=_("applied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["organisation", "-created_at"]
        verbose_name = _("legislature transition")
        verbose_name_plural = _("legislature transitions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "previous_legislature"],
                name="transition_one_per_legislature",
            ),
            models.CheckConstraint(
                condition=~Q(previous_legislature=models.F("next_legislature")),
                name="transition_between_two_legislatures",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", applied_at__isnull=True)
                | Q(status="applied", applied_at__isnull=False),
                name="transition_applied_when_dated",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.name}: {self.previous_legislature} → " + str(
            self.next_legislature
        )

    def get_absolute_url(self):
        # The matrix: every member of the organisation reads it.
        return reverse("objectives:transition_matrix", args=[self.public_id])

    @property
    def is_applied(self):
        return self.status == self.Status.APPLIED


class ObjectiveSuccession(models.Model):
    """One line of a transition: an old objective and one of its
    successors, or an old objective that ends, or a new objective that
    continues none.

    Kept is one old to one new, merged several old to one new, split one
    old to several new: the actions in ``objectives.transition_actions``
    keep those rules across the lines of a transition.
    """

    class Kind(models.TextChoices):
        KEPT = "kept", _("kept")
        MERGED = "merged", _("merged")
        SPLIT = "split", _("split")
        ENDED = "ended", _("ended")
        NEW = "new", _("new")

    # The kinds that lead from an old objective to a new one.
    CONTINUING = (Kind.KEPT, Kind.MERGED, Kind.SPLIT)

    transition = models.ForeignKey(
        LegislatureTransition,
        verbose_name=_("transition"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    previous_objective = models.ForeignKey(
        Objective,
        verbose_name=_("previous objective"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successions_as_previous",
    )
    next_objective = models.ForeignKey(
        Objective,
        verbose_name=_("next objective"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successions_as_next",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["transition", "pk"]
        verbose_name = _("objective succession")
        verbose_name_plural = _("objective successions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["kept", "merged", "split"],
                        previous_objective__isnull=False,
                        next_objective__isnull=False,
                    )
                    | Q(
                        kind="ended",
                        previous_objective__isnull=False,
                        next_objective__isnull=True,
                    )
                    | Q(
                        kind="new",
                        previous_objective__isnull=True,
                        next_objective__isnull=False,
                    )
                ),
                name="succession_ends_match_kind",
            ),
            models.UniqueConstraint(
                fields=["transition", "previous_objective", "next_objective"],
                name="succession_unique_pair",
            ),
        ]

    def __str__(self):
        return f"{self.previous_objective or '—'} → {self.next_objective or '—'}"
