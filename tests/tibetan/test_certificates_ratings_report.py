"""The certificate wallet and verification, rating, complaints and the public
performance report in Tibetan: the pages, their labels and their errors; the
same refusals as in Chinese (a stranger's certificate is still a 404)."""

from __future__ import annotations

import itertools
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people.models import Enterprise, EnterpriseMember
from supervision.models import Complaint, Rating
from tests.evidence.factories import (
    CITIZEN_ID,
    ENTERPRISE_CODE,
    cert_type,
    department_with_key,
    license_for,
)
from tests.factories import UserFactory
from tests.people.factories import applicant as registered_applicant
from tests.supervision.conftest import (  # noqa: F401 - fixtures
    _applications_alone,
    _sms_to_file,
    applicant,
    clerk,
    delivered,
    department,
    hall,
    hall_impl,
    implementation,
    make,
    reviewer,
)
from tests.supervision.dashboard.conftest import (  # noqa: F401 - fixtures
    counties,
    make_apps,
    regions,
)

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
_addresses = itertools.count(1)


def tibetan(client: Client | None = None) -> Client:
    client = client or Client()
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    return client


def main(response, *data: str) -> str:
    """The page's <main>, checked to be a Tibetan page with no Chinese left
    but the ``data`` given (names of certificates, departments, people)."""
    html = response.content.decode()
    assert '<html lang="bo"' in html
    body = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    rest = body
    for text in data:
        rest = rest.replace(str(text), "")
    assert not HAN.findall(rest), HAN.findall(rest)[:20]
    return body


# --- the wallet and verification -------------------------------------------------


@pytest.fixture
def address():
    ip = f"198.51.100.{next(_addresses)}"
    yield ip
    cache.delete(f"throttle_evidence_verify_{ip}")


@pytest.fixture
def holder(settings):
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
    user = registered_applicant("wallet-bo", first17=CITIZEN_ID[:17])
    enterprise = Enterprise.objects.create(
        name="康定测试餐饮有限公司",
        credit_code=ENTERPRISE_CODE,
        legal_representative="扎西",
        region_code="513301",
    )
    EnterpriseMember.objects.create(enterprise=enterprise, user=user, role="legal_rep")
    return user


@pytest.fixture
def licence(holder):
    dep = department_with_key()
    license_for(
        issuer=dep,
        holder_number=CITIZEN_ID,
        holder_name="扎西",
        t=cert_type("002", "居民户口簿", "natural", schema={}),
        data={},
    )
    return license_for(issuer=dep)


def _data(cert) -> list[str]:
    """What a certificate's page shows of its data (Chinese as issued)."""
    values = [cert.certificate_type.name, cert.issuer.name, cert.holder_name]
    values += [str(v) for v in (cert.data or {}).values()]
    values += [
        p["title"]
        for p in cert.certificate_type.spec.data_schema["properties"].values()
    ]
    return values + ["居民户口簿", "扎西"]


def test_the_wallet_and_a_certificate_in_tibetan(licence, holder):
    client = tibetan()
    client.force_login(holder)
    wallet = client.get("/my/certificates/")
    assert wallet.status_code == 200
    text = main(wallet, *_data(licence))
    assert "ངའི་ལག་ཁྱེར།" in text and "ནུས་ལྡན།" in text and "སྤྲད་ཚེས།" in text
    detail = client.get(f"/my/certificates/{licence.identifier}/")
    assert detail.status_code == 200
    text = main(detail, *_data(licence))
    for words in ("ལག་ཁྱེར་འཛིན་མཁན།", "སྤྲོད་མཁན་སྡེ་ཚན།", "དྲ་ཐོག་བདེན་དཔྱད།"):
        assert words in text
    log = client.get("/my/access-log/")
    assert log.status_code == 200
    assert "སུས་ངའི་གཞི་གྲངས་ལ་བལྟས་སམ།" in main(log)


def test_a_stranger_is_still_refused_a_certificate_in_tibetan(licence):
    other = tibetan()
    other.force_login(UserFactory(username="nosy-bo"))
    for url in (
        f"/my/certificates/{licence.identifier}/",
        f"/my/certificates/{licence.identifier}/pdf/",
    ):
        response = other.get(url)
        assert response.status_code == 404
        assert '<html lang="bo"' in response.content.decode()
    assert "居民户口簿" not in other.get("/my/certificates/").content.decode()


