"""The demo gives its 15 most used citizen items Tibetan texts."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog import constants as c
from catalog.demo import tibetan
from catalog.demo.items import ITEMS
from catalog.models import ServiceItem
from catalog.selectors import item_search
from tests.demo.fixtures import demo_data, demo_keys  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_fifteen_most_used_citizen_items_are_the_ones_with_tibetan():
    citizen = [
        d
        for d in ITEMS
        if c.ServedParty.NATURAL in d["version"].get("served_parties", [])
    ]
    top = sorted(citizen, key=lambda d: -d["hot"])[:15]
    assert {d["code"] for d in top} <= set(tibetan.ITEMS)
    # 食品经营许可 serves market entities (an individual business too) only.
    assert set(tibetan.ITEMS) - {d["code"] for d in top} == {"000129031000"}


def test_the_loaded_demo_has_their_tibetan_texts(demo_data):  # noqa: F811
    items = ServiceItem.objects.filter(basic_code__in=tibetan.ITEMS)
    assert items.count() == len(tibetan.ITEMS) == 16
    for item in items.select_related("current_version"):
        version = item.current_version
        assert item.name_bo and version.name_bo == item.name_bo
        assert version.conditions_bo
        assert version.form_texts_bo, item.basic_code
        named = [m.name_bo for m in version.materials.all()]
        assert all(named), (item.basic_code, named)
    passport = ServiceItem.objects.get(basic_code="000172020000")
    assert [i.pk for i in item_search(q="ལེགས་སྐྱེས་ལག་ཁྱེར")][:2] and passport.pk in [
        i.pk for i in item_search(q="ལེགས་སྐྱེས་ལག་ཁྱེར")
    ]


def test_a_demo_guide_in_tibetan(demo_data):  # noqa: F811
    client = Client()
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    page = client.get("/items/000172020000/").content.decode()
    assert "<h1>སྤྱིར་བཏང་ལེགས་སྐྱེས་ལག་ཁྱེར་སྤྲོད་པ།</h1>" in page
    assert "ཞུ་མཁན་གྱི་སྡོད་དམངས་ཐོབ་ཐང་ལག་ཁྱེར།" in page
