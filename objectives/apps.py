from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = _("Objectives")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from traject.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="session-clock")
