"""Pages: the applicant's rating, the hall kiosk, complaints, staff lists and actions."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.models import Complaint, Rating, Rectification, Visit
from supervision.services.complaints import complaint_file
from supervision.services.ratings import appeal_file, visit_open, visit_rate
from tests.applications.factories import citizen, clerk_at
from tests.factories import DepartmentFactory, ServiceHallFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "content": "窗口人员要求重复提交已经提供过的材料",
    "contact_name": "卓玛",
    "contact_phone": "13800138000",
}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the applicant's rating ---------------------------------------------------------


def test_the_applicant_rates_from_the_application_page(delivered, applicant):
    client = logged_in(applicant)
    detail = client.get(reverse("applications:my_detail", args=[delivered.pk]))
    url = reverse("supervision:rate", args=[delivered.pk])
    assert url in detail.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "非常不满意" in page.content.decode()
    response = client.post(url, {"level": "2", "tags": ["slow"], "comment": "太慢"})
    assert response.status_code == 302
    rating = Rating.objects.get(application=delivered)
    assert (rating.level, rating.tags) == (2, ["slow"])
    assert Rectification.objects.filter(rating=rating).exists()
    again = client.get(url)
    assert "感谢您的评价" in again.content.decode()
    # A second post changes nothing.
    client.post(url, {"level": "5"})
    assert Rating.objects.get(application=delivered).level == 2


def test_no_link_and_a_notice_before_completion(make, applicant):
    app = make(accepted=True)
    client = logged_in(applicant)
    url = reverse("supervision:rate", args=[app.pk])
    assert (
        url
        not in client.get(
            reverse("applications:my_detail", args=[app.pk])
        ).content.decode()
    )
    assert "办结后才能评价" in client.get(url).content.decode()
    response = client.post(url, {"level": "5"})
    assert response.status_code == 409
    assert not Rating.objects.exists()


def test_another_citizen_gets_404_and_cannot_rate(delivered):
    client = logged_in(citizen("other-sv"))
    url = reverse("supervision:rate", args=[delivered.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"level": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_anonymous_is_sent_to_login(delivered):
    response = Client().get(reverse("supervision:rate", args=[delivered.pk]))
    assert response.status_code == 302


def test_a_bad_level_on_the_page_is_a_400_with_the_form(delivered, applicant):
    response = logged_in(applicant).post(
        reverse("supervision:rate", args=[delivered.pk]), {"level": "9"}
    )
    assert response.status_code == 400
    assert not Rating.objects.exists()


# --- the kiosk ----------------------------------------------------------------------


def test_the_kiosk_opens_a_visit_and_takes_one_tap(clerk, hall):
    client = logged_in(clerk)
    assert client.get(reverse("supervision:kiosk_start")).status_code == 200
    response = client.post(reverse("supervision:kiosk_start"), {"reference": "A017"})
    visit = Visit.objects.get(hall=hall, reference="A017")
    assert response.url == reverse("supervision:kiosk_rate", args=[visit.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and "非常满意" in page.content.decode()
    thanks = client.post(response.url, {"level": "5"})
    assert "感谢您的评价" in thanks.content.decode()
    assert Rating.objects.get(visit=visit).level == 5
    # A reused ticket is refused beside the field.
    again = client.post(reverse("supervision:kiosk_start"), {"reference": "A017"})
    assert again.status_code == 409 and "已登记过" in again.content.decode()


def test_the_kiosk_is_a_clerks_and_of_their_hall_only(clerk, applicant, head):
    visit = visit_open(clerk=clerk, reference="B2")
    rate_url = reverse("supervision:kiosk_rate", args=[visit.pk])
    other_clerk = clerk_at(ServiceHallFactory(), "clerk-other")
    for user in (applicant, head):
        assert (
            logged_in(user).get(reverse("supervision:kiosk_start")).status_code == 404
        )
    for user in (applicant, head, other_clerk):
        assert logged_in(user).get(rate_url).status_code == 404
        assert logged_in(user).post(rate_url, {"level": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_a_kiosk_tap_without_a_level_is_400(clerk):
    visit = visit_open(clerk=clerk, reference="C3")
    response = logged_in(clerk).post(
        reverse("supervision:kiosk_rate", args=[visit.pk]), {}
    )
    assert response.status_code == 400
    assert not Rating.objects.exists()


# --- complaints ---------------------------------------------------------------------


def _codes(html: str) -> str:
    """The page with the complaint number and query code blanked."""
    html = re.sub(r"TS\d{16}", "N", html)
    html = re.sub(r'big-code">[0-9A-Z]{8}<', 'big-code">C<', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_complaint_about_an_unknown_number_answers_like_a_known_one(delivered):
    client = Client()
    url = reverse("supervision:complaint_new")
    known = client.post(url, {**GOOD, "application_number": delivered.number})
    unknown = client.post(
        url, {**GOOD, "application_number": "513300NOSUCH202612030001"}
    )
    assert known.status_code == unknown.status_code == 200
    assert _codes(known.content.decode()) == _codes(unknown.content.decode())
    assert Complaint.objects.count() == 2


def test_a_bad_complaint_is_400_with_the_message_beside_the_field():
    response = Client().post(
        reverse("supervision:complaint_new"),
        {**GOOD, "application_number": "A1", "contact_phone": "123"},
    )
    assert response.status_code == 400
    assert "请填写正确的手机号码" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_complainant_tracks_with_number_and_code():
    filed = complaint_file(application_number="A1", **GOOD)
    url = reverse("supervision:complaint_track")
    ok = Client().post(url, {"number": filed.number, "query_code": filed.query_code})
    assert ok.status_code == 200 and "办理中" in ok.content.decode()
    assert (
        "卓玛" not in ok.content.decode() and "13800138000" not in ok.content.decode()
    )
    wrong = Client().post(url, {"number": filed.number, "query_code": "AAAAAAAA"})
    missing = Client().post(
        url, {"number": "TS2020010100000000", "query_code": filed.query_code}
    )
    assert wrong.status_code == missing.status_code == 404


# --- staff --------------------------------------------------------------------------


def _bad_ratings(n, department):
    hall = ServiceHallFactory()
    clerk = clerk_at(hall, f"kiosk-{hall.pk}")
    clerk.staff_profile.department = department
    clerk.staff_profile.save()
    for i in range(n):
        visit_rate(
            visit=visit_open(clerk=clerk, reference=f"R{i}"), clerk=clerk, level=1
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name", ["rectification_list", "complaint_list", "appeal_list"]
)
def test_staff_lists_keep_a_flat_query_count(name, supervisor, head, department):
    url = reverse(f"supervision:{name}")
    client = logged_in(supervisor)

    def more(n):
        _bad_ratings(n, department)
        for _ in range(n):
            complaint_file(department_id=department.pk, **GOOD)
        for rect in Rectification.objects.filter(rating__appeal_state=""):
            appeal_file(rating=rect.rating, user=head, reason="不实")

    more(2)
    few = _queries(client, url)
    more(5)
    assert _queries(client, url) == few


def test_a_head_sees_their_department_only_and_others_see_nothing(
    head, other_head, supervisor, department, applicant
):
    _bad_ratings(1, department)
    _bad_ratings(1, DepartmentFactory())
    complaint_file(department_id=department.pk, **GOOD)
    rect = Rectification.objects.get(department=department)
    complaint = Complaint.objects.get()
    assert (
        logged_in(supervisor)
        .get(reverse("supervision:rectification_list"))
        .context["page"]
        .paginator.count
        == 2
    )
    head_page = logged_in(head).get(reverse("supervision:rectification_list"))
    assert [r.pk for r in head_page.context["page"]] == [rect.pk]
    for url in (
        reverse("supervision:rectification_detail", args=[rect.pk]),
        reverse("supervision:complaint_detail", args=[complaint.pk]),
    ):
        assert logged_in(head).get(url).status_code == 200
        assert logged_in(supervisor).get(url).status_code == 200
        assert logged_in(other_head).get(url).status_code == 404
        assert logged_in(applicant).get(url).status_code == 404
    for name in ("rectification_list", "complaint_list", "appeal_list"):
        assert (
            logged_in(applicant).get(reverse(f"supervision:{name}")).status_code == 404
        )


def test_staff_actions_through_the_pages(head, other_head, supervisor, department):
    _bad_ratings(1, department)
    rect = Rectification.objects.get()
    act = lambda pk, a: reverse("supervision:rectification_act", args=[pk, a])  # noqa: E731
    assert (
        logged_in(other_head).post(act(rect.pk, "callback"), {"text": "x"}).status_code
        == 404
    )
    client = logged_in(head)
    client.post(act(rect.pk, "callback"), {"text": "已回访"})
    client.post(act(rect.pk, "submit"), {"text": "已整改"})
    rect.refresh_from_db()
    assert rect.state == "submitted"
    assert client.post(act(rect.pk, "nonsense"), {"text": "x"}).status_code == 404
    logged_in(supervisor).post(
        act(rect.pk, "review"), {"outcome": "accepted", "note": "好"}
    )
    rect.refresh_from_db()
    assert rect.state == "done"
    # Complaint: assigned by a supervisor, answered by the head.
    filed = complaint_file(application_number="NOPE", **GOOD)
    complaint = Complaint.objects.get(number=filed.number)
    cact = lambda a: reverse("supervision:complaint_act", args=[complaint.pk, a])  # noqa: E731
    assert (
        logged_in(head).post(cact("assign"), {"department": department.pk}).status_code
        == 404
    )
    logged_in(supervisor).post(cact("assign"), {"department": department.pk})
    assert (
        logged_in(other_head)
        .post(cact("answer"), {"reply": "x", "outcome": "partly"})
        .status_code
        == 404
    )
    client.post(cact("answer"), {"reply": "已改正", "outcome": "partly"})
    complaint.refresh_from_db()
    assert complaint.state == "answered"
    detail = logged_in(head).get(
        reverse("supervision:complaint_detail", args=[complaint.pk])
    )
    assert "13800138000" not in detail.content.decode()  # masked


def test_the_appeal_decision_page_is_a_supervisors(head, supervisor, department):
    _bad_ratings(1, department)
    rating = Rating.objects.get()
    appeal = appeal_file(rating=rating, user=head, reason="不实")
    url = reverse("supervision:appeal_decide", args=[appeal.pk])
    assert logged_in(head).post(url, {"upheld": "1", "note": "x"}).status_code == 404
    logged_in(supervisor).post(url, {"upheld": "1", "note": "核实"})
    rating.refresh_from_db()
    assert rating.appeal_state == "upheld"


def test_the_pages_and_their_errors_read_in_english(delivered, applicant, settings):
    client = logged_in(applicant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("supervision:rate", args=[delivered.pk])).content.decode()
    assert "Rate the service" in page and "Very dissatisfied" in page
    anon = Client()
    anon.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = anon.post(
        reverse("supervision:complaint_new"),
        {**GOOD, "application_number": "A1", "contact_phone": "123"},
    )
    assert "Please enter a valid mobile number" in response.content.decode()


def test_the_public_supervision_page_links_to_complaints():
    page = Client().get("/supervision/").content.decode()
    assert reverse("supervision:complaint_new") in page
    assert reverse("supervision:complaint_track") in page


def test_a_county_supervisor_sees_and_assigns_within_their_county_only(
    department, applicant
):
    from catalog.constants import RegionLevel
    from portal.errors import ServiceError
    from portal.roles import Role
    from supervision.selectors import complaints_for
    from supervision.services.complaints import complaint_assign
    from tests.factories import RegionFactory, staff

    luding = RegionFactory(code="513322", name="泸定县", level=RegionLevel.COUNTY)
    elsewhere = DepartmentFactory(region=luding)
    county = staff("sv-county", Role.SUPERVISOR, region=department.region)
    other_county = staff("sv-luding", Role.SUPERVISOR, region=luding)
    _bad_ratings(1, department)
    _bad_ratings(1, elsewhere)
    complaint_file(department_id=department.pk, **GOOD)
    # An unknown number: no department yet, the prefecture office's.
    complaint_file(application_number="11513301MB0000000X", **GOOD)
    ours = Rectification.objects.get(department=department)
    theirs = Rectification.objects.get(department=elsewhere)
    page = logged_in(county).get(reverse("supervision:rectification_list"))
    assert [r.pk for r in page.context["page"]] == [ours.pk]
    assert list(complaints_for(county)) == [
        Complaint.objects.get(department=department)
    ]
    detail = reverse("supervision:rectification_detail", args=[theirs.pk])
    assert logged_in(county).get(detail).status_code == 404
    assert logged_in(other_county).get(detail).status_code == 200
    complaint = Complaint.objects.get(department=department)
    with pytest.raises(ServiceError) as refused:
        complaint_assign(
            complaint=complaint, supervisor=county, department_id=elsewhere.pk
        )
    assert refused.value.code == "complaint_department_unknown"
    complaint.refresh_from_db()
    assert complaint.department_id == department.pk
