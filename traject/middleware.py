from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from traject import security

# Session keys: when the session logged in, and when its idle deadline was
# last renewed (POSIX timestamps).
LOGGED_IN_AT = "traject_logged_in_at"
RENEWED_AT = "traject_renewed_at"


class ChosenLanguageMiddleware:
    """Dutch unless the user chose another language with the switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not
    consulted: the government's interface language is Dutch, and English is
    there for those who ask for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


def start_session_clock(sender, request, **kwargs):
    """Note the time of the login in the session (on ``user_logged_in``)."""
    now = timezone.now().timestamp()
    request.session[LOGGED_IN_AT] = request.session[RENEWED_AT] = now


class SessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_AGE seconds after its login, however
    busy, and keeps an active one alive.

    Django ends a session SESSION_COOKIE_AGE seconds after it was last saved;
    this renews that idle deadline when a logged-in request comes at least
    SESSION_RENEW_SECONDS after the last renewal, which keeps the idle limit
    to within that margin without a write on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = timezone.now().timestamp()
            logged_in_at = session.get(LOGGED_IN_AT)
            if logged_in_at is None:
                # A session from before this middleware: its clock starts now.
                start_session_clock(None, request)
            elif now - logged_in_at > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.info(
                    request,
                    _("Your session has ended: please log in again."),
                )
            elif now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_AT] = now
        return self.get_response(request)


class AccessRefusalMiddleware:
    """Writes an ``AccessRefusal`` when a view refuses an action (403) or the
    access layer answers 404 for a component that exists but is invisible to
    the user. Requests that are served cost nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        record_refusal(request, exception)
        return None


def record_refusal(request, exception):
    """Write an ``AccessRefusal`` for ``exception`` when it is a refusal: a
    403, or a 404 that the access layer marked as a component that exists.
    Other exceptions are left alone."""
    from objectives.models import AccessRefusal

    if isinstance(exception, PermissionDenied):
        status = 403
    elif isinstance(exception, Http404) and getattr(exception, "component_type", ""):
        status = 404
    else:
        return
    user = getattr(request, "user", None)
    AccessRefusal.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        path=request.get_full_path()[: AccessRefusal.PATH_LENGTH],
        method=request.method[:10],
        status=status,
        component_type=getattr(exception, "component_type", ""),
        component_id=getattr(exception, "component_id", ""),
        ip_address=security.client_ip(request),
        user_agent=security.user_agent(request),
    )
