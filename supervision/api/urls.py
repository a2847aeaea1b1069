from django.urls import path

from . import views

app_name = "supervision_api"

urlpatterns = [
    path(
        "applications/<int:pk>/rating/",
        views.ApplicationRatingView.as_view(),
        name="application-rating",
    ),
    path("complaints/", views.ComplaintCreateView.as_view(), name="complaint-create"),
    path(
        "complaints/<str:number>/",
        views.ComplaintTrackView.as_view(),
        name="complaint-track",
    ),
]
