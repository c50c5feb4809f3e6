from django.urls import path

from reporting import views_reports, views_transfer

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

# Transfer: spreadsheet export and import ----------------------------------------
urlpatterns += [
    path("export/", views_transfer.transfer_export, name="transfer_export"),
    path("import/", views_transfer.transfer_import, name="transfer_import"),
    path(
        "import/apply/",
        views_transfer.transfer_import_apply,
        name="transfer_import_apply",
    ),
    path("import/<uuid:public_id>/", views_transfer.import_job, name="import_job"),
    path(
        "import/<uuid:public_id>/progress/",
        views_transfer.import_job_progress,
        name="import_job_progress",
    ),
    path(
        "import/<uuid:public_id>/apply/",
        views_transfer.import_job_apply,
        name="import_job_apply",
    ),
]
