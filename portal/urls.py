"""Portal top: the URL map. No app imports this module."""

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.routers import SimpleRouter

from portal.api.auth import TokenObtainView
from portal.api.calendar import WorkingDaysView
from portal.api.clocks import DeadlineExplainView
from portal.api.tokens import ApiTokenViewSet, LogoutView, TokenRefreshView
from portal.public import views as public_views
from portal.public.login import LoginView
from portal.public.media import catalog_file


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico where no page names an icon (JSON, PDF)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.svg")


token_router = SimpleRouter(trailing_slash=True)
token_router.register("tokens", ApiTokenViewSet, basename="api-tokens")

urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("", include("portal.public.urls")),
    path("", include("catalog.urls")),
    path("", include("applications.urls")),
    path("", include("workflow.urls")),
    path("", include("evidence.urls")),
    path("accounts/", include("applications.urls_accounts")),
    path("", include("supervision.urls")),
    path("i18n/setlang/", public_views.set_language, name="set_language"),
    # The admin signs in through the portal's login (password, then the
    # second factor); admin:login resolves here, before the admin's own view.
    path("admin/login/", LoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("media/catalog/<path:path>", catalog_file, name="catalog-file"),
    path("api/v1/auth/token/", TokenObtainView.as_view(), name="api-token"),
    path(
        "api/v1/auth/token/refresh/",
        TokenRefreshView.as_view(),
        name="api-token-refresh",
    ),
    path("api/v1/auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("api/v1/auth/", include(token_router.urls)),
    path("api/v1/catalog/", include("catalog.api.urls")),
    path(
        "api/v1/calendar/working-days/",
        WorkingDaysView.as_view(),
        name="api-calendar-working-days",
    ),
    path("api/v1/evidence/", include("evidence.api.urls")),
    path("api/v1/", include("applications.api.urls")),
    path("api/v1/", include("workflow.api.urls")),
    path("api/v1/", include("supervision.api.urls")),
    path(
        "api/v1/deadlines/<int:pk>/explain/",
        DeadlineExplainView.as_view(),
        name="api-deadline-explain",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The vendored documentation libraries need a little more than the site's
    # Content-Security-Policy allows: see CSP_*_UPDATE in portal/settings/base.py.
    path(
        "api/docs/",
        csp_update(settings.CSP_SWAGGER_UI_UPDATE)(
            SpectacularSwaggerView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_update(settings.CSP_REDOC_UPDATE)(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
]
