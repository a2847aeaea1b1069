"""Workflow API, mounted at /api/v1/ by portal.urls."""

from django.urls import path

from . import views

app_name = "workflow_api"

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/claim/", views.TaskClaimView.as_view(), name="task-claim"),
    path(
        "tasks/<int:pk>/release/", views.TaskReleaseView.as_view(), name="task-release"
    ),
    path("tasks/<int:pk>/decide/", views.TaskDecideView.as_view(), name="task-decide"),
    path(
        "tasks/<int:pk>/request-supplement/",
        views.TaskRequestSupplementView.as_view(),
        name="task-request-supplement",
    ),
    path(
        "tasks/<int:pk>/extension/",
        views.TaskExtensionRequestView.as_view(),
        name="task-extension",
    ),
    path(
        "tasks/<int:pk>/extension/<int:ext_id>/approve/",
        views.TaskExtensionApproveView.as_view(),
        name="task-extension-approve",
    ),
    path(
        "tasks/<int:pk>/reassign/",
        views.TaskReassignView.as_view(),
        name="task-reassign",
    ),
    path(
        "applications/<int:pk>/timeline/",
        views.ApplicationTimelineView.as_view(),
        name="application-timeline",
    ),
]
