"""HTML pages of the workflow app, included at the site root by portal.urls."""

from django.urls import path

from .views import hall, head, inbox, task, timeline

app_name = "workflow"

urlpatterns = [
    # The reviewer's desk.
    path("desk/tasks/", inbox.inbox, name="inbox"),
    path("desk/tasks/<int:pk>/", task.task_page, name="task"),
    path("desk/tasks/<int:pk>/claim/", inbox.claim, name="claim"),
    path("desk/tasks/<int:pk>/release/", inbox.release, name="release"),
    path("desk/tasks/<int:pk>/decide/", task.decide, name="decide"),
    path(
        "desk/tasks/<int:pk>/supplement/",
        task.request_supplement,
        name="supplement",
    ),
    path("desk/tasks/<int:pk>/extension/", task.request_extension, name="extension"),
    path("desk/tasks/<int:pk>/comment/", task.comment, name="comment"),
    path(
        "desk/tasks/<int:pk>/procedure/",
        task.procedure_start,
        name="procedure_start",
    ),
    path(
        "desk/tasks/<int:pk>/procedure/end/",
        task.procedure_end,
        name="procedure_end",
    ),
    path(
        "desk/tasks/<int:pk>/inspections/<int:inspection_id>/finding/",
        task.record_finding,
        name="finding",
    ),
    # The department head's desk.
    path("desk/head/", head.head_desk, name="head"),
    path("desk/cards/<int:pk>/answer/", head.card_answer_view, name="card_answer"),
    path("desk/tasks/<int:pk>/reassign/", head.reassign, name="reassign"),
    path("desk/tasks/<int:pk>/consult/", head.invite_consultant, name="consult"),
    path(
        "desk/tasks/<int:pk>/inspection/",
        head.schedule_inspection,
        name="inspection",
    ),
    path(
        "desk/extensions/<int:pk>/approve/",
        head.extension_approve_view,
        name="extension_approve",
    ),
    path(
        "desk/extensions/<int:pk>/refuse/",
        head.extension_refuse_view,
        name="extension_refuse",
    ),
    # The hall passes a reviewer's supplement request on and records it.
    path("desk/supplements/", hall.supplements, name="hall_supplements"),
    path(
        "desk/supplements/<int:pk>/received/",
        hall.supplement_received,
        name="hall_supplement_received",
    ),
    # Timelines, deadlines and the decision document.
    path(
        "desk/applications/<int:pk>/timeline/",
        timeline.staff_timeline,
        name="timeline",
    ),
    path(
        "my/applications/<int:pk>/timeline/",
        timeline.my_timeline,
        name="my_timeline",
    ),
    path("deadlines/<int:pk>/", timeline.explain, name="explain"),
    path(
        "applications/<int:pk>/decision.pdf",
        timeline.decision_pdf,
        name="decision_pdf",
    ),
]
