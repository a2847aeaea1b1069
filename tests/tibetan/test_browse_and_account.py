"""The browse pages (departments, regions, themes, types, intermediaries) and
the citizen's account pages in Tibetan: regions', departments' and themes'
Tibetan names with the Chinese-only marker where there is none, the account
forms and their errors in Tibetan, and the wrong user still refused."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.demo import loader
from catalog.demo import tibetan as demo_tibetan
from catalog.models import Department, Region
from people.codes import make_credit_code
from people.services.enterprises import enterprise_register
from tests.applications.factories import (
    agent_user,
    applicable_version,
    authorization,
    citizen,
    hall_and_implementation,
)
from tests.factories import DepartmentFactory, ThemeFactory, ganzi_regions

pytestmark = pytest.mark.django_db

MARKER = "（རྒྱ་ཡིག་ཁོ་ན།）"
KANGDING_BO = "དར་རྩེ་མདོ་གྲོང་ཁྱེར"
PREFECTURE_BO = "དཀར་མཛེས་བོད་རིགས་རང་སྐྱོང་ཁུལ"
DEPARTMENT_BO = "དར་རྩེ་མདོ་གྲོང་ཁྱེར་སྤྱི་བདེ་ཅུས"


def _bo(client: Client | None = None) -> Client:
    client = client or Client()
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    return client


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    html = response.content.decode()
    assert '<html lang="bo"' in html, url
    return html


@pytest.fixture
def places():
    regions = ganzi_regions()
    Region.objects.filter(code="513300").update(name_bo=PREFECTURE_BO)
    Region.objects.filter(code="513301").update(name_bo=KANGDING_BO)
    # Luding (513322) and the township keep only their Chinese names.
    department = DepartmentFactory(
        name="康定市公安局", name_bo=DEPARTMENT_BO, region=regions["513301"]
    )
    chinese_only = DepartmentFactory(name="泸定县民政局", region=regions["513322"])
    version = applicable_version(department=department)
    version.item.lead_department = department
    version.item.save(update_fields=["lead_department"])
    _hall, implementation = hall_and_implementation(version, region=regions["513301"])
    Department.objects.filter(pk=implementation.department_id).update(
        name_bo="དར་རྩེ་མདོ་གྲོང་ཁྱེར་ཚོང་ར་ལྟ་ཞིབ་དོ་དམ་ཅུས"
    )
    return {"department": department, "chinese_only": chinese_only, "version": version}


def test_the_region_list_shows_tibetan_names_and_marks_a_missing_one(places):
    html = _page(_bo(), "/regions/")
    assert KANGDING_BO in html
    assert PREFECTURE_BO in html
    assert "ས་ཁོངས་ལྟར་ལས་དོན་སྒྲུབ་པ" in html  # 按区划办事
    # Luding has no Tibetan name: its Chinese, marked as such
    assert '<span lang="zh-Hans">泸定县</span> <small class="lang-fallback">' in html
    assert MARKER in html
    assert "康定市" not in html


def test_a_region_page_in_tibetan(places):
    html = _page(_bo(), "/regions/513301/")
    assert f"<h1>{KANGDING_BO}</h1>" in html
    assert f"<title>{KANGDING_BO} ·" in html
    # a township without a Tibetan name: Chinese, marked
    assert '<span lang="zh-Hans">炉城街道</span>' in html
    # the department the item is led by, in Tibetan, in the results
    assert DEPARTMENT_BO in html


def test_the_department_pages_in_tibetan(places):
    client = _bo()
    html = _page(client, "/departments/")
    assert DEPARTMENT_BO in html
    assert '<span lang="zh-Hans">泸定县民政局</span>' in html and MARKER in html
    assert "སྡེ་ཚན་ལྟར་ལས་དོན་སྒྲུབ་པ" in html  # 按部门办事
    html = _page(client, f"/departments/{places['department'].credit_code}/")
    assert f"<h1>{DEPARTMENT_BO}</h1>" in html
    assert KANGDING_BO in html  # 所属区划
    assert "རྫོང་རིམ" in html  # 县级, the level
    assert "སྤྱི་ཚོགས་ཡིད་རྟོན་ཨང་རྟགས་གཅིག་གྱུར" in html


def test_the_chinese_pages_keep_the_chinese_names(places):
    html = Client().get("/regions/").content.decode()
    assert "康定市" in html and KANGDING_BO not in html
    assert "lang-fallback" not in html


def test_themes_and_types_in_tibetan(places):
    ThemeFactory(code="birth", name="出生", name_bo="སྐྱེས་པ")
    ThemeFactory(code="tax", name="纳税缴费", audience="enterprise")
    client = _bo()
    html = _page(client, "/themes/")
    assert "སྐྱེས་པ" in html
    assert '<span lang="zh-Hans">纳税缴费</span>' in html
    html = _page(client, "/themes/birth/")
    assert "<h1>སྐྱེས་པ</h1>" in html
    html = _page(client, "/types/")
    assert "སྲིད་འཛིན་ཆོག་མཆན" in html  # 行政许可
    assert "行政许可" not in html


def test_the_search_filters_and_results_use_the_tibetan_names(places):
    html = _page(_bo(), "/items/?region=513301")
    assert f'<option value="513301" selected>{KANGDING_BO}</option>' in html
    assert f">{DEPARTMENT_BO}</option>" in html
    assert f"ས་ཁོངས།：{KANGDING_BO}" in html  # the active filter
    assert "རིམ་པ་ Ⅲ" in html  # the item's online depth, in Tibetan


def test_the_guide_names_the_implementing_body_in_tibetan(places):
    code = places["version"].item.basic_code
    html = _page(_bo(), f"/items/{code}/")
    assert "དར་རྩེ་མདོ་གྲོང་ཁྱེར་ཚོང་ར་ལྟ་ཞིབ་དོ་དམ་ཅུས" in html
    assert f"{KANGDING_BO} · " in html


def test_the_intermediary_list_in_tibetan(places):
    html = _page(_bo(), "/intermediaries/")
    assert "བར་མཚམས་ཞབས་ཞུ" in html


# --- the demo ----------------------------------------------------------------


def test_the_demo_fills_missing_tibetan_names_and_keeps_corrected_ones():
    tally = loader.Tally()
    regions = loader._regions(tally)
    departments = loader._departments(tally, regions)
    assert regions["513322"].name_bo == "ལྕགས་ཟམ་རྫོང"
    assert len([r for r in regions.values() if r.name_bo]) == 20  # 四川, 州, 18
    assert all(d.name_bo for d in departments.values())
    # an earlier run's rows without Tibetan; an editor's correction
    Region.objects.filter(code="513334").update(name_bo="")
    Region.objects.filter(code="513337").update(name_bo="འདབ་པ་རྫོང་ (corrected)")
    Department.objects.update(name_bo="")
    tally = loader.Tally()
    regions = loader._regions(tally)
    loader._departments(tally, regions)
    assert Region.objects.get(code="513334").name_bo == "ལི་ཐང་རྫོང"
    assert Region.objects.get(code="513337").name_bo == "འདབ་པ་རྫོང་ (corrected)"
    assert not Department.objects.filter(name_bo="").exists()
    tally = loader.Tally()
    loader._departments(tally, loader._regions(tally))
    assert tally.total("updated") == 0


def test_the_demo_themes_all_have_tibetan_names():
    themes = loader._themes(loader.Tally())
    assert all(t.name_bo for t in themes.values())
    assert set(demo_tibetan.THEMES) == set(themes)


# --- the account pages -------------------------------------------------------


def _citizen_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return _bo(client)


def test_the_profile_page_in_tibetan():
    user = citizen("pema", full_name="པདྨ་སྒྲོལ་མ")
    html = _page(_citizen_client(user), "/accounts/profile/")
    for text in (
        "ངའི་ཆ་འཕྲིན",  # 我的资料
        "ཐོབ་ཐང་ལག་ཁྱེར་ཨང་གྲངས",  # 身份证号码
        "ཨང་གྲངས་ཆ་ཚང་སྟོན་པ",  # 显示完整号码
        "ངའི་ཁེ་ལས",  # 我的企业 (the account menu)
        "1990-01-01",
    ):
        assert text in html, text
    assert "我的资料" not in html


def test_a_malformed_credit_code_is_refused_in_tibetan():
    user = citizen("pema", full_name="པདྨ་སྒྲོལ་མ")
    client = _citizen_client(user)
    html = _page(client, "/accounts/enterprises/")
    assert "ཁེ་ལས་ཐོ་འགོད" in html  # 登记企业
    assert "ལས་ཁུངས་ཀྱི་མིང" in html  # the form's label 单位名称
    response = client.post(
        "/accounts/enterprises/",
        {
            "name": "དཀར་མཛེས་ཚོང་ཁང་།",
            "credit_code": "91513301MA6",
            "legal_representative": "པདྨ་སྒྲོལ་མ",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "སྤྱི་ཚོགས་ཡིད་རྟོན་ཨང་རྟགས་གཅིག་གྱུར་ལ་ཡིག་འབྲུ་ 18 དགོས། དངོས་སུ་ 11 འདུག" in html
    assert "统一社会信用代码应为18位" not in html
    assert not user.enterprise_roles.exists()


def test_an_agent_request_with_a_malformed_id_number_is_refused_in_tibetan():
    agent = agent_user("agent-bo")
    client = _citizen_client(agent)
    html = _page(client, "/accounts/authorizations/new/")
    assert "ཚབ་བཅོལ་མཁན་གྱི་ཐོབ་ཐང་ལག་ཁྱེར་ཨང་གྲངས" in html  # 委托人身份证号码
    response = client.post(
        "/accounts/authorizations/new/",
        {
            "citizen_id_number": "51330119900101",
            "citizen_full_name": "པདྨ་སྒྲོལ་མ",
            "valid_until": "2099-01-01",
            "signed_statement": "x" * 40,
        },
    )
    html = response.content.decode()
    assert "ཐོབ་ཐང་ལག་ཁྱེར་ཨང་གྲངས་ལ་ཨང་ཀི་ 18 དགོས། དངོས་སུ་ 14 འདུག" in html
    assert "身份证号码应为18位" not in html


def test_the_citizen_grant_page_in_tibetan():
    user = citizen("pema", full_name="པདྨ་སྒྲོལ་མ")
    client = _citizen_client(user)
    html = _page(client, "/accounts/authorizations/grant/")
    assert "ཚབ་སྒྲུབ་པའི་རྩིས་ཐོ" in html  # 代办员账号
    response = client.post(
        "/accounts/authorizations/grant/",
        {"agent_username": "nobody", "valid_until": "2099-01-01"},
    )
    assert response.status_code == 400
    assert "ཚབ་སྒྲུབ་པའི་རྩིས་ཐོ་དེ་མ་རྙེད" in response.content.decode()


def test_the_authorization_list_in_tibetan():
    user = citizen("pema", full_name="པདྨ་སྒྲོལ་མ")
    authorization(agent=agent_user("agent-bo"), citizen=user)
    html = _page(_citizen_client(user), "/accounts/authorizations/")
    assert "ངས་སྤྲད་པའི་དབང་སྤྲོད" in html  # 我给出的授权
    assert "ནུས་ལྡན" in html  # 有效, the state
    assert "དབང་སྤྲོད་མེད་པར་བཟོ་བ" in html  # 撤销授权


def test_the_wrong_user_is_still_refused_on_the_tibetan_account_pages():
    owner = citizen("owner", full_name="བཀྲ་ཤིས")
    other = citizen("other", full_name="ཚེ་རིང")
    enterprise = enterprise_register(
        user=owner,
        name="甘孜测试公司",
        credit_code=make_credit_code("91513301MA6ABCDE0"),
        legal_representative="བཀྲ་ཤིས",
    )
    agent = agent_user("agent-bo")
    pending = authorization(agent=agent, citizen=owner, pending=True)
    client = _citizen_client(other)
    html = _page(client, f"/accounts/enterprises/{enterprise.pk}/", status=404)
    assert "甘孜测试公司" not in html
    response = client.post(f"/accounts/enterprises/{enterprise.pk}/")
    assert response.status_code == 404
    # someone else's authorisation: neither confirmed nor revoked
    assert (
        client.post(f"/accounts/authorizations/{pending.pk}/confirm/").status_code
        == 404
    )
    assert (
        client.post(f"/accounts/authorizations/{pending.pk}/revoke/").status_code == 404
    )
    pending.refresh_from_db()
    assert pending.confirmed_at is None and pending.revoked_at is None
    # a citizen is no agent: no agent request page, no agent code page
    _page(client, "/accounts/authorizations/new/", status=403)
    assert client.get(f"/accounts/authorizations/{pending.pk}/code/").status_code == 404
    # another agent cannot type the citizen's code
    other_agent = _citizen_client(agent_user("agent-two"))
    response = other_agent.get(f"/accounts/authorizations/{pending.pk}/code/")
    assert response.status_code == 404


def test_a_counted_message_is_tibetan_too(places):
    """``blocktranslate count`` asks ngettext, which a singular catalog entry
    does not answer: the counts are plural entries (scripts/bo_messages.py)."""
    client = _bo()
    html = _page(client, "/regions/")
    assert "ཁུལ་རིམ་གྱིས་ལག་བསྟར་བྱེད་པའི་རྣམ་གྲངས་" in html  # 州本级实施N项
    assert "项" not in html
    html = _page(client, "/items/")
    assert "ལས་དོན་རྣམ་གྲངས་ 1 རྙེད་སོང་།" in html  # 共找到 1 个事项
