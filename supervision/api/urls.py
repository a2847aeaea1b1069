from django.urls import path

from . import orders, views

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
    path("supervision/cards/", orders.CardBoardView.as_view(), name="card-board"),
    path(
        "supervision/orders/",
        orders.OrderListCreateView.as_view(),
        name="order-list",
    ),
    path(
        "supervision/orders/<int:pk>/",
        orders.OrderDetailView.as_view(),
        name="order-detail",
    ),
    path(
        "supervision/orders/<int:pk>/answer/",
        orders.OrderAnswerView.as_view(),
        name="order-answer",
    ),
]
