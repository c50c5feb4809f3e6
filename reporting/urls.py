from django.urls import path

from reporting import views_reports

app_name = "reporting"

urlpatterns = []

# Standard reports ---------------------------------------------------------------
urlpatterns += [
    path("reports/", views_reports.report_list, name="report_list"),
    path("reports/new/", views_reports.report_new, name="report_new"),
    path(
        "reports/<uuid:public_id>/", views_reports.report_detail, name="report_detail"
    ),
    path(
        "reports/<uuid:public_id>/progress/",
        views_reports.report_progress,
        name="report_progress",
    ),
    path(
        "reports/<uuid:public_id>/download/",
        views_reports.report_download,
        name="report_download",
    ),
    path(
        "reports/<uuid:public_id>/retry/",
        views_reports.report_retry,
        name="report_retry",
    ),
]
