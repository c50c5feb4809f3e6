"""The API's addresses, under /api/v1/. Authentication is the API's own (a
token), so the login that the web pages require does not apply."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from reporting.api import views

app_name = "api"


def endpoint(view_class):
    return login_not_required(view_class.as_view())


COMPONENTS = [
    ("objectives", "objective", views.ObjectiveList, views.ObjectiveDetail),
    ("projects", "project", views.ProjectList, views.ProjectDetail),
    ("milestones", "milestone", views.MilestoneList, views.MilestoneDetail),
    ("processes", "process", views.ProcessList, views.ProcessDetail),
    ("programmes", "programme", views.ProgrammeList, views.ProgrammeDetail),
    ("indicators", "indicator", views.IndicatorList, views.IndicatorDetail),
]
LINKS = [
    ("objective-projects", "objective_project", views.ObjectiveProjectLinks),
    ("objective-processes", "objective_process", views.ObjectiveProcessLinks),
    ("objective-indicators", "objective_indicator", views.ObjectiveIndicatorLinks),
    (
        "objective-contributions",
        "objective_contribution",
        views.ObjectiveContributionLinks,
    ),
    ("programme-projects", "programme_project", views.ProgrammeProjectLinks),
]

urlpatterns = [
    path("v1/schema/", endpoint(SpectacularJSONAPIView), name="schema"),
    path(
        "v1/status-reports/",
        endpoint(views.StatusReportList),
        name="status_report_list",
    ),
    path("v1/measurements/", endpoint(views.MeasurementList), name="measurement_list"),
]
for prefix, noun, list_view, detail_view in COMPONENTS:
    urlpatterns += [
        path(f"v1/{prefix}/", endpoint(list_view), name=f"{noun}_list"),
        path(
            f"v1/{prefix}/<uuid:public_id>/",
            endpoint(detail_view),
            name=f"{noun}_detail",
        ),
    ]
for prefix, noun, link_view in LINKS:
    urlpatterns.append(
        path(f"v1/links/{prefix}/", endpoint(link_view), name=f"{noun}_link_list")
    )
