"""The DCAT-AP catalogue of the open data: each data set with its JSON and
CSV distributions, their download addresses, media types, licence,
publisher and time of the latest change.

The catalogue is JSON-LD with its context written out, so that a reader
needs nothing from the network to interpret it; the Turtle form is the same
graph, written by rdflib.
"""

import json
import warnings

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rdflib import Graph

from reporting.opendata.published import summaries

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
LANGUAGES = ("nl", "en")
TITLE = _("Open data of Traject")
DESCRIPTION = _(
    "The public objectives, projects, milestones, processes, programmes and "
    "indicators of the government, with their status reports and measurements."
)
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/{}"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/{}"
# (format in the address, IANA media type, EU file type)
DISTRIBUTIONS = (
    ("json", "application/json", "JSON"),
    ("csv", "text/csv", "CSV"),
)


def absolute(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def translated(text):
    """``text`` in every language of the interface, as JSON-LD values."""
    values = []
    for language in LANGUAGES:
        with translation.override(language):
            values.append({"@value": str(text), "@language": language})
    return values


def moment(value):
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def _distribution(data_set, file_format, media_type, file_type, modified):
    url = absolute(f"opendata:dataset_{file_format}", data_set.slug)
    distribution = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": f"{data_set.slug}.{file_format}",
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": MEDIA_TYPE.format(media_type)},
        "dct:format": {"@id": FILE_TYPE.format(file_type)},
        "dct:license": {"@id": settings.OPEN_DATA_LICENCE},
    }
    if modified is not None:
        distribution["dct:modified"] = moment(modified)
    return distribution


def _data_set(data_set, modified, landing_page, publisher):
    entry = {
        "@id": f"{landing_page}#{data_set.slug}",
        "@type": "dcat:Dataset",
        "dct:identifier": data_set.slug,
        "dct:title": translated(data_set.title),
        "dct:description": translated(data_set.description),
        "dct:publisher": publisher,
        "dct:license": {"@id": settings.OPEN_DATA_LICENCE},
        "dcat:landingPage": {"@id": landing_page},
        "dcat:distribution": [
            _distribution(data_set, *distribution, modified)
            for distribution in DISTRIBUTIONS
        ],
    }
    if modified is not None:
        entry["dct:modified"] = moment(modified)
    return entry


def catalogue():
    """The catalogue as a JSON-LD document (a dictionary)."""
    landing_page = absolute("opendata:dataset_list")
    publisher = {
        "@id": settings.OPEN_DATA_PUBLISHER,
        "@type": "foaf:Agent",
        "foaf:name": settings.OPEN_DATA_PUBLISHER_NAME,
    }
    found = summaries()
    changes = [modified for _data_set, _count, modified in found if modified]
    document = {
        "@context": CONTEXT,
        "@id": absolute("opendata:catalogue_jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": translated(TITLE),
        "dct:description": translated(DESCRIPTION),
        "dct:publisher": publisher,
        "dct:license": {"@id": settings.OPEN_DATA_LICENCE},
        "foaf:homepage": {"@id": landing_page},
        "dcat:dataset": [
            _data_set(data_set, modified, landing_page, publisher)
            for data_set, _count, modified in found
        ],
    }
    if changes:
        document["dct:modified"] = moment(max(changes))
    return document


def turtle(document):
    """The catalogue ``document`` as Turtle."""
    graph = Graph()
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser uses a class that rdflib itself deprecates.
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(data=json.dumps(document), format="json-ld")
    for prefix, namespace in CONTEXT.items():
        graph.bind(prefix, namespace)
    return graph.serialize(format="turtle")
