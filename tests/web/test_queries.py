"""List pages keep a flat number of queries as the data grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Implementation, IntermediaryAgency, IntermediaryService
from people.codes import make_credit_code
from tests.factories import DepartmentFactory, implementation_for
from tests.web.data import PASSPORT_CODE, add_articles, add_items

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "/",
    "/items/",
    "/items/?q=%E6%8A%A4%E7%85%A7",  # 护照
    "/items/?q=yangli&type=01&theme=start&region=513301",
    "/items/?page=2",
    "/departments/",
    "/regions/",
    "/regions/513301/",
    "/themes/start/",
    "/types/",
    "/intermediaries/",
    "/notices/",
    "/policies/",
    "/faq/",
    "/supervision/",
    f"/items/{PASSPORT_CODE}/",
    f"/items/{PASSPORT_CODE}/print/",
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(sample, n: int, start: int) -> None:
    """More items, departments, agencies, articles and implementations."""
    kd = sample["kangding"]
    add_items(n, start=start, dept=sample["market"], editor=sample["editor"], region=kd)
    add_articles(n, start=start)
    service = IntermediaryService.objects.first()
    for i in range(start, start + n):
        department = DepartmentFactory(
            name=f"增长部门{i}",
            credit_code=make_credit_code(f"11513301MC{i:07d}"),
            region=kd,
        )
        agency = IntermediaryAgency.objects.create(
            name=f"中介机构{i}",
            credit_code=make_credit_code(f"12513301MC{i:07d}"),
            region=kd,
        )
        agency.services.add(service)
        new_service = IntermediaryService.objects.create(name=f"中介服务{i}")
        new_service.agencies.add(agency)
        if i < start + 3:  # more implementations and variances on the guide page
            impl = implementation_for(sample["passport"], department=department)
            impl.windows.add(sample["window"])


def test_list_pages_have_flat_query_counts(client, sample, django_assert_num_queries):
    add_items(
        21,
        start=1000,
        dept=sample["market"],
        editor=sample["editor"],
        region=sample["kangding"],
    )  # enough for a second page
    small = {url: count_queries(client, url) for url in LIST_URLS}
    grow(sample, 12, start=1)
    assert Implementation.objects.filter(item__basic_code=PASSPORT_CODE).count() == 5
    for url, expected in small.items():
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200, url


def test_query_counts_are_small(client, sample):
    # a guard against accidental N+1 on the busiest pages
    assert count_queries(client, "/") <= 8
    assert count_queries(client, "/items/?q=%E6%8A%A4%E7%85%A7") <= 8
    assert count_queries(client, f"/items/{PASSPORT_CODE}/") <= 14
