"""HTML pages of the applications app, included at the site root."""

from django.urls import path

from .views import agent as views_agent
from .views import certificates as certificate_views
from .views import consent as views_consent
from .views import counter as views_counter
from .views import counter_intake
from .views import online as views

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
    path("my/access-log/", certificate_views.access_log, name="access_log"),
    path(
        "staff/certificates/<str:identifier>/",
        certificate_views.staff_certificate,
        name="staff_certificate",
    ),
    path(
        "my/applications/<int:pk>/materials/<int:material_id>/consent/withdraw/",
        certificate_views.certificate_consent_withdraw,
        name="certificate_consent_withdraw",
    ),
    path(
        "my/applications/<int:pk>/files/<int:file_id>/delete/",
        views.remove_file,
        name="remove_file",
    ),
    path("my/applications/<int:pk>/review/", views.review, name="review"),
    path("my/applications/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("files/<int:pk>/", views.file_view, name="file"),
    # The hall clerk's desk: acceptance queue, review, counter intake, documents.
    path("counter/", views_counter.queue, name="counter_queue"),
    path("counter/hall/", views_counter.hall, name="counter_hall"),
    path(
        "counter/applications/<int:pk>/",
        views_counter.review,
        name="counter_review",
    ),
    path(
        "counter/applications/<int:pk>/reveal/",
        views_counter.reveal_form_id_number,
        name="counter_reveal",
    ),
    path(
        "counter/applications/<int:pk>/accept/",
        views_counter.accept,
        name="counter_accept",
    ),
    path(
        "counter/applications/<int:pk>/notice/",
        views_counter.notify_supplement,
        name="counter_notify",
    ),
    path(
        "counter/applications/<int:pk>/refuse/",
        views_counter.refuse,
        name="counter_refuse",
    ),
    path(
        "counter/applications/<int:pk>/receipt.pdf",
        views_counter.receipt_pdf,
        name="counter_receipt",
    ),
    path(
        "counter/applications/<int:pk>/notice.pdf",
        views_counter.notice_pdf,
        name="counter_notice",
    ),
    path(
        "counter/applications/<int:pk>/refusal.pdf",
        views_counter.refusal_pdf,
        name="counter_refusal",
    ),
    path(
        "counter/authorizations/new/",
        views_consent.counter_paper,
        name="counter_authorization_new",
    ),
    path("counter/intake/", counter_intake.intake, name="counter_find"),
    path("counter/intake/items/", counter_intake.counter_items, name="counter_items"),
    path(
        "counter/intake/language/",
        counter_intake.counter_language,
        name="counter_language",
    ),
    path(
        "counter/intake/new/<str:code>/",
        counter_intake.counter_start,
        name="counter_start",
    ),
    path(
        "counter/intake/<int:pk>/form/",
        counter_intake.counter_form,
        name="counter_form",
    ),
    path(
        "counter/intake/<int:pk>/materials/",
        counter_intake.counter_materials,
        name="counter_materials",
    ),
    path(
        "counter/intake/<int:pk>/materials/<int:material_id>/",
        counter_intake.counter_provide,
        name="counter_provide",
    ),
    path(
        "counter/intake/<int:pk>/files/<int:file_id>/delete/",
        counter_intake.counter_remove_file,
        name="counter_remove_file",
    ),
    path(
        "counter/intake/<int:pk>/submit/",
        counter_intake.counter_submit,
        name="counter_submit",
    ),
    # The township agent's desk (代办).
    path("agent/", views_agent.home, name="agent_home"),
    path("agent/new/", views_agent.find, name="agent_find"),
    path("agent/new/items/", views_agent.items, name="agent_items"),
    path("agent/new/language/", views_agent.language, name="agent_language"),
    path("agent/new/<str:code>/", views_agent.start, name="agent_start"),
    path("agent/applications/<int:pk>/", views_agent.detail, name="agent_detail"),
    path("agent/applications/<int:pk>/form/", views_agent.form, name="agent_form"),
    path(
        "agent/applications/<int:pk>/materials/",
        views_agent.materials,
        name="agent_materials",
    ),
    path(
        "agent/applications/<int:pk>/materials/<int:material_id>/",
        views_agent.provide,
        name="agent_provide",
    ),
    path(
        "agent/applications/<int:pk>/files/<int:file_id>/delete/",
        views_agent.remove_file,
        name="agent_remove_file",
    ),
    path(
        "agent/applications/<int:pk>/submit/",
        views_agent.submit,
        name="agent_submit",
    ),
]