def test_verification_in_tibetan(licence, address):
    client = tibetan()
    page = client.get(f"/evidence/verify/{licence.identifier}/", REMOTE_ADDR=address)
    assert page.status_code == 200
    masked = page.context["result"].holder_name_masked
    key_id = page.context["result"].key_id
    text = main(page, *_data(licence), masked, key_id)
    assert "བདེན་པ་དང་ནུས་ལྡན།" in text and "ར་སྤྲོད་ཐུབ།" in text
    assert "ལག་ཁྱེར་གྱི་གནས་སྟངས།" in text and "ནུས་ལྡན།" in text
    wrong = "R" if licence.identifier.endswith("Q") else "Q"
    bad = client.get(
        f"/evidence/verify/{licence.identifier[:-1]}{wrong}/", REMOTE_ADDR=address
    )
    assert bad.status_code == 400
    assert "ཞིབ་དཔྱད་ཨང་ནོར་འདུག" in main(bad)
    unknown = client.get(
        "/evidence/verify/", {"identifier": "x"}, REMOTE_ADDR=address, follow=True
    )
    assert unknown.status_code == 400
    main(unknown)
    # The same refusal in Chinese.
    chinese = Client().get(
        f"/evidence/verify/{licence.identifier[:-1]}{wrong}/", REMOTE_ADDR=address
    )
    assert chinese.status_code == 400 and "校验位" in chinese.content.decode()


# --- rating ----------------------------------------------------------------------


def test_the_rating_form_and_its_errors_in_tibetan(delivered, applicant):  # noqa: F811
    client = tibetan()
    client.force_login(applicant)
    url = reverse("supervision:rate", args=[delivered.pk])
    names = [
        delivered.number,
        delivered.version.name,
        delivered.implementation.department.name,
    ]
    page = client.get(url)
    assert page.status_code == 200
    text = main(page, *names)
    for words in ("དཔྱད་བརྗོད་ཀྱི་རིམ་པ།", "ཧ་ཅང་ཡིད་མ་ཚིམ།", "སྒྲུབ་པ་འགོར།", "དཔྱད་བརྗོད་འབུལ་བ།"):
        assert words in text
    for bad in ({"level": "9"}, {"comment": "慢"}):
        response = client.post(url, bad)
        assert response.status_code == 400
        assert "དཔྱད་བརྗོད་ཀྱི་རིམ་པ་ལྔའི་ནང་ནས་གཅིག་འདེམས་རོགས།" in main(response, *names, "慢")
    assert not Rating.objects.exists()
    done = client.post(url, {"level": "2", "tags": ["slow"]}, follow=True)
    text = main(done, *names)
    assert "ཁྱེད་ཀྱི་དཔྱད་བརྗོད་ལ་ཐུགས་རྗེ་ཆེ།" in text and "ཡིད་མ་ཚིམ།" in text
    # The link on my application's page.
    detail = client.get(reverse("applications:my_detail", args=[delivered.pk]))
    assert "ཐེངས་འདིའི་ཞབས་ཞུར་དཔྱད་བརྗོད།" in detail.content.decode()


def test_the_kiosk_in_tibetan(clerk):  # noqa: F811
    client = tibetan()
    client.force_login(clerk)
    start = client.get(reverse("supervision:kiosk_start"))
    assert "སྒེའུ་ཁུང་གི་ཞབས་ཞུར་དཔྱད་བརྗོད།" in main(start)
    empty = client.post(reverse("supervision:kiosk_start"), {"reference": ""})
    assert empty.status_code == 400 and "རྣམ་གྲངས་འདི་འབྲི་རོགས།" in main(empty)
    opened = client.post(reverse("supervision:kiosk_start"), {"reference": "A017"})
    page = client.get(opened.url)
    hall_name = page.context["visit"].hall.name
    assert "ཧ་ཅང་ཡིད་ཚིམ།" in main(page, hall_name)
    assert "ཁྱེད་ཀྱི་དཔྱད་བརྗོད་ལ་ཐུགས་རྗེ་ཆེ།" in main(client.post(opened.url, {"level": "5"}))


# --- complaints ------------------------------------------------------------------

GOOD = {
    "content": "窗口人员要求重复提交已经提供过的材料",
    "contact_name": "卓玛",
    "contact_phone": "13800138000",
}


