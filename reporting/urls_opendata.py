"""Open data at ``/open-data/``: stable addresses, served without a login."""

from django.urls import path

# Registers the ``component`` converter (a component type's URL prefix).
import objectives.urls  # noqa: F401
from reporting import views_opendata

app_name = "opendata"

urlpatterns = [
    path("", views_opendata.dataset_list, name="dataset_list"),
    path("catalog.jsonld", views_opendata.catalogue_jsonld, name="catalogue_jsonld"),
    path("catalog.ttl", views_opendata.catalogue_turtle, name="catalogue_turtle"),
    path(
        "datasets/<slug:dataset>.json",
        views_opendata.dataset_json,
        name="dataset_json",
    ),
    path("datasets/<slug:dataset>.csv", views_opendata.dataset_csv, name="dataset_csv"),
    path(
        "<component:model>/<uuid:public_id>.json",
        views_opendata.component_json,
        name="component_json",
    ),
    path(
        "<component:model>/<uuid:public_id>.csv",
        views_opendata.component_csv,
        name="component_csv",
    ),
]
