"""The clerk's acceptance queue and review: who sees what, decisions, bad input."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import constants as c
from applications.models import Application, StatusChange, SupplementNotice
from applications.services.acceptance import application_accept
from applications.services.drafts import application_create
from applications.services.materials import application_provide_material
from applications.services.status import application_transition
from applications.services.submission import application_submit
from people.models import OutboxMessage
from portal.models import AuditEntry
from portal.roles import Role
from tests.applications.factories import (
    ApplicationFactory,
    authorization,
    fill_materials,
    upload,
)
from tests.factories import staff

from .helpers import ITEM_NAME, logged_in

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus

ACTIONS = ("accept", "notice", "refuse")
PDFS = ("receipt", "notice", "refusal")


@pytest.fixture
def submitted(implementation, applicant):
    return ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )


def _state(application):
    application.refresh_from_db()
    return (
        application.status,
        StatusChange.objects.filter(application=application).count(),
        SupplementNotice.objects.filter(application=application).count(),
        OutboxMessage.objects.about(application).count(),
    )


# --- who may use the desk ----------------------------------------------------------------


def test_queue_lists_the_halls_applications_awaiting_acceptance(
    clerk, submitted, implementation, other_citizen
):
    draft = ApplicationFactory(implementation=implementation, applicant=other_citizen)
    accepted = ApplicationFactory(accepted=True, implementation=implementation)
    r = logged_in(clerk).get("/counter/")
    html = r.content.decode()
    assert r.status_code == 200
    assert submitted.number in html and ITEM_NAME in html
    assert accepted.number not in html
    assert f"/counter/applications/{draft.pk}/" not in html
    # Names are masked in the list.
    assert "扎西次仁" not in html and "扎***" in html


@pytest.mark.parametrize("who", ["anonymous", "citizen", "agent", "reviewer"])
def test_desk_is_for_clerks_only(client, who, applicant, agent, reviewer, submitted):
    users = {"citizen": applicant, "agent": agent, "reviewer": reviewer}
    if who != "anonymous":
        client.force_login(users[who])
    for url in ("/counter/", "/counter/intake/", "/counter/intake/items/"):
        r = client.get(url)
        if who == "anonymous":
            assert r.status_code == 302 and "/login" in r["Location"]
        else:
            assert r.status_code == 403, url
    r = client.get(f"/counter/applications/{submitted.pk}/")
    assert r.status_code == (302 if who == "anonymous" else 403)


def test_clerk_without_a_hall_gets_403(db):

    client = logged_in(staff("clerk-nowhere", Role.CLERK))
    assert client.get("/counter/").status_code == 403


def test_clerk_of_another_hall_gets_404_everywhere(
    other_clerk, clerk, submitted, implementation
):
    client = logged_in(other_clerk)
    r = client.get("/counter/")
    assert r.status_code == 200 and submitted.number not in r.content.decode()
    before = _state(submitted)
    assert client.get(f"/counter/applications/{submitted.pk}/").status_code == 404
    first = submitted.materials.first()
    posts = {
        "accept": {},
        "notice": {
            f"notice-pick_{first.material_id}": "on",
            f"notice-problem_{first.material_id}": "不清晰",
        },
        "refuse": {"refuse-reason": "理由", "refuse-legal_basis": "依据"},
    }
    for action in ACTIONS:
        r = client.post(
            f"/counter/applications/{submitted.pk}/{action}/", posts[action]
        )
        assert r.status_code == 404, action
    assert _state(submitted) == before
    # Nor the documents, in any status.
    logged_in(clerk).post(f"/counter/applications/{submitted.pk}/accept/")
    for kind in PDFS:
        r = client.get(f"/counter/applications/{submitted.pk}/{kind}.pdf")
        assert r.status_code == 404, kind
    # Nor the intake pages of the other hall's counter drafts.
    assert client.get(f"/counter/intake/{submitted.pk}/materials/").status_code == 404


def test_an_unknown_application_is_404(clerk):
    client = logged_in(clerk)
    assert client.get("/counter/applications/999999/").status_code == 404
    assert client.get("/counter/applications/999999/receipt.pdf").status_code == 404


def test_online_application_is_not_editable_through_the_counter(clerk, submitted):
    """The counter intake pages are for counter applications only."""
    r = logged_in(clerk).get(f"/counter/intake/{submitted.pk}/materials/")
    assert r.status_code == 404


# --- documents: the clerk, the applicant, nobody else ------------------------------


def test_citizen_gets_their_own_documents_and_404_on_others(
    clerk, implementation, applicant, other_citizen
):
    mine = ApplicationFactory(
        accepted=True, implementation=implementation, applicant=applicant
    )
    theirs = ApplicationFactory(
        accepted=True, implementation=implementation, applicant=other_citizen
    )
    client = logged_in(applicant)
    r = client.get(f"/counter/applications/{mine.pk}/receipt.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert (
        client.get(f"/counter/applications/{theirs.pk}/receipt.pdf").status_code == 404
    )
    # The citizen finds the link in 我的办件.
    r = client.get(f"/my/applications/{mine.pk}/")
    assert f"/counter/applications/{mine.pk}/receipt.pdf" in r.content.decode()
    # But not the clerk's review page.
    assert client.get(f"/counter/applications/{mine.pk}/").status_code == 403


def test_the_filing_agent_prints_documents_only_while_authorised(
    implementation, applicant, agent, clerk
):
    grant = authorization(agent=agent, citizen=applicant)
    app = application_create(
        user=agent,
        implementation=implementation,
        channel=c.IntakeChannel.AGENT,
        applicant=applicant,
        form_data={"contact_phone": "13800001111", "purpose": "新办"},
    )
    fill_materials(app, agent)
    application_submit(application=app, user=agent)
    application_accept(application=app, clerk=clerk)
    url = f"/counter/applications/{app.pk}/receipt.pdf"
    # A township agent prints the receipt for the citizen they applied for...
    assert logged_in(agent).get(url).status_code == 200
    # ...but not once the citizen has revoked the authorisation.
    from django.utils import timezone

    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    assert logged_in(agent).get(url).status_code == 404
    assert (
        logged_in(applicant)
        .get(f"/counter/applications/{app.pk}/receipt.pdf")
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    ("stage", "available"),
    [
        ("submitted", set()),
        ("accepted", {"receipt"}),
        ("supplement", {"notice"}),
        ("refused", {"refusal"}),
    ],
)
def test_a_document_exists_only_in_its_status(
    implementation, applicant, clerk, stage, available
):
    app = ApplicationFactory(
        implementation=implementation, applicant=applicant, clerk=clerk, stage=stage
    )
    for user in (clerk, applicant):
        client = logged_in(user)
        for kind in PDFS:
            r = client.get(f"/counter/applications/{app.pk}/{kind}.pdf")
            assert r.status_code == (200 if kind in available else 404), (stage, kind)
    r = logged_in(applicant).get(f"/my/applications/{app.pk}/")
    html = r.content.decode()
    for kind in PDFS:
        assert (f"/{kind}.pdf" in html) == (kind in available)


def test_receipt_stays_after_the_case_moves_on(implementation, applicant, clerk):

    app = ApplicationFactory(
        accepted=True, implementation=implementation, applicant=applicant, clerk=clerk
    )
    application_transition(application=app, to_status=S.IN_REVIEW, actor=clerk)
    r = logged_in(applicant).get(f"/counter/applications/{app.pk}/receipt.pdf")
    assert r.status_code == 200


# --- decisions and their bad input ----------------------------------------------------------


def test_accept_twice_is_one_acceptance(clerk, submitted):
    client = logged_in(clerk)
    client.post(f"/counter/applications/{submitted.pk}/accept/")
    r = client.post(f"/counter/applications/{submitted.pk}/accept/")
    assert r.status_code == 302
    assert (
        StatusChange.objects.filter(application=submitted, to_status=S.ACCEPTED).count()
        == 1
    )


def test_refusal_without_reason_or_basis_is_refused_and_nothing_saved(clerk, submitted):
    client = logged_in(clerk)
    before = _state(submitted)
    r = client.post(
        f"/counter/applications/{submitted.pk}/refuse/",
        {"refuse-reason": "   ", "refuse-legal_basis": ""},
    )
    html = r.content.decode()
    assert r.status_code == 400
    assert "请填写不予受理的理由" in html and "请填写不予受理的法律依据" in html
    assert _state(submitted) == before
    r = client.post(
        f"/counter/applications/{submitted.pk}/refuse/",
        {"refuse-reason": "不属于本机关职权", "refuse-legal_basis": "法" * 301},
    )
    assert r.status_code == 400 and "法律依据不超过300字" in r.content.decode()
    assert _state(submitted) == before
    assert not AuditEntry.objects.filter(action="applications.refused").exists()


def test_notice_with_no_material_is_refused_and_nothing_saved(clerk, submitted):
    client = logged_in(clerk)
    before = _state(submitted)
    r = client.post(f"/counter/applications/{submitted.pk}/notice/", {})
    assert r.status_code == 400
    assert "一次性告知须至少勾选一项需补正的材料" in r.content.decode()
    assert _state(submitted) == before


def test_notice_rows_need_a_tick_and_a_problem(clerk, submitted):
    client = logged_in(clerk)
    first, second = list(submitted.materials.select_related("material"))[:2]
    before = _state(submitted)
    r = client.post(
        f"/counter/applications/{submitted.pk}/notice/",
        {
            f"notice-pick_{first.material_id}": "on",
            f"notice-problem_{second.material_id}": "未盖章",
        },
    )
    html = r.content.decode()
    assert r.status_code == 400
    assert f"请写明“{first.material.name}”存在的问题" in html
    assert "已填写问题说明，请勾选该材料" in html
    # What the clerk typed is kept on the page.
    assert "未盖章" in html
    assert _state(submitted) == before
    r = client.post(
        f"/counter/applications/{submitted.pk}/notice/",
        {
            f"notice-pick_{first.material_id}": "on",
            f"notice-problem_{first.material_id}": "问" * 301,
        },
    )
    assert r.status_code == 400 and "问题说明不超过300字" in r.content.decode()
    assert _state(submitted) == before


def test_notice_lists_every_material_with_a_checkbox(clerk, submitted):
    html = (
        logged_in(clerk).get(f"/counter/applications/{submitted.pk}/").content.decode()
    )
    for am in submitted.materials.all():
        assert f'name="notice-pick_{am.material_id}"' in html
        assert f'name="notice-problem_{am.material_id}"' in html


def test_decisions_are_only_offered_while_awaiting_acceptance(
    clerk, implementation, applicant
):
    app = ApplicationFactory(
        accepted=True, implementation=implementation, applicant=applicant, clerk=clerk
    )
    client = logged_in(clerk)
    html = client.get(f"/counter/applications/{app.pk}/").content.decode()
    assert "出具一次性告知书" not in html
    before = _state(app)
    r = client.post(
        f"/counter/applications/{app.pk}/refuse/",
        {"refuse-reason": "理由", "refuse-legal_basis": "依据"},
    )
    assert r.status_code == 409 and "不能从" in r.content.decode()
    assert _state(app) == before


# --- the acceptance window --------------------------------------------------------------------


def test_queue_highlights_near_and_overdue_acceptance_dates(
    clerk, implementation, applicant, other_citizen
):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        early = ApplicationFactory(
            submitted=True, implementation=implementation, applicant=applicant
        )
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, tzinfo=dt.UTC), tick=False):
        later = ApplicationFactory(
            submitted=True, implementation=implementation, applicant=other_citizen
        )
        fresh = ApplicationFactory(submitted=True, implementation=implementation)
    assert early.acceptance_due == dt.date(2026, 3, 9)
    assert later.acceptance_due == dt.date(2026, 3, 13)
    with time_machine.travel(dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC), tick=False):
        html = logged_in(clerk).get("/counter/").content.decode()
    rows = html.split("<tr")[2:]
    # Most urgent first; overdue red, due tomorrow yellow.
    assert (
        early.number in rows[0] and 'class="overdue"' in rows[0] and "已超期" in rows[0]
    )
    assert (
        later.number in rows[1] and 'class="soon"' in rows[1] and "即将到期" in rows[1]
    )
    assert fresh.number in rows[2] and "即将到期" in rows[2]
    assert "件已超过受理审查期限" in html
    with time_machine.travel(dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC), tick=False):
        html = (
            logged_in(clerk).get(f"/counter/applications/{early.pk}/").content.decode()
        )
    assert "已超期" in html and "2026-03-09" in html


def test_queue_query_count_is_flat(clerk, implementation, django_assert_num_queries):
    client = logged_in(clerk)
    ApplicationFactory(submitted=True, implementation=implementation)
    ApplicationFactory(supplement=True, implementation=implementation, clerk=clerk)
    client.get("/counter/")  # warm the session and role caches
    with CaptureQueriesContext(connection) as few:
        r = client.get("/counter/")
    assert r.status_code == 200
    for _ in range(4):
        ApplicationFactory(submitted=True, implementation=implementation)
    resubmitted = Application.objects.get(status=S.SUPPLEMENT_REQUESTED)

    am = resubmitted.materials.filter(problem__gt="").first()
    application_provide_material(
        application=resubmitted,
        user=resubmitted.applicant,
        material=am.material_id,
        provision=c.Provision.UPLOAD,
        file=upload(),
    )
    application_submit(application=resubmitted, user=resubmitted.applicant)
    with django_assert_num_queries(len(few.captured_queries)):
        r = client.get("/counter/")
    html = r.content.decode()
    assert html.count('class="number"') == 6
    assert "补正后重新提交" in html
