"""Documents of the organisation registry for the importer's tests: the real
samples, and generated ones in the registry's full serialisation."""

import copy
import uuid
from pathlib import Path

from django.conf import settings

from sources.streaming import iter_json_array

EXPORT_SLICE = "or-powerbi-stream-OVO000001-OVO000008.txt"
WINGENE = "or-search-keys-wingene-OVO002277.json"
AALST = "or-search-aalst-OVO001992.redacted.json"
SAMPLES = (EXPORT_SLICE, WINGENE, AALST)

SHARED = settings.BASE_DIR.parent / "shared" / "fixtures" / "real"
COPIES = Path(__file__).resolve().parent / "fixtures"

ROOT_ID = "b078dfb1-4a17-4bfe-9342-1adf516c7587"
NAMESPACE = uuid.UUID("6f1f7c0e-3a57-4d0a-9a43-1b7b51a0c001")


def sample_path(name):
    """The shared original when it is there, else the copy of the tests."""
    shared = SHARED / name
    return shared if shared.is_file() else COPIES / name


def read_sample(name):
    with sample_path(name).open(encoding="utf-8") as stream:
        return list(iter_json_array(stream))


def registry_id(ovo_number):
    return str(uuid.uuid5(NAMESPACE, ovo_number))


def period(start=None, end=None):
    return {"start": start, "end": end}


def make_document(
    number,
    *,
    name=None,
    short_name="",
    change_id=None,
    start="2020-01-01",
    end=None,
    entity_form=None,
    parent=None,
    **fields,
):
    """A registry document in the full serialisation (nulls and empty values
    kept), with a stable GUID derived from its OVO number. ``parent`` is the
    parent's OVO number or its GUID."""
    ovo_number = f"OVO{number:06d}"
    document = {
        "changeId": change_id if change_id is not None else 2_000_000 + number,
        "changeTime": "2025-01-01",
        "id": registry_id(ovo_number),
        "name": name if name is not None else f"Organisatie {number}",
        "ovoNumber": ovo_number,
        "shortName": short_name,
        "article": None,
        "validity": period(start, end),
        "operationalValidity": period(),
        "description": "",
        "kboNumber": "",
        "organisationClassifications": [],
        "parents": [],
        "bankAccounts": [],
    }
    if entity_form is not None:
        document["organisationClassifications"].append(
            {
                "organisationOrganisationClassificationId": str(uuid.uuid4()),
                "organisationClassificationTypeId": (
                    "3acb6b2f-4959-459d-a512-48721235a7db"
                ),
                "organisationClassificationTypeName": "Entiteitsvorm",
                "organisationClassificationId": str(uuid.uuid4()),
                "organisationClassificationName": entity_form,
                "validity": period(start),
            }
        )
    if parent is not None:
        parent_id = registry_id(parent) if parent.startswith("OVO") else parent
        document["parents"].append(
            {
                "organisationOrganisationParentId": str(uuid.uuid4()),
                "parentOrganisationId": parent_id,
                "parentOrganisationName": "",
                "validity": period(),
            }
        )
    document.update(fields)
    return document


def changed(document, **fields):
    """A copy of ``document`` with ``fields`` replaced."""
    return {**copy.deepcopy(document), **fields}
