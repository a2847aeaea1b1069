"""A deemed acceptance reads 视为受理, with its statutory basis, on the clerk's
review page and on the applicant's own page, by the rule public tracking uses
(applications.selectors.deemed_acceptance); a clerk's acceptance does not."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation

from applications import constants as c
from applications.models import StatusChange
from applications.selectors import deemed_acceptance, track_label
from applications.services.acceptance import application_accept
from applications.services.timers import applications_deem_overdue

pytestmark = pytest.mark.django_db

S = c.ApplicationStatus
SUBMIT_AT = dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC)
AFTER_WINDOW = dt.datetime(2026, 10, 14, 2, tzinfo=dt.UTC)
BASIS_ZH = "依据《中华人民共和国行政许可法》第三十二条"
BASIS_EN = "Under Article 32 of the Administrative Licensing Law"


def _client(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def deemed(make):
    with time_machine.travel(SUBMIT_AT, tick=False):
        app = make(submitted=True)
    with time_machine.travel(AFTER_WINDOW, tick=False):
        assert applications_deem_overdue() == 1
    app.refresh_from_db()
    assert app.acceptance_deemed
    return app


def _pages(app, applicant, clerk, language=None) -> dict[str, str]:
    return {
        "review": _client(clerk, language)
        .get(f"/counter/applications/{app.pk}/")
        .content.decode(),
        "mine": _client(applicant, language)
        .get(f"/my/applications/{app.pk}/")
        .content.decode(),
    }


def _timeline(html: str) -> str:
    return html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]


def test_deemed_acceptance_on_the_review_page_and_the_applicants_page(
    deemed, applicant, clerk
):
    for name, html in _pages(deemed, applicant, clerk).items():
        events = _timeline(html)
        assert "<strong>视为受理</strong>" in events, name
        assert "<strong>已受理</strong>" not in events, name
        assert BASIS_ZH in events, name
        assert "受理方式" in html and 'class="deemed"' in html, name


def test_in_english_the_label_and_the_basis_are_english(deemed, applicant, clerk):
    for name, html in _pages(deemed, applicant, clerk, "en").items():
        events = _timeline(html)
        assert "<strong>Deemed accepted</strong>" in events, name
        assert BASIS_EN in events, name
        assert BASIS_ZH not in html, name
        assert "How it was accepted" in html, name
    # The history row keeps the site's language whatever the page shows.
    stored = StatusChange.objects.get(application=deemed, to_status=S.ACCEPTED)
    assert stored.reason.startswith(BASIS_ZH)


def test_a_clerks_acceptance_is_not_deemed(make, applicant, clerk):
    app = make(submitted=True)
    application_accept(application=app, clerk=clerk)
    app.refresh_from_db()
    assert deemed_acceptance(app) is None
    with translation.override("zh-hans"):
        assert track_label(app, S.ACCEPTED) == "已受理"
    for name, html in _pages(app, applicant, clerk).items():
        events = _timeline(html)
        assert "<strong>已受理</strong>" in events, name
        assert "视为受理" not in html, name
        assert 'class="deemed"' not in html, name


def test_the_label_stays_after_the_application_moves_on(deemed, reviewer):
    from .helpers import in_review

    in_review(deemed, reviewer)
    deemed.refresh_from_db()
    with translation.override("zh-hans"):
        assert track_label(deemed, S.ACCEPTED) == "视为受理"
        assert track_label(deemed, S.IN_REVIEW) == "审查中"
        assert deemed_acceptance(deemed).basis.startswith(BASIS_ZH)
    with translation.override("en"):
        assert deemed_acceptance(deemed).label == "Deemed accepted"


def test_another_applicant_and_another_halls_clerk_see_nothing(deemed, other_reviewer):
    from tests.applications.factories import citizen

    stranger = citizen("stranger-deemed", full_name="陌生人")
    assert _client(stranger).get(f"/my/applications/{deemed.pk}/").status_code == 404
    assert _client(other_reviewer).get(
        f"/counter/applications/{deemed.pk}/"
    ).status_code in (403, 404)
