from django.urls import path

from . import views, views_desk

app_name = "evidence"

urlpatterns = [
    path("evidence/verify/", views.verify, name="verify-form"),
    path("evidence/verify/<str:identifier>/", views.verify, name="verify"),
    path("my/certificates/", views.wallet, name="wallet"),
    path(
        "my/certificates/<str:identifier>/", views.wallet_detail, name="wallet-detail"
    ),
    path(
        "my/certificates/<str:identifier>/pdf/",
        views.wallet_download,
        name="wallet-download",
    ),
    path("desk/certificates/", views_desk.desk, name="desk"),
    path("desk/certificates/keys/", views_desk.desk_keys, name="desk-keys"),
    path(
        "desk/certificates/<str:identifier>/",
        views_desk.desk_detail,
        name="desk-detail",
    ),
    path(
        "desk/certificates/<str:identifier>/revoke/",
        views_desk.desk_revoke,
        name="desk-revoke",
    ),
]
