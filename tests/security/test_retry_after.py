"""429 answers carry Retry-After: the public tracking page too."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from applications.throttling import TrackThrottle

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"


@pytest.fixture(autouse=True)
def _fresh():
    cache.delete(f"throttle_track_{IP}")
    yield
    cache.delete(f"throttle_track_{IP}")


def test_the_tracking_page_says_when_to_come_back(monkeypatch):
    monkeypatch.setattr(TrackThrottle, "rate", "2/min")
    client = Client()
    query = {"number": "X" * 47, "query_code": "ABCDEFGH"}
    statuses = [client.get("/track/", query, REMOTE_ADDR=IP) for _ in range(3)]
    assert all(r.status_code != 429 for r in statuses[:2])
    last = statuses[-1]
    assert last.status_code == 429
    assert 0 < int(last["Retry-After"]) <= 60
    assert all("Retry-After" not in r for r in statuses[:2])
