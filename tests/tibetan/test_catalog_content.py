"""Catalog content in Tibetan: optional fields for what a citizen reads of an
item, shown on the Tibetan pages with a visible fallback to Chinese, edited
through the xlsx import/export, and found by search."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from applications.forms import version_form_class
from catalog.importexport import catalog_export_xlsx, catalog_import_xlsx
from catalog.models import ServiceItem
from catalog.selectors import item_search
from portal.errors import ServiceError
from portal.roles import Role
from tests.admin.xlsx import edit_cell, read_sheet, upload
from tests.factories import VersionFactory, published_version, staff

pytestmark = pytest.mark.django_db

NAME_BO = "སྤྱོད་ལག་ཁྱེར་གསར་སྤྲོད།"
MARKER = "（རྒྱ་ཡིག་ཁོ་ན།）"


def _tibetan_version(**kwargs):
    version = VersionFactory(
        item__basic_code="000199000301",
        name="居住证签发",
        name_bo=NAME_BO,
        acceptance_conditions=["在本州居住半年以上"],
        conditions_bo="ཁུལ་འདིར་ཟླ་བ་དྲུག་ལས་བརྒལ་བར་བསྡད་པ།",
        form_schema={
            "type": "object",
            "properties": {
                "contact_phone": {"type": "string", "title": "联系电话"},
                "address": {
                    "type": "string",
                    "title": "住址",
                    "description": "详细到门牌",
                },
            },
        },
        form_texts_bo=[
            {"field": "contact_phone", "title": "འབྲེལ་གཏུག་ཁ་པར།"},
            {"field": "nope", "title": "x"},
        ],
        **kwargs,
    )
    material = version.materials.first()
    material.name_bo = "ཐོབ་ཐང་ལག་ཁྱེར།"
    material.save()
    from catalog.services import version_publish
    from tests.factories import UserFactory

    return version_publish(version=version, actor=UserFactory(username="ed-bo"))


def _bo(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    return client


def test_publishing_copies_the_tibetan_name_to_the_item_and_its_search_text():
    version = _tibetan_version()
    item = ServiceItem.objects.get(pk=version.item_id)
    assert item.name_bo == NAME_BO
    assert "སྤྱོད་ལག་ཁྱེར་གསར་སྤྲོད" in item.search_text


@pytest.mark.parametrize(
    "query",
    ["སྤྱོད་ལག་ཁྱེར་", "སྤྱོད་ལག་ཁྱེར", "ལག་ཁྱེར་གསར་སྤྲོད", "ལག་ཁྱེར། གསར་སྤྲོད"],
)
def test_a_tibetan_search_finds_the_item_by_its_tibetan_name(query):
    version = _tibetan_version()
    published_version(item__basic_code="000199000302", name="普通护照签发")
    found = list(item_search(q=query))
    assert [i.pk for i in found] == [version.item_id], query


def test_the_search_page_in_tibetan_lists_the_tibetan_name(client):
    _tibetan_version()
    page = _bo(client).get("/items/", {"q": "ལག་ཁྱེར"}).content.decode()
    assert NAME_BO in page and "居住证签发" not in page.split("<main", 1)[1]


def test_a_long_tibetan_query_is_allowed_twice_the_length():
    _tibetan_version()
    assert list(item_search(q="ཀ" * 90)) == []
    with pytest.raises(ServiceError) as caught:
        list(item_search(q="ཀ" * 101))
    assert caught.value.code == "query_too_long"


def test_the_guide_in_tibetan_shows_the_tibetan_texts(client):
    version = _tibetan_version()
    page = _bo(client).get(f"/items/{version.item.basic_code}/").content.decode()
    assert f"<h1>{NAME_BO}</h1>" in page
    assert "ཁུལ་འདིར་ཟླ་བ་དྲུག" in page and "在本州居住半年以上" not in page
    assert "ཐོབ་ཐང་ལག་ཁྱེར།" in page
    # a material with no Tibetan name: the Chinese, marked
    other = version.materials.exclude(name_bo="ཐོབ་ཐང་ལག་ཁྱེར།").first()
    assert (
        f'<span lang="zh-Hans">{other.name}</span> <small class="lang-fallback">{MARKER}</small>'
        in page
    )


def test_an_item_without_tibetan_texts_falls_back_to_chinese_with_a_marker(client):
    version = published_version(
        item__basic_code="000199000303",
        name="普通护照签发",
        acceptance_conditions=["中国公民"],
    )
    page = _bo(client).get(f"/items/{version.item.basic_code}/").content.decode()
    assert (
        f'<h1><span lang="zh-Hans">普通护照签发</span> <small class="lang-fallback">{MARKER}</small></h1>'
        in page
    )
    assert '<ol class="plain-list" lang="zh-Hans"><li>中国公民</li></ol>' in page
    assert "<title>普通护照签发 ·" in page  # plain text in the title


def test_the_chinese_page_shows_the_chinese_texts(client):
    version = _tibetan_version()
    page = client.get(f"/items/{version.item.basic_code}/").content.decode()
    assert "<h1>居住证签发</h1>" in page and NAME_BO not in page
    assert MARKER not in page


def test_the_form_fields_take_their_tibetan_titles_on_a_tibetan_page():
    version = _tibetan_version()
    with translation.override("bo"):
        form = version_form_class(version)()
    assert form.fields["contact_phone"].label == "འབྲེལ་གཏུག་ཁ་པར།"
    assert form.fields["address"].label == "住址"  # no Tibetan: Chinese
    with translation.override("zh-hans"):
        assert version_form_class(version)().fields["contact_phone"].label == "联系电话"
    assert version.form_schema["properties"]["contact_phone"]["title"] == "联系电话"


def test_the_xlsx_export_and_import_carry_the_tibetan_columns():
    editor = staff("catalog-editor", Role.CATALOG_EDITOR)
    version = _tibetan_version()
    content = catalog_export_xlsx(items=[version.item])
    row = read_sheet(content, "事项")[0]
    assert row["事项名称（藏文）"] == NAME_BO
    assert row["受理条件摘要（藏文）"].startswith("ཁུལ་འདིར")
    assert row["申请表字段（藏文）"].startswith("contact_phone|འབྲེལ་གཏུག་ཁ་པར།")
    materials = read_sheet(content, "材料")
    assert "ཐོབ་ཐང་ལག་ཁྱེར།" in [m["材料名称（藏文）"] for m in materials]

    content = edit_cell(content, "事项", "事项名称（藏文）", 2, "གནས་སྡོད་ལག་ཁྱེར།")
    content = edit_cell(
        content, "事项", "申请表字段（藏文）", 2, "address|གནས་ཡུལ།|ཁྱིམ་ཨང་བར།"
    )
    result = catalog_import_xlsx(file=upload(content), actor=editor)
    assert result.drafted == [version.item.basic_code]
    draft = version.item.versions.get(version=2)
    assert draft.name_bo == "གནས་སྡོད་ལག་ཁྱེར།"
    assert draft.form_texts_bo == [
        {"field": "address", "title": "གནས་ཡུལ།", "help": "ཁྱིམ་ཨང་བར།"}
    ]
    assert draft.conditions_bo == version.conditions_bo
