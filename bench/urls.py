"""The site's URLs plus the benchmark floor."""

from django.urls import path

from portal.urls import urlpatterns as site

from .views import FloorView

urlpatterns = [
    path("api/v1/bench/floor/", FloorView.as_view(), name="bench-floor"),
    *site,
]