def test_the_complaint_form_and_its_errors_in_tibetan(department):  # noqa: F811
    client = tibetan()
    url = reverse("supervision:complaint_new")
    page = client.get(url)
    assert page.status_code == 200
    departments = [
        name for _pk, name in page.context["form"].fields["department"].choices
    ]
    text = main(page, *departments)
    assert "ཞུ་གཏུག་གི་ནང་དོན།" in text and "ལག་ཐོགས་ཁ་པར་ཨང་གྲངས།" in text
    empty = client.post(url, {**GOOD, "department": department.pk, "content": ""})
    assert empty.status_code == 400
    assert "རྣམ་གྲངས་འདི་འབྲི་རོགས།" in main(empty, *departments, *GOOD.values())
    phone = client.post(
        url, {**GOOD, "department": department.pk, "contact_phone": "12345"}
    )
    assert phone.status_code == 400
    assert "ལག་ཐོགས་ཁ་པར་ཨང་གྲངས་ཡང་དག་པ་འབྲི་རོགས།" in main(
        phone, *departments, *GOOD.values(), "12345"
    )
    short = client.post(url, {**GOOD, "department": department.pk, "content": "太慢"})
    assert "ཞུ་གཏུག་གི་ནང་དོན་ཡིག་འབྲུ་" in main(short, *departments, *GOOD.values(), "太慢")
    nothing = client.post(url, GOOD)
    assert "ཞུ་གཏུག་བྱ་ཡུལ་གྱི་ཞུ་ཡིག་ཨང་རྟགས་འབྲི་བའམ་སྡེ་ཚན་འདེམས་རོགས།" in main(
        nothing, *departments, *GOOD.values()
    )
    assert not Complaint.objects.exists()
    # The same refusal in Chinese, same code on the service.
    chinese = Client().post(
        url, {**GOOD, "department": department.pk, "contact_phone": "12345"}
    )
    assert chinese.status_code == 400
    assert "请填写正确的手机号码" in chinese.content.decode()
    filed = client.post(url, {**GOOD, "department": department.pk})
    text = main(filed, *departments)
    assert "ཞུ་གཏུག་ཕུལ་ཟིན།" in text and "འཚོལ་ཞིབ་ཨང་གྲངས།" in text


def test_tracking_a_complaint_in_tibetan(department):  # noqa: F811
    client = tibetan()
    url = reverse("supervision:complaint_track")
    assert "ཞུ་གཏུག་འཚོལ་ཞིབ།" in main(client.get(url))
    empty = client.post(url, {"number": "", "query_code": ""})
    assert "རྣམ་གྲངས་འདི་འབྲི་རོགས།" in main(empty)
    wrong = client.post(url, {"number": "TS0000000000000000", "query_code": "ABCDEFGH"})
    assert wrong.status_code == 404
    assert "ཞུ་གཏུག་ཨང་རྟགས་སམ་འཚོལ་ཞིབ་ཨང་གྲངས་ནོར་འདུག" in main(
        wrong, "TS0000000000000000", "ABCDEFGH"
    )


# --- the public performance report ---------------------------------------------------


def test_the_public_report_in_tibetan(counties, make_apps):  # noqa: F811
    make_apps("kd", submitted=3, accepted=1, delivered=2)
    make_apps("ld", submitted=1, accepted=1)
    client = tibetan()
    today = timezone.localdate()
    month = {"year": today.year, "month": today.month}
    page = client.get(reverse("supervision:performance"), month)
    assert page.status_code == 200
    assert page.context["report"].months
    names = [c.department.name for c in counties.values()]
    text = main(page, *names)
    for words in (
        "གཞུང་དོན་ཞབས་ཞུའི་ལས་དོན་གྲུབ་འབྲས་ཁྱབ་བསྒྲགས།",
        "ཞུ་ཡིག་འབྱོར་གྲངས།",
        "དུས་ཐོག་ལས་དོན་གྲུབ་པའི་ཆ་ཚད།",
        "ཁྱབ་བསྒྲགས་མི་བྱེད།",
        "དཔེ་ཚད་ 5 ལས་ཉུང་བས་ཁྱབ་བསྒྲགས་མི་བྱེད།",
        "ཚད་གཞིའི་གོ་དོན།",
    ):
        assert words in text, words
    bad = client.get(reverse("supervision:performance"), {"year": "1800"})
    assert bad.status_code == 400
    assert "ལོ་འམ་ཟླ་བ་ནུས་མེད།" in main(bad)
    year = client.get(
        reverse("supervision:performance"), {"year": today.year, "month": ""}
    )
    assert year.status_code == 200
    main(year, *names)
