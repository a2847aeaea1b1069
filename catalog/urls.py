"""Public catalog pages (HTML). The read-only API lives in catalog/api/urls.py."""

from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/<str:basic_code>/", views.item_detail, name="item_detail"),
    path("items/<str:basic_code>/apply/", views.item_apply, name="item_apply"),
    path("items/<str:basic_code>/print/", views.item_print, name="item_print"),
    path("items/<str:basic_code>/guide.pdf", views.item_pdf, name="item_pdf"),
    path("departments/", views.department_list, name="department_list"),
    path(
        "departments/<str:credit_code>/",
        views.department_detail,
        name="department_detail",
    ),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<str:code>/", views.theme_detail, name="theme_detail"),
    path("types/", views.type_list, name="type_list"),
    path("types/<str:code>/", views.type_detail, name="type_detail"),
    path("intermediaries/", views.intermediary_list, name="intermediary_list"),
]
