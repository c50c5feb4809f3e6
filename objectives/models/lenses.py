import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from objectives.models.components import Legislature
from objectives.models.organisations import Organisation, Person


class Lens(models.Model):
    """A named, ordered and numbered view on objectives."""

    class Kind(models.TextChoices):
        COALITION_AGREEMENT = "coalition_agreement", _("coalition agreement")
        TRANSVERSAL_PLAN = "transversal_plan", _("transversal plan")
        POLICY_NOTE = "policy_note", _("policy note")
        POLICY_LETTER = "policy_letter", _("policy letter")
        BUSINESS_PLAN = "business_plan", _("business plan")
        REGULATORY_AGENDA = "regulatory_agenda", _("regulatory agenda")
        OTHER = "other", _("other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lenses",
        help_text=_("Empty for a government-wide lens."),
    )
    legislature = models.ForeignKey(
        Legislature,
        verbose_name=_("legislature"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lenses",
    )
    coordinators = models.ManyToManyField(
        Person,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_lenses",
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lens")
        verbose_name_plural = _("lenses")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("objectives:lens_detail", args=[self.public_id])

    @property
    def is_government_wide(self):
        return self.organisation_id is None

    def numbered_entries(self):
        """Every entry in reading order as (number, depth, entry): "4", "4.1".

        One query; the numbers follow the positions, so renumbering a lens is
        a matter of moving entries.
        """
        children = {}
        for entry in self.entries.select_related("objective").order_by("position"):
            children.setdefault(entry.parent_id, []).append(entry)
        numbered = []

        def walk(parent_id, prefix, depth):
            for index, entry in enumerate(children.get(parent_id, []), start=1):
                number = f"{prefix}{index}"
                numbered.append((number, depth, entry))
                walk(entry.pk, f"{number}.", depth + 1)

        walk(None, "", 0)
        return numbered


class LensEntry(models.Model):
    """A heading or a reference to an objective, at a position in a lens.

    Entries nest under headings; an entry's number ("4.1") is the path of its
    positions from the top of the lens.
    """

    lens = models.ForeignKey(
        Lens, verbose_name=_("lens"), on_delete=models.CASCADE, related_name="entries"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"))
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    objective = models.ForeignKey(
        "objectives.Objective",
        verbose_name=_("objective"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lens_entries",
    )

    class Meta:
        ordering = ["lens", "parent_id", "position"]
        verbose_name = _("lens entry")
        verbose_name_plural = _("lens entries")
        constraints = [
            models.CheckConstraint(
                condition=(Q(heading="") & Q(objective__isnull=False))
                | (~Q(heading="") & Q(objective__isnull=True)),
                name="lens_entry_heading_or_objective",
            ),
            models.UniqueConstraint(
                fields=["lens", "parent", "position"],
                name="lens_entry_unique_position",
            ),
            # An empty parent never equals another, so the top level needs
            # its own rule.
            models.UniqueConstraint(
                fields=["lens", "position"],
                condition=Q(parent__isnull=True),
                name="lens_entry_unique_top_position",
            ),
        ]
        indexes = [
            # A lens page reads all its entries in order.
            models.Index(fields=["lens", "position"], name="lens_entry_order_idx"),
        ]

    def __str__(self):
        return self.heading or str(self.objective)
