from django.urls import path

from reporting import views_transfer

app_name = "reporting"

urlpatterns = [
    # Transfer: spreadsheet export and import.
    path("export/", views_transfer.transfer_export, name="transfer_export"),
    path("import/", views_transfer.transfer_import, name="transfer_import"),
    path(
        "import/apply/",
        views_transfer.transfer_import_apply,
        name="transfer_import_apply",
    ),
]
