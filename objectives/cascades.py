"""Cascades: objectives arranged under their organisations and parents."""

import re
from collections import defaultdict

from django.db.models import Exists, OuterRef

from objectives import access
from objectives.models import Objective


def code_key(code):
    """Sort key that puts "SD 2" before "SD 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def cascade_order(objective):
    return (objective.level != Objective.Level.STRATEGIC, code_key(objective.code))


def organisation_cascades(user, organisations):
    """For each of ``organisations``: its strategic objectives with their
    operational children, as ``user`` may see them.

    Two queries whatever the number of objectives: the objectives, and their
    organisations.
    """
    through = Objective.organisations.through
    in_organisations = through.objects.filter(
        objective_id=OuterRef("pk"), organisation__in=organisations
    )
    objectives = list(
        access.visible(user, Objective)
        .filter(Exists(in_organisations), is_archived=False)
        .select_related("lead_organisation", "legislature")
        .prefetch_related("organisations")
    )
    objectives.sort(key=cascade_order)
    children = defaultdict(list)
    for objective in objectives:
        if objective.parent_id is not None:
            children[objective.parent_id].append(objective)

    shown_ids = {objective.pk for objective in objectives}
    cascades = []
    for organisation in organisations:
        roots = [
            objective
            for objective in objectives
            if (objective.parent_id is None or objective.parent_id not in shown_ids)
            and organisation in objective.organisations.all()
        ]
        cascades.append(
            {
                "organisation": organisation,
                "branches": [
                    {"objective": root, "children": children[root.pk]} for root in roots
                ],
            }
        )
    return cascades
