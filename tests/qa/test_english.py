"""The English language switch on the pages of every desk: no crash, English
markup. (The public pages were crawled in English against the demo data.)"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def _pages(world) -> dict[str, list[str]]:
    apps, objects = world.apps, world.objects
    mine = [
        f"/my/applications/{apps[key].pk}/{step}"
        for key in ("a_draft", "a_submitted", "a_supplement", "a_refused", "a_accepted")
        for step in ("", "form/", "form/?check=1", "materials/", "review/", "receipt/")
    ]
    documents = [
        f"/counter/applications/{apps[key].pk}/{name}.pdf"
        for key, name in (
            ("a_accepted", "receipt"),
            ("a_supplement", "notice"),
            ("a_refused", "refusal"),
        )
    ]
    counter = world.apps["counter1_draft"].pk
    agent = world.apps["agent_draft"].pk
    return {
        "a": mine
        + documents
        + [
            "/my/applications/",
            "/accounts/profile/",
            "/accounts/enterprises/",
            f"/accounts/enterprises/{objects['enterprise'].pk}/",
            "/accounts/authorizations/",
            f"/apply/{objects['impl1'].code}/",
            "/track/?number=X&query_code=Y",
        ],
        "clerk1": [
            f"/counter/applications/{apps[key].pk}/"
            for key in ("a_submitted", "a_supplement", "a_refused", "a_accepted")
        ]
        + [
            f"/counter/intake/{counter}/{step}"
            for step in ("form/", "form/?check=1", "materials/", "submit/")
        ]
        + ["/counter/", "/counter/intake/", "/counter/intake/items/?q=测试"],
        "agent": [
            "/agent/",
            "/agent/new/",
            f"/agent/applications/{agent}/",
            f"/agent/applications/{agent}/form/",
            f"/agent/applications/{agent}/materials/",
            f"/agent/applications/{agent}/submit/",
            "/accounts/authorizations/new/",
        ],
    }


def test_every_desk_page_renders_in_english(world):
    wrong = []
    for who, urls in _pages(world).items():
        client = Client(raise_request_exception=False)
        client.force_login(world.users[who])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for url in urls:
            r = client.get(url, REMOTE_ADDR="192.0.2.88")
            if r.status_code >= 500:
                wrong.append((who, url, r.status_code))
            elif (
                r.status_code == 200
                and r["Content-Type"].startswith("text/html")
                and 'lang="en"' not in r.content.decode()[:400]
            ):
                wrong.append((who, url, "not English"))
    assert wrong == []
