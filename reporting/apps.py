import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        # WeasyPrint logs every step of every document it renders at INFO.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        # Registers the render task of plan validations with the workers.
        from reporting import validation  # noqa: F401
