from django.urls import path

from . import views

app_name = "evidence_api"

urlpatterns = [
    path(
        "verify/<str:identifier>/",
        views.EvidenceVerifyView.as_view(),
        name="verify",
    ),
    path("keys/", views.EvidenceKeyListView.as_view(), name="keys"),
    path(
        "certificates/",
        views.EvidenceCertificateListView.as_view(),
        name="certificates",
    ),
]
