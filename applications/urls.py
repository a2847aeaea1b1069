"""HTML pages of the applications app, included at the site root."""

from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("apply/<str:code>/", views.apply_start, name="apply"),
    path("my/applications/", views.my_list, name="my_list"),
    path("my/applications/<int:pk>/", views.my_detail, name="my_detail"),
    path("my/applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("my/applications/<int:pk>/form/", views.apply_form, name="apply_form"),
    path(
        "my/applications/<int:pk>/materials/",
        views.apply_materials,
        name="apply_materials",
    ),
    path(
        "my/applications/<int:pk>/materials/<int:material_id>/",
        views.provide_material,
        name="provide_material",
    ),
    path(
        "my/applications/<int:pk>/files/<int:file_id>/delete/",
        views.remove_file,
        name="remove_file",
    ),
    path("my/applications/<int:pk>/review/", views.review, name="review"),
    path("my/applications/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("files/<int:pk>/", views.file_view, name="file"),
]
