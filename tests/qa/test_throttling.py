"""Guessing query codes at the public tracking page and API is rate limited.

The limit counts per client address. The address comes from REMOTE_ADDR, or,
with TRUSTED_PROXY_COUNT proxies in front, from the X-Forwarded-For hop the
outermost trusted proxy added: a header the client writes itself must not
buy a fresh budget (nor a false source IP in the audit chain).
"""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from applications import throttling
from applications.api import views as api_views
from portal.request_context import client_ip

pytestmark = pytest.mark.django_db

RATE = "3/min"
_addresses = itertools.count(1)


@pytest.fixture
def address():
    """A client address of its own, so no other test's budget is counted."""
    ip = f"198.51.100.{next(_addresses)}"
    yield ip
    cache.delete(f"throttle_track_{ip}")


@pytest.fixture(autouse=True)
def _small_budget(monkeypatch):
    monkeypatch.setattr(api_views.TrackThrottle, "rate", RATE)
    monkeypatch.setattr(throttling.TrackThrottle, "rate", RATE)


def _api(client, address, n, *, forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded(n)
    return client.get(f"/api/v1/track/X{n}/", {"query_code": "ABCDEFGH"}, **headers)


def _page(client, address, n, **extra):
    return client.get(
        "/track/",
        {"number": f"X{n}", "query_code": "ABCDEFGH"},
        REMOTE_ADDR=address,
        **extra,
    )


def test_api_budget_runs_out(address):
    client = Client()
    codes = [_api(client, address, n).status_code for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_a_forged_forwarded_for_header_does_not_reset_the_api_budget(address):
    client = Client()
    codes = [
        _api(client, address, n, forwarded=lambda n: f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert codes[-1] == 429, codes


def test_the_tracking_page_is_limited_too(address):
    client = Client()
    codes = [_page(client, address, n).status_code for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]
    assert "查询过于频繁" in _page(client, address, 9).content.decode()


def test_page_and_api_share_one_budget(address):
    client = Client()
    assert _page(client, address, 1).status_code == 404
    assert _api(client, address, 2).status_code == 404
    assert _page(client, address, 3).status_code == 404
    assert _api(client, address, 4).status_code == 429
    assert _page(client, address, 5).status_code == 429


def test_a_logged_in_user_is_limited_on_the_page(address, world):
    client = Client()
    client.force_login(world.users["a"])
    codes = [_page(client, address, n).status_code for n in range(5)]
    assert codes[-1] == 429


def test_an_empty_tracking_form_costs_nothing(address):
    client = Client()
    for _ in range(5):
        assert client.get("/track/", REMOTE_ADDR=address).status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_hop_it_added_identifies_the_client(address, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = Client()
    # The proxy's own address is shared; the last hop is the real client.
    spoofed = [
        _api(
            client, "203.0.113.7", n, forwarded=lambda n: f"10.9.9.{n}, {address}"
        ).status_code
        for n in range(4)
    ]
    assert spoofed[-1] == 429
    other = _api(client, "203.0.113.7", 9, forwarded=lambda n: "192.0.2.200")
    assert other.status_code == 404
    cache.delete("throttle_track_192.0.2.200")


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "", "192.0.2.1"),
        (0, "6.6.6.6", "192.0.2.1"),
        (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),
        (1, "198.51.100.9", "198.51.100.9"),
        (2, "6.6.6.6, 198.51.100.9, 10.0.0.2", "198.51.100.9"),
        (1, "", "192.0.2.1"),
    ],
)
def test_audit_source_ip_trusts_only_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"REMOTE_ADDR": "192.0.2.1"}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)
    assert client_ip(request) == expected
