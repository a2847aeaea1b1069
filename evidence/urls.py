from django.urls import path

from . import views

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
]
