import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from evidence import selectors
from evidence.codes import make_identifier
from evidence.models import Certificate
from evidence.services.importing import certificate_import_xlsx
from portal.errors import ServiceError
from tests.factories import UserFactory

from .factories import ENTERPRISE_CODE, cert_type, department_with_key

pytestmark = pytest.mark.django_db

HEADERS = [
    "证照类型代码",
    "颁发部门代码",
    "顺序号",
    "持证主体代码",
    "持证主体名称",
    "签发日期",
    "照面信息",
    "电子证照标识",
]
DATA = json.dumps(
    {"enterprise_name": "甲公司", "legal_representative": "扎西"}, ensure_ascii=False
)


def upload(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.title = "电子证照"
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("certs.xlsx", buf.getvalue())


@pytest.fixture
def setup():
    return cert_type(), department_with_key()


def row(t, dep, serial="A1", holder=ENTERPRISE_CODE, ident=""):
    return [
        t.code,
        dep.credit_code,
        serial,
        holder,
        "甲公司",
        "2024-05-01",
        DATA,
        ident,
    ]


def test_import_all_rows_signed(setup):
    t, dep = setup
    ident = make_identifier(type_code=t.code, issuer_code=dep.credit_code, serial="A2")
    result = certificate_import_xlsx(
        file=upload([row(t, dep, "A1"), row(t, dep, "A2", ident=ident)]),
        actor=UserFactory(),
    )
    assert len(result.created) == 2 and ident in result.created
    assert all(selectors.verify(i).valid for i in result.created)


def test_bad_rows_import_nothing_and_name_rows(setup, tmp_path, settings):
    t, dep = setup
    good = make_identifier(type_code=t.code, issuer_code=dep.credit_code, serial="B1")
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    bad_holder = ENTERPRISE_CODE[:17] + ("0" if ENTERPRISE_CODE[17] != "0" else "1")
    rows = [
        row(t, dep, "B1"),
        row(t, dep, "B1"),  # duplicate of row 2
        row(t, dep, "B3", ident=bad_check),
        row(t, dep, "B4", holder=bad_holder),
        row(t, dep, "B5", holder="513301199001011234"),
    ]
    with pytest.raises(ServiceError) as exc:
        certificate_import_xlsx(file=upload(rows), actor=UserFactory())
    errors = exc.value.errors
    text = "\n".join(str(e.detail) for e in errors)
    assert "第3行" in text and "与第2行重复" in text
    assert any(
        e.code == "identifier_check" and "第4行" in str(e.detail) for e in errors
    )
    assert any(
        e.code == "credit_code_check" and "第5行" in str(e.detail) for e in errors
    )
    assert "第6行" in text
    assert bad_holder not in text and "513301199001011234" not in text
    assert not Certificate.objects.exists()
    media = settings.MEDIA_ROOT / "evidence"
    assert not media.exists() or not any(media.iterdir())


def test_existing_identifier_refused(setup):
    t, dep = setup
    certificate_import_xlsx(file=upload([row(t, dep, "C1")]), actor=UserFactory())
    with pytest.raises(ServiceError) as exc:
        certificate_import_xlsx(
            file=upload([row(t, dep, "C2"), row(t, dep, "C1")]), actor=UserFactory()
        )
    assert exc.value.errors[0].code == "identifier_exists"
    assert Certificate.objects.count() == 1


def test_missing_header_and_not_xlsx(setup):
    with pytest.raises(ServiceError) as exc:
        certificate_import_xlsx(
            file=upload([], headers=["顺序号"]), actor=UserFactory()
        )
    assert exc.value.errors[0].code == "import_header_missing"
    with pytest.raises(ServiceError) as exc:
        certificate_import_xlsx(
            file=SimpleUploadedFile("x.xlsx", b"not a zip"), actor=UserFactory()
        )
    assert exc.value.code == "import_not_xlsx"


def test_person_holder_failing_gb11643_is_reported_without_the_number():
    from people.privacy import make_id_number

    t = cert_type("104", "居民户口簿", "natural", schema={})
    dep = department_with_key()
    good = make_id_number("51330119900101123")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        [t.code, dep.credit_code, "P1", good, "扎西", "2024-05-01", "{}", ""],
        [t.code, dep.credit_code, "P2", bad, "卓玛", "2024-05-01", "{}", ""],
        [
            t.code,
            dep.credit_code,
            "P3",
            "51330119901301123X",
            "次仁",
            "2024-05-01",
            "{}",
            "",
        ],
    ]
    with pytest.raises(ServiceError) as exc:
        certificate_import_xlsx(file=upload(rows), actor=UserFactory())
    by_row = {e.field: e.code for e in exc.value.errors}
    assert by_row == {
        "电子证照!D3": "id_number_check",
        "电子证照!D4": "id_number_birth_date",
    }
    text = " ".join(str(e.detail) for e in exc.value.errors)
    # Neither number, nor the birth date inside the second one.
    assert bad not in text and "51330119901301123X" not in text
    assert "19901301" not in text
    assert not Certificate.objects.exists()
