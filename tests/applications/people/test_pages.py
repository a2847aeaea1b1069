import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import AgentAuthorization
from applications.services import people as authorizations
from people.models import ApplicantProfile, EnterpriseMember
from people.privacy import decrypt_id_number
from people.services import enterprises
from portal.models import AuditEntry, User
from tests.factories import ServiceItemFactory, staff
from tests.people.factories import PASSWORD, applicant, credit_code, id_number, in_days

pytestmark = pytest.mark.django_db

STATEMENT = "本人委托代办员办理本人名下的社会保障事项，有效期一个月。"


def _full(user) -> str:
    return decrypt_id_number(user.applicant.id_number_encrypted)


# --------------------------------------------------------------------------
# Registration


def _register_data(**overrides):
    data = {
        "username": "zhaxi",
        "full_name": "扎西",
        "id_number": id_number("51330119900101123"),
        "phone": "13812345678",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_register_page_renders_labelled_fields(client):
    response = client.get(reverse("accounts:register"))
    html = response.content.decode()
    assert response.status_code == 200
    for field in ("username", "full_name", "id_number", "phone", "password1"):
        assert f'<label for="id_{field}"' in html
    assert "csrfmiddlewaretoken" in html
    assert "个人用户注册" in html


def test_register_then_log_in_and_see_masked_profile(client):
    response = client.post(reverse("accounts:register"), _register_data())
    assert response.status_code == 302
    # Not logged in by the registration itself (that would tell a visitor
    # which ID numbers are registered): the new owner logs in.
    assert response["Location"] == reverse("portal:login")
    assert "_auth_user_id" not in client.session
    user = User.objects.get(username="zhaxi")
    assert (
        client.post(
            reverse("portal:login"), {"username": "zhaxi", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.session["_auth_user_id"] == str(user.pk)
    html = client.get(reverse("accounts:profile")).content.decode()
    number = id_number("51330119900101123")
    assert user.applicant.id_number_masked in html
    assert "138****5678" in html
    assert number not in html and "13812345678" not in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"id_number": id_number("51330119900101123")[:-1] + "0"},
            "id_number",
            "校验位错误",
        ),
        ({"id_number": "513301199002301234"}, "id_number", "不是真实日期"),
        ({"id_number": "5133011990"}, "id_number", "应为18位"),
        ({"id_number": "51330119900101ABCD"}, "id_number", "前17位应为数字"),
        ({"phone": "12345"}, "phone", "手机号码应为11位"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "全部是数字"),
        ({"password2": "Other-pass-2026"}, "password2", "两次输入的密码不一致"),
    ],
)
def test_register_errors_show_beside_their_field(client, overrides, field, message):
    response = client.post(reverse("accounts:register"), _register_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert not User.objects.exists() and not ApplicantProfile.objects.exists()
    assert "_auth_user_id" not in client.session


def test_register_duplicate_id_number_page(client, citizen):
    """Answered as a new registration (tests/security/test_registration.py)."""
    response = client.post(
        reverse("accounts:register"), _register_data(username="another")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")
    assert "该身份证号码已注册" not in response.content.decode()
    assert ApplicantProfile.objects.count() == 1
    assert not User.objects.filter(username="another").exists()


# --------------------------------------------------------------------------
# Profile and reveal


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


def test_reveal_shows_full_number_once_and_audits(client, citizen):
    client.force_login(citizen)
    number = _full(citizen)
    page = client.get(reverse("accounts:profile"))
    assert number not in page.content.decode()
    assert "显示完整号码" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    assert client.get(reverse("accounts:profile_reveal")).status_code == 405
    assert not AuditEntry.objects.filter(action="privacy.reveal_id_number").exists()

    revealed = client.post(reverse("accounts:profile_reveal"))
    assert revealed.status_code == 200
    assert number in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    entry = AuditEntry.objects.get(action="privacy.reveal_id_number")
    assert entry.actor == citizen
    assert entry.changes == {"reason": "本人查看"}
    assert entry.object_id == str(citizen.applicant.pk)
    # Nothing kept: the next visit is masked again.
    assert number not in client.get(reverse("accounts:profile")).content.decode()


def test_staff_without_profile_sees_account_page_and_no_reveal(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.post(reverse("accounts:profile_reveal")).status_code == 404


# --------------------------------------------------------------------------
# Enterprises


def _enterprise(user, n=1):
    return enterprises.enterprise_register(
        user=user,
        name=f"康定雪域商贸有限公司{n}",
        credit_code=credit_code(n),
        legal_representative="扎西",
    )


def test_enterprise_register_page(client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:enterprises"),
        {
            "name": "康定雪域商贸有限公司",
            "credit_code": credit_code(7),
            "legal_representative": "扎西",
            "address": "",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:enterprises")).content.decode()
    assert "康定雪域商贸有限公司" in page and "法定代表人" in page


def test_enterprise_register_page_shows_credit_code_error(client, citizen):
    client.force_login(citizen)
    bad = credit_code(7)[:-1] + ("0" if credit_code(7)[-1] != "0" else "1")
    response = client.post(
        reverse("accounts:enterprises"),
        {"name": "甲公司", "credit_code": bad, "legal_representative": "扎西"},
    )
    assert response.status_code == 200
    assert "校验位错误" in response.context["form"].errors["credit_code"][0]


def test_enterprise_detail_is_404_for_outsiders(client, citizen, other_citizen):
    enterprise = _enterprise(citizen)
    client.force_login(other_citizen)
    url = reverse("accounts:enterprise_detail", args=[enterprise.pk])
    assert client.get(url).status_code == 404
    legal = enterprise.members.get()
    revoke = reverse(
        "accounts:enterprise_member_revoke", args=[enterprise.pk, legal.pk]
    )
    assert client.post(revoke).status_code == 404


def test_legal_rep_adds_and_revokes_handler_on_the_page(client, citizen, other_citizen):
    enterprise = _enterprise(citizen)
    client.force_login(citizen)
    url = reverse("accounts:enterprise_detail", args=[enterprise.pk])
    wrong_name = client.post(
        url, {"id_number": _full(other_citizen), "full_name": "某人"}
    )
    assert "未找到" in wrong_name.context["form"].errors["id_number"][0]
    response = client.post(
        url, {"id_number": _full(other_citizen), "full_name": "卓玛"}
    )
    assert response.status_code == 302
    member = EnterpriseMember.objects.get(user=other_citizen)
    page = client.get(url).content.decode()
    assert "卓玛" in page and other_citizen.applicant.id_number_masked in page
    assert _full(other_citizen) not in page

    # The handler sees the enterprise but may not manage members.
    client.force_login(other_citizen)
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"id_number": _full(citizen), "full_name": "扎西"}).status_code
        == 403
    )
    revoke = reverse(
        "accounts:enterprise_member_revoke", args=[enterprise.pk, member.pk]
    )
    client.post(revoke)
    member.refresh_from_db()
    assert member.revoked_at is None

    client.force_login(citizen)
    assert client.post(revoke).status_code == 302
    member.refresh_from_db()
    assert member.revoked_at is not None
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404


def test_enterprise_list_query_count_is_flat(
    client, citizen, django_assert_num_queries
):
    client.force_login(citizen)
    url = reverse("accounts:enterprises")
    _enterprise(citizen, 1)
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(2, 6):
        _enterprise(citizen, n)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["enterprises"]) == 5


# --------------------------------------------------------------------------
# Agent authorisations


def _grant(agent, citizen, **kwargs):
    """The agent's request, then the citizen's confirmation from their account."""
    data = dict(
        agent=agent,
        citizen=citizen,
        valid_until=in_days(30),
        signed_statement=STATEMENT,
    )
    data.update(kwargs)
    pending = authorizations.agent_authorization_request(**data)
    return authorizations.agent_authorization_confirm(
        authorization=pending, citizen=citizen
    )


def test_citizen_sees_and_revokes_on_the_page(client, agent, citizen):
    authorization = _grant(agent, citizen)
    client.force_login(citizen)
    page = client.get(reverse("accounts:authorizations")).content.decode()
    assert "我给出的授权" in page and "撤销授权" in page and "有效" in page
    url = reverse("accounts:authorization_revoke", args=[authorization.pk])
    assert client.post(url).status_code == 302
    authorization.refresh_from_db()
    assert authorization.revoked_by == citizen
    page = client.get(reverse("accounts:authorizations")).content.decode()
    assert "已撤销" in page


def test_wrong_users_cannot_revoke(client, agent, citizen, other_citizen, clerk):
    authorization = _grant(agent, citizen)
    url = reverse("accounts:authorization_revoke", args=[authorization.pk])
    for user in (other_citizen, clerk):
        client.force_login(user)
        assert client.post(url).status_code == 404
    # The agent sees it but cannot revoke it.
    client.force_login(agent)
    response = client.post(url, follow=True)
    assert "授权只能由委托人本人撤销" in response.content.decode()
    authorization.refresh_from_db()
    assert authorization.revoked_at is None


def test_agent_sees_only_own_authorisations(client, agent, citizen, other_citizen):
    other_agent = staff("agent-2", "agent")
    _grant(agent, citizen)
    _grant(other_agent, other_citizen)
    client.force_login(agent)
    page = client.get(reverse("accounts:authorizations")).content.decode()
    assert "扎西" in page and "卓玛" not in page
    assert citizen.applicant.id_number_masked in page
    assert _full(citizen) not in page


def test_document_is_served_only_to_the_two_parties(
    client, agent, citizen, other_citizen
):
    pdf = b"%PDF-1.4\n%%EOF\n"
    authorization = _grant(
        agent,
        citizen,
        document=SimpleUploadedFile("a.pdf", pdf),
        signed_statement="",
    )
    url = reverse("accounts:authorization_document", args=[authorization.pk])
    for user in (citizen, agent):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404
    statement_only = _grant(agent, citizen)
    client.force_login(citizen)
    url = reverse("accounts:authorization_document", args=[statement_only.pk])
    assert client.get(url).status_code == 404


def test_grant_page_is_for_agents_only(client, citizen, clerk):
    for user in (citizen, clerk):
        client.force_login(user)
        assert client.get(reverse("accounts:authorization_new")).status_code == 403


def test_agent_grants_with_statement_on_the_page(client, agent, citizen):
    item = ServiceItemFactory()
    client.force_login(agent)
    response = client.post(
        reverse("accounts:authorization_new"),
        {
            "citizen_id_number": _full(citizen),
            "citizen_full_name": "扎西",
            "item_code": item.basic_code,
            "valid_until": in_days(10).isoformat(),
            "signed_statement": STATEMENT,
        },
    )
    assert response.status_code == 302
    authorization = AgentAuthorization.objects.get()
    assert (authorization.agent, authorization.citizen, authorization.item) == (
        agent,
        citizen,
        item,
    )


def test_agent_grants_with_document_on_the_page(client, agent, citizen):
    client.force_login(agent)
    response = client.post(
        reverse("accounts:authorization_new"),
        {
            "citizen_id_number": _full(citizen),
            "citizen_full_name": "扎西",
            "valid_until": in_days(10).isoformat(),
            "document": SimpleUploadedFile(
                "授权书.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10
            ),
        },
    )
    assert response.status_code == 302
    assert AgentAuthorization.objects.get().document.name.endswith(".png")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"citizen_full_name": "别人"}, "citizen_id_number", "未找到"),
        (
            {"citizen_id_number": id_number("51332219850615224")},
            "citizen_id_number",
            "未找到",
        ),
        ({"citizen_id_number": "513301199002301234"}, "citizen_id_number", "出生日期"),
        ({"signed_statement": ""}, "document", "请上传委托人签字的授权书"),
        (
            {
                "signed_statement": "",
                "document": SimpleUploadedFile("x.pdf", b"MZ\x90\x00binary"),
            },
            "document",
            "只接受 PDF、JPEG 或 PNG",
        ),
        ({"valid_until": "2020-01-01"}, "valid_until", "不能早于今天"),
        ({"item_code": "000000000000"}, "item_code", "未找到该基本编码"),
    ],
)
def test_grant_page_errors_show_beside_their_field(
    client, agent, citizen, overrides, field, message
):
    client.force_login(agent)
    data = {
        "citizen_id_number": _full(citizen),
        "citizen_full_name": "扎西",
        "valid_until": in_days(10).isoformat(),
        "signed_statement": STATEMENT,
    }
    data.update(overrides)
    response = client.post(reverse("accounts:authorization_new"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert not AgentAuthorization.objects.exists()


def test_authorization_list_query_count_is_flat(
    client, agent, django_assert_num_queries
):
    citizens = [
        applicant(
            f"citizen{i}",
            full_name="洛桑",
            first17=f"51330119800101{i}11",
            phone=f"1350000000{i}",
        )
        for i in range(5)
    ]
    _grant(agent, citizens[0])
    client.force_login(agent)
    url = reverse("accounts:authorizations")
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for c in citizens[1:]:
        _grant(agent, c)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["held"]) == 5
