"""Catalog API, mounted at /api/v1/catalog/ by portal.urls."""

from django.urls import path, re_path

from . import views

app_name = "catalog_api"

urlpatterns = [
    path("items/", views.ItemListView.as_view(), name="item-list"),
    path(
        "items/<str:basic_code>/",
        views.ItemDetailView.as_view(),
        name="item-detail",
    ),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    # Last: any other path ending in "/" answers the API's JSON 404. Paths
    # without the slash still get CommonMiddleware's APPEND_SLASH redirect.
    re_path(r"^.*/$", views.not_found, name="not-found"),
]
