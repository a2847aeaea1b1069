"""Concurrent submissions against PostgreSQL: real threads, real connections.

Each thread makes its own request through the API (its own database
connection, closed at the end of the thread); the test database is flushed
afterwards (transaction=True), so every row seen here was really committed.
"""

import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from applications.models import (
    Application,
    ApplicationCounter,
    IdempotencyRecord,
    StatusChange,
)
from catalog import constants as cc
from portal.models import User
from tests.applications.factories import (
    GOOD_FORM,
    applicable_version,
    citizen,
    hall_and_implementation,
)

LIST = "/api/v1/applications/"


def _run_threads(n: int, request) -> list:
    barrier = threading.Barrier(n)
    results: list = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            response = request(i)
            outcome = (response.status_code, response.json())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            outcome = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return results


@pytest.fixture
def setup_data():
    version = applicable_version(
        materials=[
            {"name": "无犯罪记录证明", "necessity": cc.MaterialNecessity.COMMITMENT}
        ]
    )
    _, impl = hall_and_implementation(version)
    user = citizen("zhaxi")
    material = version.materials.get()
    body = {
        "implementation": impl.code,
        "form_data": GOOD_FORM,
        "materials": [
            {
                "material": material.pk,
                "provision": "commitment",
                "promise_text": "本人承诺无犯罪记录",
            }
        ],
        "submit": True,
    }
    return impl, user, body


@pytest.mark.django_db(transaction=True)
def test_50_concurrent_submissions_with_one_key_make_one_application(setup_data):
    impl, user, body = setup_data

    def request(i):
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=user.pk))
        return client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="one-key")

    results = _run_threads(50, request)
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 200: 49}, results[:3]
    assert len({data["id"] for _, data in results}) == 1
    assert len({data["number"] for _, data in results}) == 1
    assert all(data["status"] == "submitted" for _, data in results)
    assert Application.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert StatusChange.objects.count() == 1
    assert ApplicationCounter.objects.get().last == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_different_keys_get_distinct_numbers(
    setup_data,
):
    impl, user, body = setup_data

    def request(i):
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=user.pk))
        return client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY=f"key-{i}")

    results = _run_threads(20, request)
    assert Counter(status for status, _ in results) == {201: 20}, results[:3]
    numbers = sorted(data["number"] for _, data in results)
    assert [n[-4:] for n in numbers] == [f"{i:04d}" for i in range(1, 21)]
    assert ApplicationCounter.objects.get().last == 20
