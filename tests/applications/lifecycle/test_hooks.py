"""The seams later apps use: lifecycle hooks and visibility rules, as documented."""

import pytest
from django.db.models import Q
from rest_framework.test import APIClient

from applications import constants as c
from applications import hooks
from applications.models import Application, StatusChange
from applications.services.withdrawal import application_withdraw
from portal.errors import ServiceError
from tests.factories import UserFactory

from .helpers import in_review

pytestmark = pytest.mark.django_db

S = c.ApplicationStatus


@pytest.fixture
def withdrawn_events(monkeypatch):
    events: list[hooks.WithdrawnAfterAcceptance] = []
    monkeypatch.setattr(
        hooks.on_withdrawn_after_acceptance, "_handlers", [events.append]
    )
    return events


# --- withdrawal of an accepted application -------------------------------------------


@pytest.mark.parametrize("stage", ["accepted", "in_review"])
def test_withdrawing_an_accepted_application_tells_later_apps(
    make, applicant, reviewer, withdrawn_events, stage
):
    app = make(accepted=True)
    if stage == "in_review":
        app = in_review(app, reviewer)
    from_status = app.status

    application_withdraw(application=app, user=applicant, reason="不再需要")

    [event] = withdrawn_events
    assert event.application.pk == app.pk
    assert event.application.status == S.WITHDRAWN  # in the transaction, changed
    assert (event.from_status, event.actor, event.reason) == (
        from_status,
        applicant,
        "不再需要",
    )


@pytest.mark.parametrize("stage", ["draft", "submitted", "supplement"])
def test_withdrawing_before_acceptance_tells_nobody(
    make, applicant, withdrawn_events, stage
):
    app = make(**({} if stage == "draft" else {stage: True}))
    application_withdraw(application=app, user=applicant)
    assert withdrawn_events == []


def test_a_failing_withdrawal_handler_undoes_the_withdrawal(
    make, applicant, monkeypatch
):
    app = make(accepted=True)

    def routing_fails(event):
        raise ServiceError("routing_busy", "流程正在处理，请稍后再试", status=409)

    monkeypatch.setattr(
        hooks.on_withdrawn_after_acceptance, "_handlers", [routing_fails]
    )
    with pytest.raises(ServiceError) as exc:
        application_withdraw(application=app, user=applicant)
    assert exc.value.code == "routing_busy"
    app.refresh_from_db()
    assert (app.status, app.withdrawn_at) == (S.ACCEPTED, None)
    assert not StatusChange.objects.filter(
        application=app, to_status=S.WITHDRAWN
    ).exists()


# --- the Hook type -----------------------------------------------------------------


def test_every_lifecycle_hook_states_its_phase_in_the_module_doc():
    for hook in hooks.LIFECYCLE_HOOKS:
        assert f"``{hook.name}``" in hooks.__doc__
    assert hooks.on_closed.phase is hooks.Phase.AFTER_COMMIT
    assert {h.phase for h in hooks.LIFECYCLE_HOOKS if h is not hooks.on_closed} == {
        hooks.Phase.IN_TRANSACTION
    }


def test_after_commit_hooks_run_only_if_the_change_commits(
    django_capture_on_commit_callbacks,
):
    from django.db import transaction

    hook: hooks.Hook[int] = hooks.Hook("test", hooks.Phase.AFTER_COMMIT)
    seen: list[int] = []
    hook.register(seen.append)
    hook.register(seen.append)  # once only
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            hook.fire(1)
            raise RuntimeError("rolled back")
        with transaction.atomic():
            hook.fire(2)
    assert seen == [2]


def test_the_older_acceptance_interface_still_works(make):
    seen = []
    hooks.register_acceptance_handler(seen.append)
    try:
        app = make(accepted=True)
    finally:
        hooks.unregister_acceptance_handler(seen.append)
    assert [a.pk for a in seen] == [app.pk]
    assert hooks.on_accepted.handlers == ()


# --- visibility rules widen what a user sees -------------------------------------------


def test_a_registered_rule_widens_visibility_everywhere_and_only_for_whom_it_says(make):
    app = make(submitted=True)
    other = make(submitted=True)
    department_user = UserFactory(username="dept-user")
    stranger = UserFactory(username="stranger")

    def department_rule(user):
        # What workflow will register: "a department with a task on it".
        if user.pk == department_user.pk:
            return Q(pk=app.pk)
        return None

    client = APIClient()
    client.force_authenticate(department_user)
    url = f"/api/v1/applications/{app.pk}/"
    assert client.get(url).status_code == 404
    hooks.register_visibility_rule(department_rule)
    try:
        assert list(Application.objects.visible_to(department_user)) == [app]
        assert not Application.objects.visible_to(stranger).exists()
        assert client.get(url).status_code == 200
        assert client.get(f"/api/v1/applications/{other.pk}/").status_code == 404
        listed = client.get("/api/v1/applications/").json()["results"]
        assert [row["id"] for row in listed] == [app.pk]
        # A rule only adds: the applicant still sees both.
        assert set(Application.objects.visible_to(app.applicant)) == {app, other}
    finally:
        hooks.unregister_visibility_rule(department_rule)
    assert client.get(url).status_code == 404


def test_a_rule_that_fails_is_not_silently_ignored(make):
    make(submitted=True)

    def broken(user):
        raise RuntimeError("supervision registry down")

    hooks.register_visibility_rule(broken)
    try:
        with pytest.raises(RuntimeError):
            list(Application.objects.visible_to(UserFactory(username="x")))
    finally:
        hooks.unregister_visibility_rule(broken)
