from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from objectives.admin import site as admin_site
from objectives.views import sign_in

urlpatterns = [
    path("", include("objectives.urls")),
    path("login/", sign_in.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "oidc/authenticate/",
        login_not_required(sign_in.SingleSignOnStartView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(sign_in.SingleSignOnCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin_site.urls),
    path("sources/", include("sources.urls")),
    path("reporting/", include("reporting.urls")),
    path("open-data/", include("reporting.urls_opendata")),
    path("api/", include("reporting.api.urls")),
]
