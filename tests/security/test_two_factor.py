"""Staff sign in with two factors: the real web flow, end to end.

Password, then a TOTP code (or a recovery code), and only then a logged-in
session. The admin goes the same way; citizens may opt in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditEntry
from tests.factories import UserFactory

from .otp import RECOVERY, enrol, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-pass-2026"
LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
ENROL = "/accounts/login/enrol/"
SETTINGS = "/accounts/two-factor/"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def clerk():
    return UserFactory(username="clerk-2fa", roles=["clerk"])


@pytest.fixture
def citizen():
    return UserFactory(username="citizen-2fa", roles=["applicant"])


def _password(client, username="clerk-2fa", password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _later(seconds):
    return time_machine.travel(timezone.now() + timezone.timedelta(seconds=seconds))


def _wrong(device):
    return "000000" if totp_code(device) != "000000" else "111111"


# --- verify: staff with a device ----------------------------------------------------


def test_password_then_code_logs_in(clerk):
    device = enrol(clerk)
    client = Client()
    r = _password(client, next_url="/counter/")
    assert r.status_code == 302 and r["Location"] == VERIFY
    assert SESSION_KEY not in client.session
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "两步验证" in page.content.decode()
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    r = client.post(VERIFY, {"code": totp_code(device)})
    assert r.status_code == 302 and r["Location"] == "/counter/"
    assert client.session[SESSION_KEY] == str(clerk.pk)
    assert "_login_pending" not in client.session
    clerk.refresh_from_db()
    assert clerk.last_login is not None


def test_password_alone_is_no_login(clerk):
    enrol(clerk)
    client = Client()
    _password(client)
    assert SESSION_KEY not in client.session
    r = client.get("/counter/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)
    r = client.get("/accounts/profile/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)


def test_wrong_code_is_refused(clerk):
    device = enrol(clerk)
    client = Client()
    _password(client)
    r = client.post(VERIFY, {"code": _wrong(device)})
    assert r.status_code == 200
    assert "验证码不正确或已使用" in r.content.decode()
    assert SESSION_KEY not in client.session
    for bad in ["", "12345", "x" * 40, "１２３４５６７"]:
        r = client.post(VERIFY, {"code": bad})
        assert r.status_code in (200, 429)
        assert SESSION_KEY not in client.session


def test_full_width_digits_are_accepted(clerk):
    device = enrol(clerk)
    client = Client()
    _password(client)
    code = totp_code(device)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    client.post(VERIFY, {"code": f"{full_width[:3]} {full_width[3:]}"})
    assert client.session[SESSION_KEY] == str(clerk.pk)


def test_a_replayed_code_is_refused_within_its_window(clerk):
    device = enrol(clerk)
    code = totp_code(device)
    first = Client()
    _password(first)
    first.post(VERIFY, {"code": code})
    assert first.session[SESSION_KEY] == str(clerk.pk)
    device.refresh_from_db()
    assert device.last_t > 0
    # Someone who saw the code over the clerk's shoulder, in the same 30 s.
    second = Client()
    _password(second)
    r = second.post(VERIFY, {"code": code})
    assert "验证码不正确或已使用" in r.content.decode()
    assert SESSION_KEY not in second.session
    # The code of the step before (still within the tolerance) is refused too.
    earlier = totp_code(device, at=device.last_t * device.step - 1)
    with _later(3):
        r = second.post(VERIFY, {"code": earlier})
    assert SESSION_KEY not in second.session


def test_a_recovery_code_works_once(clerk):
    enrol(clerk)
    first = Client()
    _password(first)
    first.post(VERIFY, {"code": RECOVERY[0].upper()})
    assert first.session[SESSION_KEY] == str(clerk.pk)
    assert not StaticToken.objects.filter(token=RECOVERY[0]).exists()
    assert AuditEntry.objects.filter(action="otp.recovery_code_used").count() == 1
    second = Client()
    _password(second)
    with _later(5):
        r = second.post(VERIFY, {"code": RECOVERY[0]})
    assert "验证码不正确或已使用" in r.content.decode()
    assert SESSION_KEY not in second.session
    with _later(10):
        second.post(VERIFY, {"code": RECOVERY[1]})
    assert second.session[SESSION_KEY] == str(clerk.pk)


def test_quick_retries_are_throttled_with_retry_after(clerk):
    device = enrol(clerk)
    client = Client()
    _password(client)
    with time_machine.travel(timezone.now(), tick=False):
        client.post(VERIFY, {"code": _wrong(device)})
        r = client.post(VERIFY, {"code": totp_code(device)})
    assert r.status_code == 429
    assert r["Retry-After"] == "1"
    assert SESSION_KEY not in client.session


def test_wrong_codes_count_towards_the_lockout(clerk):
    device = enrol(clerk)
    client = Client()
    _password(client)
    start = timezone.now()
    for n in range(5):
        with time_machine.travel(start + timezone.timedelta(seconds=20 * n)):
            r = client.post(VERIFY, {"code": _wrong(device)})
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert "portal/locked_out.html" in [t.name for t in r.templates]
    assert "_login_pending" not in client.session
    # The password step is locked now too (same name, same address).
    with time_machine.travel(start + timezone.timedelta(seconds=200)):
        assert _password(client).status_code == 429


def test_the_pending_login_expires(clerk, settings):
    device = enrol(clerk)
    client = Client()
    _password(client)
    with _later(settings.LOGIN_PENDING_SECONDS + 1):
        r = client.post(VERIFY, {"code": totp_code(device)})
    assert r.status_code == 302 and r["Location"] == LOGIN
    assert SESSION_KEY not in client.session


def test_no_pending_login_no_code_step(clerk):
    enrol(clerk)
    client = Client()
    for url in (VERIFY, ENROL):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"] == LOGIN
        r = client.post(url, {"code": "123456"})
        assert r.status_code == 302 and r["Location"] == LOGIN


def test_a_deactivated_user_cannot_finish(clerk):
    device = enrol(clerk)
    client = Client()
    _password(client)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    client.post(VERIFY, {"code": totp_code(device)})
    assert SESSION_KEY not in client.session


def test_off_site_next_is_dropped_on_the_way(clerk):
    device = enrol(clerk)
    client = Client()
    _password(client, next_url="https://evil.example/")
    r = client.post(VERIFY, {"code": totp_code(device)})
    assert r["Location"] == "/counter/"  # dropped: the clerk lands on their desk


# --- enrol: staff without a device -----------------------------------------------------


def _manual_key(html: str) -> str:
    return re.search(r'class="otp-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def test_staff_without_a_device_enrols_on_the_way_in(clerk):
    client = Client()
    r = _password(client, next_url="/counter/")
    assert r["Location"] == ENROL
    assert SESSION_KEY not in client.session
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "data:image" not in html
    key = _manual_key(html)
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    assert len(key) == 32
    # A reload shows the same key (a scan a minute ago stays good).
    assert _manual_key(client.get(ENROL).content.decode()) == key
    r = client.post(ENROL, {"code": _wrong(device)})
    assert SESSION_KEY not in client.session
    with _later(3):
        r = client.post(ENROL, {"code": totp_code(device)})
    assert r.status_code == 200
    assert client.session[SESSION_KEY] == str(clerk.pk)
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", r.content.decode())
    assert len(codes) == 10
    assert 'href="/counter/"' in r.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="otp.enabled").count() == 1
    # From now on the login asks for a code; a recovery code works.
    other = Client()
    assert _password(other)["Location"] == VERIFY
    other.post(VERIFY, {"code": codes[3]})
    assert other.session[SESSION_KEY] == str(clerk.pk)


def test_enrolment_page_has_no_inline_script_or_style(clerk):
    client = Client()
    _password(client)
    html = client.get(ENROL).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "<script" not in main and "<style" not in main
    assert "style=" not in main


def test_new_templates_have_no_inline_script_or_style():
    names = [
        "login_verify.html",
        "login_enrol.html",
        "recovery_codes.html",
        "two_factor.html",
        "_totp_setup.html",
        "_otp_field.html",
        "locked_out.html",
    ]
    for name in names:
        text = (TEMPLATES / "portal" / name).read_text()
        assert "<script" not in text and "<style" not in text, name
        assert "style=" not in text and "data:" not in text, name


def test_demo_bypass_lets_staff_without_a_device_in(clerk, settings):
    settings.OTP_DEMO_BYPASS = True
    client = Client()
    r = _password(client)
    assert r.status_code == 302 and r["Location"] == "/counter/"  # the desk
    assert client.session[SESSION_KEY] == str(clerk.pk)
    # With a device the code is asked for even then.
    enrol(clerk)
    other = Client()
    assert _password(other)["Location"] == VERIFY
    assert SESSION_KEY not in other.session


@pytest.mark.parametrize(
    "role", ["reviewer", "department_head", "supervisor", "catalog_editor"]
)
def test_every_staff_role_needs_the_second_factor(role):
    UserFactory(username="someone", roles=[role])
    client = Client()
    assert _password(client, username="someone")["Location"] == ENROL
    assert SESSION_KEY not in client.session


def test_citizens_and_agents_need_no_second_factor(citizen):
    UserFactory(username="agent-2fa", roles=["agent"])
    for username in ("citizen-2fa", "agent-2fa"):
        client = Client()
        r = _password(client, username=username)
        assert r.status_code == 302 and r["Location"] == "/"
        assert SESSION_KEY in client.session


# --- the admin ----------------------------------------------------------------------


def test_the_admin_signs_in_through_the_same_flow():
    admin = UserFactory(username="root-2fa", is_staff=True, is_superuser=True)
    device = enrol(admin)
    client = Client()
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    page = client.get(r["Location"])
    assert "portal/login.html" in [t.name for t in page.templates]
    r = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root-2fa", "password": PASSWORD, "next": "/admin/"},
    )
    assert r["Location"] == VERIFY
    assert client.get("/admin/").status_code == 302
    r = client.post(VERIFY, {"code": totp_code(device)})
    assert r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_superuser_without_a_device_enrols(db):
    UserFactory(username="root-new", is_staff=True, is_superuser=True)
    client = Client()
    r = client.post(
        "/admin/login/",
        {"username": "root-new", "password": PASSWORD, "next": "/admin/"},
    )
    assert r["Location"] == ENROL


# --- the signed-in user's own settings ---------------------------------------------------


def test_profile_links_to_the_two_factor_page(citizen):
    client = Client()
    client.force_login(citizen)
    assert SETTINGS in client.get("/accounts/profile/").content.decode()


def test_two_factor_page_needs_login():
    r = Client().get(SETTINGS)
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)


def test_a_citizen_opts_in_and_out(citizen):
    client = Client()
    client.force_login(citizen)
    page = client.get(SETTINGS)
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=citizen, confirmed=False)
    r = client.post(SETTINGS, {"action": "enable", "enable-code": totp_code(device)})
    assert r.status_code == 200
    assert (
        len(re.findall(r"<li>[a-z2-7]{4}-[a-z2-7]{4}</li>", r.content.decode())) == 10
    )
    device.refresh_from_db()
    assert device.confirmed
    # The next login asks for a code.
    other = Client()
    assert _password(other, username="citizen-2fa")["Location"] == VERIFY
    # Turning it off takes a valid code.
    with _later(40):
        r = client.post(SETTINGS, {"action": "disable", "disable-code": "999999"})
        assert "验证码不正确或已使用" in r.content.decode()
    assert TOTPDevice.objects.filter(user=citizen).exists()
    with _later(80):
        r = client.post(
            SETTINGS, {"action": "disable", "disable-code": totp_code(device)}
        )
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=citizen).exists()
    assert AuditEntry.objects.filter(action="otp.disabled").count() == 1
    assert _password(Client(), username="citizen-2fa")["Location"] == "/"


def test_staff_cannot_turn_it_off(clerk):
    device = enrol(clerk)
    client = Client()
    client.force_login(clerk)
    page = client.get(SETTINGS).content.decode()
    assert 'value="disable"' not in page
    r = client.post(SETTINGS, {"action": "disable", "disable-code": totp_code(device)})
    assert "工作人员账号必须使用两步验证" in r.content.decode()
    assert TOTPDevice.objects.filter(user=clerk, confirmed=True).exists()


def test_renewing_recovery_codes_voids_the_old_ones(clerk):
    device = enrol(clerk)
    client = Client()
    client.force_login(clerk)
    r = client.post(SETTINGS, {"action": "renew", "renew-code": totp_code(device)})
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", r.content.decode())
    assert len(codes) == 10
    assert not StaticToken.objects.filter(token__in=RECOVERY).exists()
    other = Client()
    _password(other)
    with _later(5):
        other.post(VERIFY, {"code": RECOVERY[1]})
    assert SESSION_KEY not in other.session
    with _later(10):
        other.post(VERIFY, {"code": codes[0]})
    assert other.session[SESSION_KEY] == str(clerk.pk)


def test_one_users_device_does_not_verify_another(clerk, citizen):
    enrol(clerk)
    other_device = enrol(citizen, recovery=["zzzz7777"])
    client = Client()
    _password(client)
    client.post(VERIFY, {"code": totp_code(other_device)})
    assert SESSION_KEY not in client.session
    with _later(5):
        client.post(VERIFY, {"code": "zzzz7777"})
    assert SESSION_KEY not in client.session


def test_the_new_pages_speak_english(clerk, settings):
    enrol(clerk)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _password(client)
    html = client.get(VERIFY).content.decode()
    assert "Verify and log in" in html and "验证并登录" not in html
    staff_client = Client()
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    staff_client.force_login(clerk)
    html = staff_client.get(SETTINGS).content.decode()
    assert "recovery codes left" in html
