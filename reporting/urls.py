from django.urls import path

from reporting import (
    views_budget,
    views_integrations,
    views_reports,
    views_smartlists,
    views_transfer,
    views_validation,
)

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

# Budget follows policy, per policy domain and budget year -----------------------
urlpatterns += [
    path("budget/<str:ovo_number>/", views_budget.budget_report, name="budget_report"),
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

# Smartlists ---------------------------------------------------------------------
urlpatterns += [
    path("smartlists/", views_smartlists.smartlist_list, name="smartlist_list"),
    path("smartlists/new/", views_smartlists.smartlist_new, name="smartlist_new"),
    path(
        "smartlists/preview/",
        views_smartlists.smartlist_preview,
        name="smartlist_preview",
    ),
    path(
        "smartlists/<uuid:public_id>/",
        views_smartlists.smartlist_detail,
        name="smartlist_detail",
    ),
    path(
        "smartlists/<uuid:public_id>/edit/",
        views_smartlists.smartlist_edit,
        name="smartlist_edit",
    ),
    path(
        "smartlists/<uuid:public_id>/delete/",
        views_smartlists.smartlist_delete,
        name="smartlist_delete",
    ),
    path(
        "smartlists/<uuid:public_id>/sort/",
        views_smartlists.smartlist_save_sort,
        name="smartlist_save_sort",
    ),
    path(
        "smartlists/<uuid:public_id>/export/",
        views_smartlists.smartlist_export,
        name="smartlist_export",
    ),
]

# Validated transversal plans --------------------------------------------------
urlpatterns += [
    path(
        "plans/<uuid:public_id>/validate/",
        views_validation.plan_validate,
        name="plan_validate",
    ),
    path(
        "plans/<uuid:public_id>/validations/<uuid:validation_id>/download/",
        views_validation.validation_download,
        name="validation_download",
    ),
    path(
        "plans/<uuid:public_id>/validations/<uuid:validation_id>/retry/",
        views_validation.validation_retry,
        name="validation_retry",
    ),
]

# Integrations of the JSON API (global administrators) -------------------------
urlpatterns += [
    path(
        "api-integrations/",
        views_integrations.integration_list,
        name="integration_list",
    ),
    path(
        "api-integrations/new/",
        views_integrations.integration_new,
        name="integration_new",
    ),
    path(
        "api-integrations/<uuid:public_id>/revoke/",
        views_integrations.integration_revoke,
        name="integration_revoke",
    ),
]
