"""Open data: pages and files for anyone, without a login.

Everything here is read from the published set (``access.published``), the
same for an anonymous visitor and a logged-in user. Files are served only on
GET, and may be read by scripts on other sites.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reporting.opendata import catalogue, files, published

TURTLE_TYPE = "text/turtle; charset=utf-8"
JSON_LD_TYPE = "application/ld+json"


def _open(response, filename=None):
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_not_required
@require_GET
def dataset_list(request):
    context = {
        "summaries": published.summaries(),
        "licence": settings.OPEN_DATA_LICENCE,
    }
    return render(request, "reporting/opendata/dataset_list.html", context)


@login_not_required
@require_GET
def dataset_json(request, dataset):
    data_set = published.data_set_named(dataset)
    header = {"dataset": data_set.slug, "title": str(data_set.title)}
    stream = files.json_stream(header, data_set.records())
    response = StreamingHttpResponse(stream, content_type=files.JSON_TYPE)
    return _open(response, f"{data_set.slug}.json")


@login_not_required
@require_GET
def dataset_csv(request, dataset):
    data_set = published.data_set_named(dataset)
    stream = files.csv_stream(data_set.columns(), data_set.records())
    response = StreamingHttpResponse(stream, content_type=files.CSV_TYPE)
    return _open(response, f"{data_set.slug}.csv")


@login_not_required
@require_GET
def component_json(request, model, public_id):
    document = published.component_document(model, public_id)
    response = HttpResponse(files.json_document(document), content_type=files.JSON_TYPE)
    return _open(response, f"{public_id}.json")


@login_not_required
@require_GET
def component_csv(request, model, public_id):
    document = published.component_document(model, public_id)
    columns = published.history_columns(model)
    lines = files.csv_stream(columns, published.history_rows(document))
    response = HttpResponse("".join(lines), content_type=files.CSV_TYPE)
    return _open(response, f"{public_id}.csv")


@login_not_required
@require_GET
def catalogue_jsonld(request):
    document = catalogue.catalogue()
    response = HttpResponse(files.json_document(document), content_type=JSON_LD_TYPE)
    return _open(response, "catalog.jsonld")


@login_not_required
@require_GET
def catalogue_turtle(request):
    document = catalogue.turtle(catalogue.catalogue())
    response = HttpResponse(document, content_type=TURTLE_TYPE)
    return _open(response, "catalog.ttl")
