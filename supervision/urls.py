from django.urls import path

from .views import orders, public, staff

app_name = "supervision"

urlpatterns = [
    path("ratings/application/<int:pk>/", public.rate, name="rate"),
    path("ratings/kiosk/", public.kiosk_start, name="kiosk_start"),
    path("ratings/kiosk/<int:pk>/", public.kiosk_rate, name="kiosk_rate"),
    path("complaints/new/", public.complaint_new, name="complaint_new"),
    path("complaints/track/", public.complaint_track_page, name="complaint_track"),
    path(
        "oversight/rectifications/", staff.rectification_list, name="rectification_list"
    ),
    path(
        "oversight/rectifications/<int:pk>/",
        staff.rectification_detail,
        name="rectification_detail",
    ),
    path(
        "oversight/rectifications/<int:pk>/<slug:action>/",
        staff.rectification_act,
        name="rectification_act",
    ),
    path("oversight/appeals/", staff.appeal_list, name="appeal_list"),
    path(
        "oversight/appeals/<int:pk>/decide/",
        staff.appeal_decide_view,
        name="appeal_decide",
    ),
    path("oversight/complaints/", staff.complaint_list, name="complaint_list"),
    path(
        "oversight/complaints/<int:pk>/",
        staff.complaint_detail,
        name="complaint_detail",
    ),
    path(
        "oversight/complaints/<int:pk>/<slug:action>/",
        staff.complaint_act,
        name="complaint_act",
    ),
    path("oversight/cards/", orders.card_board, name="card_board"),
    path("oversight/orders/", orders.order_list, name="order_list"),
    path("oversight/orders/new/", orders.order_new, name="order_new"),
    path("oversight/orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path(
        "oversight/orders/<int:pk>/<slug:action>/",
        orders.order_act,
        name="order_act",
    ),
    path("desk/orders/", orders.order_inbox, name="order_inbox"),
]
