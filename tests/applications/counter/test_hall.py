"""The clerk's desk finds anything of the hall: lists, search, reprint."""

from __future__ import annotations

import pytest
from django.test import Client

from applications.models import Application
from people.privacy import decrypt_id_number
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

HALL = "/counter/hall/"


@pytest.fixture
def apps(implementation, applicant, other_citizen, clerk):
    made = {
        "submitted": ApplicationFactory(
            submitted=True, implementation=implementation, applicant=applicant
        ),
        "supplement": ApplicationFactory(
            supplement=True,
            implementation=implementation,
            applicant=other_citizen,
            clerk=clerk,
        ),
        "accepted": ApplicationFactory(
            accepted=True,
            implementation=implementation,
            applicant=applicant,
            clerk=clerk,
        ),
        "refused": ApplicationFactory(
            refused=True,
            implementation=implementation,
            applicant=other_citizen,
            clerk=clerk,
        ),
        "draft": ApplicationFactory(implementation=implementation, applicant=applicant),
    }
    return made


def _numbers(client, **params) -> set[str]:
    html = client.get(HALL, params).content.decode()
    html = html.split("<tbody>")[1] if "<tbody>" in html else ""  # the rows only
    return {
        a.number
        for a in Application.objects.exclude(number__isnull=True).exclude(number="")
        if a.number in html
    }


def test_lists_by_state_and_todays_intake(clerk, apps):
    client = Client()
    client.force_login(clerk)
    n = {k: a.number for k, a in apps.items()}
    assert _numbers(client) == {
        n["submitted"],
        n["supplement"],
        n["accepted"],
        n["refused"],
    }
    assert _numbers(client, list="supplement") == {n["supplement"]}
    assert _numbers(client, list="accepted") == {n["accepted"]}
    assert _numbers(client, list="refused") == {n["refused"]}
    assert _numbers(client, list="today") == _numbers(client)
    # A list that does not exist is refused as a form error: the default list.
    assert client.get(HALL, {"list": "nope"}).status_code == 200


def test_search_by_number_id_number_and_name(clerk, apps, applicant, other_citizen):
    client = Client()
    client.force_login(clerk)
    n = {k: a.number for k, a in apps.items()}
    assert _numbers(client, q=n["accepted"]) == {n["accepted"]}
    assert n["accepted"] in _numbers(client, q=n["accepted"][:20])
    id_number = decrypt_id_number(other_citizen.applicant.id_number_encrypted)
    assert _numbers(client, q=id_number) == {n["supplement"], n["refused"]}
    assert _numbers(client, q=id_number.lower()) == {n["supplement"], n["refused"]}
    # Only the whole number finds: a part is not an ID search (nor a leak).
    assert _numbers(client, q=id_number[:17]) == set()
    assert _numbers(client, q="卓玛") == {n["supplement"], n["refused"]}
    assert _numbers(client, q="不存在的人") == set()


def test_every_document_the_hall_issued_can_be_printed_again(clerk, apps):
    client = Client()
    client.force_login(clerk)
    html = client.get(HALL).content.decode()
    for key, doc in [
        ("accepted", "receipt"),
        ("supplement", "notice"),
        ("refused", "refusal"),
    ]:
        url = f"/counter/applications/{apps[key].pk}/{doc}.pdf"
        assert url in html
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert f"/counter/applications/{apps['submitted'].pk}/receipt.pdf" not in html


def test_names_are_masked_in_the_list(clerk, apps, other_citizen):
    client = Client()
    client.force_login(clerk)
    html = client.get(HALL).content.decode()
    assert other_citizen.applicant.full_name not in html.split("<main")[1]


def test_another_halls_clerk_sees_none_and_a_citizen_is_refused(
    other_clerk, applicant, apps
):
    client = Client()
    client.force_login(other_clerk)
    assert _numbers(client) == set()
    assert _numbers(client, q=apps["accepted"].number) == set()
    client = Client()
    client.force_login(applicant)
    assert client.get(HALL).status_code == 403
    assert Client().get(HALL).status_code == 302  # to the login


def test_the_list_keeps_a_flat_query_count(
    clerk, implementation, applicant, django_assert_max_num_queries
):
    client = Client()
    client.force_login(clerk)
    ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    client.get(HALL)
    with django_assert_max_num_queries(12) as few:
        client.get(HALL)
    for _ in range(4):
        ApplicationFactory(
            accepted=True,
            implementation=implementation,
            applicant=applicant,
            clerk=clerk,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(HALL)
