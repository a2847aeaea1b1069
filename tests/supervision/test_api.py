"""API: POST /api/v1/applications/{id}/rating/, complaints create and track."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from supervision.models import Complaint, Rating, Rectification
from tests.applications.factories import api_client, citizen
from tests.factories import staff

pytestmark = pytest.mark.django_db

GOOD = {
    "content": "窗口人员要求重复提交已经提供过的材料",
    "contact_name": "卓玛",
    "contact_phone": "13800138000",
}


def url(pk):
    return f"/api/v1/applications/{pk}/rating/"


def test_the_applicant_rates_and_a_bad_rating_reports_its_rectification(
    delivered, applicant
):
    response = api_client(applicant).post(
        url(delivered.pk),
        {"level": 1, "tags": ["slow"], "comment": "慢"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["level"], body["level_label"], body["application"]) == (
        1,
        "非常不满意",
        delivered.pk,
    )
    rect = Rectification.objects.get(rating_id=body["id"])
    assert body["rectification_due_on"] == rect.due_on.isoformat()


def test_a_second_rating_is_409(delivered, applicant):
    client = api_client(applicant)
    client.post(url(delivered.pk), {"level": 5}, format="json")
    response = client.post(url(delivered.pk), {"level": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "rating_exists"
    assert Rating.objects.get().level == 5


def test_before_completion_is_409(make, applicant):
    app = make(accepted=True)
    response = api_client(applicant).post(url(app.pk), {"level": 5}, format="json")
    assert (response.status_code, response.json()["code"]) == (
        409,
        "rating_not_completed",
    )


def test_a_user_who_cannot_see_it_gets_404_and_a_staff_user_who_can_gets_403(
    delivered, clerk
):
    response = api_client(citizen("other-sv")).post(
        url(delivered.pk), {"level": 5}, format="json"
    )
    assert response.status_code == 404
    # The hall's clerk sees the application but is not its applicant.
    response = api_client(clerk).post(url(delivered.pk), {"level": 5}, format="json")
    assert (response.status_code, response.json()["code"]) == (
        403,
        "rating_not_applicant",
    )
    assert (
        api_client(citizen("x-sv"))
        .post(url(999999), {"level": 5}, format="json")
        .status_code
        == 404
    )
    assert (
        APIClient().post(url(delivered.pk), {"level": 5}, format="json").status_code
        == 401
    )
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"level": 7},
        {"level": "x"},
        {"level": 3, "tags": ["nope"]},
        {"level": 3, "comment": "长" * 501},
    ],
)
def test_bad_rating_input_is_400_in_the_error_shape(delivered, applicant, payload):
    response = api_client(applicant).post(url(delivered.pk), payload, format="json")
    assert response.status_code == 400
    assert "code" in response.json() and "detail" in response.json()
    assert not Rating.objects.exists()


def test_complaints_create_answers_the_same_for_known_and_unknown_numbers(delivered):
    cache.clear()
    client = APIClient()
    known = client.post(
        "/api/v1/complaints/",
        {**GOOD, "application_number": delivered.number},
        format="json",
    )
    unknown = client.post(
        "/api/v1/complaints/",
        {**GOOD, "application_number": "NOSUCH123"},
        format="json",
    )
    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json()) == {"number", "query_code"}
    assert Complaint.objects.count() == 2


def test_complaint_bad_input_is_400_with_code_and_field():
    cache.clear()
    response = APIClient().post(
        "/api/v1/complaints/", {**GOOD, "department": 999999}, format="json"
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "complaint_department_unknown",
        "department",
    )


def test_complaint_tracking_and_its_uniform_404():
    cache.clear()
    client = APIClient()
    filed = client.post(
        "/api/v1/complaints/", {**GOOD, "application_number": "A1"}, format="json"
    ).json()
    ok = client.get(
        f"/api/v1/complaints/{filed['number']}/", {"query_code": filed["query_code"]}
    )
    assert ok.status_code == 200
    assert ok.json()["state"] == "handling"
    assert "contact_phone" not in ok.json() and "department" not in ok.json()
    wrong = client.get(
        f"/api/v1/complaints/{filed['number']}/", {"query_code": "ZZZZZZZZ"}
    )
    missing = client.get(
        "/api/v1/complaints/TS2020010100000000/", {"query_code": filed["query_code"]}
    )
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()


def test_complaint_lookups_are_rate_limited(settings):
    cache.clear()
    client = APIClient()
    statuses = [
        client.get(
            "/api/v1/complaints/TS2020010100000000/", {"query_code": "AAAAAAAA"}
        ).status_code
        for _ in range(125)
    ]
    assert statuses.count(429) >= 5
    cache.clear()


def test_a_supervisor_cannot_rate_an_application(delivered):
    supervisor = staff("sup-api", "supervisor")
    response = api_client(supervisor).post(
        url(delivered.pk), {"level": 5}, format="json"
    )
    # A supervisor sees the applications they oversee (supervision.visibility)
    # but only the applicant rates.
    assert response.status_code == 403
    assert response.json()["code"] == "rating_not_applicant"
    assert not Rating.objects.exists()


def test_the_rectification_deadline_explains_to_supervisors_and_the_department_only(
    delivered, applicant, head, other_head, supervisor
):
    from supervision.services.ratings import rating_submit

    rect = rating_submit(application=delivered, user=applicant, level=1).rectification
    path = f"/api/v1/deadlines/{rect.clock_id}/explain/"
    assert api_client(supervisor).get(path).status_code == 200
    assert api_client(head).get(path).status_code == 200
    assert api_client(other_head).get(path).status_code == 404
    assert api_client(applicant).get(path).status_code == 404
