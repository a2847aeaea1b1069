"""Portal top: the URL map. No app imports this module."""

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from portal.api.auth import TokenObtainView
from portal.public.media import catalog_file

urlpatterns = [
    path("", include("portal.public.urls")),
    path("", include("catalog.urls")),
    path("", include("applications.urls")),
    path("accounts/", include("applications.urls_accounts")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("media/catalog/<path:path>", catalog_file, name="catalog-file"),
    path("api/v1/auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("api/v1/catalog/", include("catalog.api.urls")),
    path("api/v1/", include("applications.api.urls")),
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

if settings.BENCH_ENDPOINTS:
    from portal.api.bench import FloorView

    urlpatterns += [
        path("api/v1/bench/floor/", FloorView.as_view(), name="bench-floor")
    ]
