"""Applications API, mounted at /api/v1/ by portal.urls."""

from django.urls import path

from . import certificates, views

app_name = "applications_api"

urlpatterns = [
    path(
        "applications/",
        views.ApplicationListCreateView.as_view(),
        name="application-list",
    ),
    path(
        "applications/<int:pk>/",
        views.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<int:pk>/materials/",
        views.ApplicationMaterialView.as_view(),
        name="application-materials",
    ),
    path(
        "applications/<int:pk>/submit/",
        views.ApplicationSubmitView.as_view(),
        name="application-submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.ApplicationWithdrawView.as_view(),
        name="application-withdraw",
    ),
    path(
        "applications/<int:pk>/accept/",
        views.ApplicationAcceptView.as_view(),
        name="application-accept",
    ),
    path(
        "applications/<int:pk>/notify-supplement/",
        views.ApplicationNotifySupplementView.as_view(),
        name="application-notify-supplement",
    ),
    path(
        "applications/<int:pk>/refuse/",
        views.ApplicationRefuseView.as_view(),
        name="application-refuse",
    ),
    path(
        "applications/<int:pk>/certificate-offers/",
        certificates.ApplicationCertificateOffersView.as_view(),
        name="application-certificate-offers",
    ),
    path(
        "applications/<int:pk>/materials/<int:material_id>/certificate-consent/withdraw/",
        certificates.ApplicationCertificateConsentWithdrawView.as_view(),
        name="application-certificate-consent-withdraw",
    ),
    # Under /api/v1/evidence/ with evidence's own endpoints: it lists file views
    # too, which only applications knows (portal.urls tries evidence's first).
    path(
        "evidence/access-log/",
        certificates.ApplicationAccessLogView.as_view(),
        name="evidence-access-log",
    ),
    path("track/<str:number>/", views.TrackView.as_view(), name="track"),
]
