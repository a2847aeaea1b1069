from django.urls import path

from . import dashboard, views

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
    path(
        "supervision/summary/",
        dashboard.SummaryView.as_view(),
        name="supervision-summary",
    ),
    path(
        "performance/monthly/",
        dashboard.PerformanceMonthlyView.as_view(),
        name="performance-monthly",
    ),
]
