"""The lenses a user may open, grouped as the lens list shows them."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import Lens, LensEntry, Objective

# The list's heading of each kind of lens.
KIND_HEADINGS = {
    Lens.Kind.COALITION_AGREEMENT: _("Coalition agreement"),
    Lens.Kind.TRANSVERSAL_PLAN: _("Transversal plans"),
    Lens.Kind.POLICY_NOTE: _("Policy notes"),
    Lens.Kind.POLICY_LETTER: _("Policy letters"),
    Lens.Kind.BUSINESS_PLAN: _("Business plans"),
    Lens.Kind.REGULATORY_AGENDA: _("Regulatory agendas"),
    Lens.Kind.OTHER: _("Other lenses"),
}


@dataclass
class LensGroup:
    """The lenses of one kind: government-wide ones, then per entity."""

    kind: str
    label: str
    government_wide: list = field(default_factory=list)
    # [(organisation, [lens, ...])], by organisation name.
    by_entity: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.government_wide) + sum(
            len(lenses) for _owner, lenses in self.by_entity
        )


def lens_catalogue(user):
    """Every current lens ``user`` may see, in one ``LensGroup`` per kind that
    has any, in the order of ``Lens.Kind``. One query; each lens carries
    ``entry_count``, the number of its objectives that ``user`` may see."""
    visible_objectives = access.visible(user, Objective).values("pk")
    objective_entries = (
        LensEntry.objects.filter(lens=OuterRef("pk"), objective__in=visible_objectives)
        .order_by()
        .values("lens")
        .annotate(number=Count("pk"))
        .values("number")
    )
    lenses = (
        access.visible(user, Lens)
        .filter(is_archived=False)
        .select_related("organisation", "legislature")
        .annotate(entry_count=Coalesce(Subquery(objective_entries), Value(0)))
    )
    groups = {kind: LensGroup(kind, label) for kind, label in KIND_HEADINGS.items()}
    per_entity = {kind: {} for kind in groups}
    for lens in lenses:
        if lens.organisation is None:
            groups[lens.kind].government_wide.append(lens)
        else:
            owner = lens.organisation
            per_entity[lens.kind].setdefault(owner.pk, (owner, []))[1].append(lens)
    for kind, group in groups.items():
        group.government_wide.sort(key=lambda lens: lens.name)
        group.by_entity = sorted(
            per_entity[kind].values(), key=lambda item: item[0].name
        )
        for _owner, lenses_of_entity in group.by_entity:
            lenses_of_entity.sort(key=lambda lens: lens.name)
    return [group for group in groups.values() if group.count]
