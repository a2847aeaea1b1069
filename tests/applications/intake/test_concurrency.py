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
from portal.audit import audit_verify
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
@pytest.mark.parametrize("data", ["setup_data", "form_only_data"])
def test_50_concurrent_submissions_with_one_key_make_one_application(data, request):
    """With materials and with form data only (the two API shapes)."""
    impl, user, body = request.getfixturevalue(data)

    def post(i):
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=user.pk))
        return client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="one-key")

    results = _run_threads(50, post)
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 200: 49}, results[:3]
    assert len({data["id"] for _, data in results}) == 1
    assert len({data["number"] for _, data in results}) == 1
    assert all(data["status"] == "submitted" for _, data in results)
    assert Application.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert StatusChange.objects.count() == 1
    assert ApplicationCounter.objects.get().last == 1
    assert audit_verify()[1] is None


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


@pytest.fixture
def form_only_data():
    """An item with optional materials only: form data alone submits it."""
    version = applicable_version(
        materials=[{"name": "补充说明", "necessity": cc.MaterialNecessity.OPTIONAL}]
    )
    _, impl = hall_and_implementation(version)
    user = citizen("zhaxi")
    body = {"implementation": impl.code, "form_data": GOOD_FORM, "submit": True}
    return impl, user, body


@pytest.mark.django_db(transaction=True)
def test_both_shapes_interleaved_share_numbers_and_chains(form_only_data):
    """Form-only and with-materials requests lock key, chain head and day
    counter in one order: no deadlock, consecutive numbers, every audit
    chain intact."""
    impl, user, body = form_only_data
    with_materials = {**body, "materials": []}

    def request(i):
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=user.pk))
        return client.post(
            LIST,
            body if i % 2 else with_materials,
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"key-{i}",
        )

    results = _run_threads(30, request)
    assert Counter(status for status, _ in results) == {201: 30}, results[:3]
    numbers = sorted(data["number"] for _, data in results)
    assert [n[-4:] for n in numbers] == [f"{i:04d}" for i in range(1, 31)]
    assert ApplicationCounter.objects.get().last == 30
    checked, broken = audit_verify()
    assert broken is None and checked >= 60
