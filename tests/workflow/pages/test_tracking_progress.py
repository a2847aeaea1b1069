"""Public tracking shows the current stage and the promised date a later app
knows (applications.hooks.register_progress_provider), no personal data."""

import datetime as dt

import pytest

from applications import hooks
from tests.applications.factories import ApplicationFactory, citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted():
    return ApplicationFactory(
        accepted=True, applicant=citizen("track-me", full_name="扎西次仁")
    )


@pytest.fixture
def provider():
    previous = hooks._progress_provider
    seen = []

    def progress(application):
        seen.append(application.pk)
        return hooks.Progress(
            stage="部门并联审查", promised_date=dt.date(2027, 1, 8), provisional=True
        )

    hooks.register_progress_provider(progress)
    yield seen
    hooks.register_progress_provider(previous)


def _track(client, app) -> str:
    response = client.post(
        "/track/", {"number": app.number, "query_code": app.query_code}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_stage_and_the_moving_promised_date_are_shown(client, accepted, provider):
    html = _track(client, accepted)
    assert provider == [accepted.pk]
    assert "当前办理阶段" in html and "部门并联审查" in html
    assert "2027-01-08" in html and "按暂定节假日计算" in html
    assert "扎西" not in html  # still no personal data


def test_without_progress_the_stored_promise_stays(client, accepted):
    previous = hooks._progress_provider
    hooks.register_progress_provider(lambda application: None)
    try:
        html = _track(client, accepted)
    finally:
        hooks.register_progress_provider(previous)
    assert "当前办理阶段" not in html
    assert accepted.promised_date.isoformat() in html


def test_a_routed_application_shows_its_stage_and_promise(client):
    from portal.models import Clock
    from workflow import constants as c

    from .world import build_world

    world = build_world()
    promised = Clock.objects.get(
        subject_type=c.SUBJECT_CASE,
        subject_id=world.case.pk,
        kind=c.CLOCK_CASE_PROMISED,
    )
    html = _track(client, world.application)
    assert "当前办理阶段" in html and "并联审查" in html
    assert promised.due_on.isoformat() in html
    assert "扎西次仁" not in html and "王审核" not in html
