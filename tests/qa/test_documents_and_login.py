"""Printed documents with names the vendored fonts cannot draw, and the login
lockout against user-name variants.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.applications.counter.helpers import pdf_text
from tests.applications.factories import ApplicationFactory, citizen, clerk_at
from tests.factories import published_version

pytestmark = pytest.mark.django_db

# An Extension-B ideograph (𠮷, a variant of 吉 used in names) and Tibetan
# script: Droid Sans Fallback has neither. The counter's documents carry the
# applicant's full name (they are handed to that person): they must still
# print, with the characters the font has.
ODD_NAME = "祥𠮷·བཀྲ་ཤིས"


@pytest.mark.parametrize(
    "stage, document",
    [("accepted", "receipt"), ("supplement", "notice"), ("refused", "refusal")],
)
def test_counter_documents_print_for_a_name_the_font_lacks(world, stage, document):
    applicant = citizen("tashi", full_name=ODD_NAME)
    clerk = world.users["clerk1"]
    app = ApplicationFactory(
        implementation=world.objects["impl1"],
        applicant=applicant,
        clerk=clerk,
        **{stage: True},
    )
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    r = client.get(f"/counter/applications/{app.pk}/{document}.pdf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert app.number in text
    assert app.version.name in text
    assert "祥" in text


def test_guide_pdf_for_an_item_name_the_font_lacks():
    version = published_version(
        item__basic_code="000199000077",
        item__name="𠮷祥事项😀བཀྲ",
        name="𠮷祥事项😀བཀྲ",
    )
    r = Client(raise_request_exception=False).get(
        f"/items/{version.item.basic_code}/guide.pdf"
    )
    assert r.status_code == 200
    assert "祥事项" in pdf_text(r.content)


def test_user_name_variants_count_against_one_lockout(world):
    user = world.users["a"]
    user.set_password("Qa-login-2026!")
    user.save()
    client = Client()
    for variant in (
        " citizen-a",
        "citizen-a ",
        "ｃｉｔｉｚｅｎ－ａ",
        "citizen-a",
        "citizen-a",
    ):
        r = client.post("/accounts/login/", {"username": variant, "password": "wrong"})
        assert "_auth_user_id" not in client.session
    r = client.post(
        "/accounts/login/", {"username": "citizen-a", "password": "Qa-login-2026!"}
    )
    assert "_auth_user_id" not in client.session
    api = APIClient()
    r = api.post(
        "/api/v1/auth/token/",
        {"username": " citizen-a ", "password": "Qa-login-2026!"},
        format="json",
    )
    assert r.status_code == 429
    assert r.json()["code"] == "account_locked"


def test_lockout_of_one_name_leaves_the_desk_of_another_clerk_open(world):
    clerk2 = clerk_at(world.objects["hall1"], "clerk-3")
    clerk2.set_password("Qa-login-2026!")
    clerk2.save()
    client = Client()
    for _ in range(6):
        client.post("/accounts/login/", {"username": "clerk-1", "password": "wrong"})
    r = client.post(
        "/accounts/login/", {"username": "clerk-3", "password": "Qa-login-2026!"}
    )
    assert r.status_code == 302
