"""The real organisations of the demo, placed under their policy domains."""

import csv
import datetime
from pathlib import Path

from objectives.models import Organisation

CSV_PATH = Path(__file__).resolve().parent / "data" / "organisations.csv"
ROOT = "OVO000001"

# The policy domain of each organisation, by ranges of OVO numbers (the
# registry hands numbers out domain by domain) and single exceptions.
DOMAIN_RANGES = [
    (17, 21, "OVO000002"),
    (22, 28, "OVO000003"),
    (29, 31, "OVO000004"),
    (32, 37, "OVO000005"),
    (38, 47, "OVO000006"),
    (49, 55, "OVO000007"),
    (56, 66, "OVO000008"),
    (67, 75, "OVO000009"),
    (76, 80, "OVO000010"),
    (82, 86, "OVO000011"),
    (87, 95, "OVO000012"),
    (96, 100, "OVO000013"),
    (101, 108, "OVO000014"),
    (109, 110, "OVO000007"),
    (111, 111, "OVO000012"),
    (112, 112, "OVO000013"),
    (113, 113, "OVO000004"),
    (114, 114, "OVO000003"),
    (117, 117, "OVO000007"),
    (118, 118, "OVO000013"),
    (119, 119, "OVO000007"),
    (120, 120, "OVO000008"),
    (122, 122, "OVO000013"),
    (124, 131, "OVO000003"),
    (132, 132, "OVO000009"),
    (133, 133, "OVO000004"),
    (134, 136, "OVO000003"),
    (139, 141, "OVO000004"),
    (142, 142, "OVO000006"),
    (143, 144, "OVO000004"),
    (145, 146, "OVO000012"),
    (147, 150, "OVO000011"),
    (151, 152, "OVO000012"),
    (153, 158, "OVO000007"),
    (160, 160, "OVO000008"),
    (163, 176, "OVO000009"),
]

# Organisations that carry the demo's cascades, most familiar first: the
# first two hold the demo logins.
PREFERRED_ENTITIES = [
    "OVO000096",  # Departement Mobiliteit en Openbare Werken
    "OVO000049",  # Departement Onderwijs en Vorming
    "OVO000098",  # Agentschap Wegen en Verkeer
    "OVO000056",  # Departement Zorg
    "OVO000029",  # Departement Financiën en Begroting
    "OVO000067",  # Departement Cultuur, Jeugd en Media
    "OVO000032",  # Departement Kanselarij en Buitenlandse Zaken
    "OVO000078",  # VDAB
    "OVO000089",  # Agentschap voor Natuur en Bos
    "OVO000031",  # Vlaamse Belastingdienst
]


def domain_of(ovo_number):
    number = int(ovo_number[3:])
    for first, last, domain in DOMAIN_RANGES:
        if first <= number <= last:
            return domain
    return ROOT


def kind_of(ovo_number, name):
    if ovo_number == ROOT:
        return Organisation.Kind.OTHER
    if name.startswith("Beleidsdomein"):
        return Organisation.Kind.POLICY_DOMAIN
    if name.startswith("Departement"):
        return Organisation.Kind.DEPARTMENT
    return Organisation.Kind.AGENCY


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def read_rows():
    with CSV_PATH.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def load_organisations():
    """Create or update the real organisations; returns them by OVO number."""
    rows = read_rows()
    existing = {o.ovo_number: o for o in Organisation.objects.all()}
    new = []
    for row in rows:
        if row["ovoNumber"] in existing:
            continue
        new.append(
            Organisation(
                ovo_number=row["ovoNumber"],
                name=row["name"],
                short_name=row["shortName"],
                kind=kind_of(row["ovoNumber"], row["name"]),
                valid_from=_date(row["validityStart"]),
                valid_until=_date(row["validityEnd"]),
            )
        )
    Organisation.objects.bulk_create(new)
    by_ovo = {o.ovo_number: o for o in Organisation.objects.all()}

    changed = []
    for organisation in by_ovo.values():
        if organisation.ovo_number == ROOT:
            continue
        if organisation.kind == Organisation.Kind.POLICY_DOMAIN:
            parent = by_ovo[ROOT]
        else:
            parent = by_ovo.get(domain_of(organisation.ovo_number), by_ovo[ROOT])
        if organisation.parent_id != parent.pk:
            organisation.parent = parent
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["parent"])
    return by_ovo


def demo_entities(by_ovo, count, today):
    """The ``count`` departments and agencies valid on ``today`` that carry
    the demo's cascades."""
    valid = [
        o
        for o in by_ovo.values()
        if o.kind in (Organisation.Kind.DEPARTMENT, Organisation.Kind.AGENCY)
        and o.is_valid_on(today)
    ]
    preferred = [by_ovo[ovo] for ovo in PREFERRED_ENTITIES if ovo in by_ovo]
    rest = sorted(
        (o for o in valid if o.ovo_number not in PREFERRED_ENTITIES),
        key=lambda o: o.ovo_number,
    )
    return ([o for o in preferred if o in valid] + rest)[:count]
