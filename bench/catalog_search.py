"""Benchmark: catalog search over 10,000 items on PostgreSQL.

Generates the items (once; re-used on later runs unless --regenerate) in the
database ``ganzi_bench``, then times the search exactly as the API runs it
(``item_search`` + COUNT + first page of 20) for a mix of Chinese, full-pinyin,
initials and code queries. Reports p50/p95 per kind and overall, in ms.

    .venv/bin/python bench/catalog_search.py [--items 10000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from _setup import percentile, setup_django

SUBJECTS = [
    "护照",
    "身份证",
    "营业执照",
    "食品经营",
    "建筑工程",
    "养老保险",
    "医疗保险",
    "住房公积金",
    "不动产",
    "婚姻",
    "出生",
    "户口",
    "机动车",
    "驾驶证",
    "药品",
    "林木采伐",
    "取水",
    "排污",
    "烟草",
    "道路运输",
    "旅馆业",
    "娱乐场所",
    "民办学校",
    "宗教活动场所",
    "草原征占用",
    "矿产资源",
    "危险化学品",
    "特种设备",
    "广告",
    "文物保护",
    "医师执业",
    "护士执业",
    "社会团体",
    "残疾人证",
    "低保",
    "临时救助",
]
ACTIONS = [
    "签发",
    "换领",
    "补领",
    "注册",
    "变更登记",
    "注销登记",
    "许可",
    "审批",
    "备案",
    "核发",
    "延续",
    "认定",
    "查询",
    "参保登记",
    "转移接续",
    "提取",
    "给付",
    "确认",
]
PREFIXES = ["", "", "", "普通", "个人", "企业", "单位", "临时", "首次", "省内"]


def generate(n: int) -> None:
    from django.db import transaction

    from catalog import constants as c
    from catalog.models import ServiceItem, ServiceItemVersion
    from catalog.search import build_search_text, pinyin_forms

    rng = random.Random(42)
    types = ["01", "05", "07", "20", "01", "01", "10"]
    with transaction.atomic():
        ServiceItem.objects.filter(basic_code__startswith="BN").update(
            current_version=None
        )
        ServiceItemVersion.objects.filter(item__basic_code__startswith="BN").delete()
        ServiceItem.objects.filter(basic_code__startswith="BN").delete()
        items = []
        for i in range(n):
            name = rng.choice(PREFIXES) + rng.choice(SUBJECTS) + rng.choice(ACTIONS)
            basic = f"BN{i:010d}"
            full, initials = pinyin_forms(name)
            items.append(
                ServiceItem(
                    basic_code=basic,
                    name=name,
                    item_type=rng.choice(types),
                    depth=rng.randint(1, 4),
                    pinyin=full,
                    initials=initials,
                    hot=rng.randint(0, 1000),
                    search_text=build_search_text(
                        name=name,
                        basic_code=basic,
                        keywords="",
                        implementation_codes=[],
                    ),
                )
            )
        ServiceItem.objects.bulk_create(items, batch_size=2000)
        versions = [
            ServiceItemVersion(
                item=item,
                version=1,
                status=c.VersionStatus.PUBLISHED,
                name=item.name,
                item_type=item.item_type,
                depth=item.depth,
            )
            for item in ServiceItem.objects.filter(basic_code__startswith="BN")
        ]
        ServiceItemVersion.objects.bulk_create(versions, batch_size=2000)
        for version in versions:
            version.item.current_version = version
        ServiceItem.objects.bulk_update(
            [v.item for v in versions], ["current_version"], batch_size=2000
        )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE catalog_serviceitem")


QUERIES = {
    "chinese": [
        "护照",
        "营业执照",
        "养老",
        "不动产",
        "许可",
        "驾驶证",
        "临时救助",
        "建筑",
    ],
    "pinyin": [
        "huzhao",
        "yingyezhizhao",
        "yanglao",
        "budongchan",
        "xuke",
        "jiashizheng",
    ],
    "initials": ["hz", "yyzz", "ylbx", "bdc", "jszhf", "sfz"],
    "code": ["BN0000004242", "BN0000009999", "BN000000123", "BN00000055"],
}


def run(rounds: int) -> dict[str, list[float]]:
    from catalog.selectors import item_search

    timings: dict[str, list[float]] = {k: [] for k in QUERIES}
    for _ in range(rounds):
        for kind, queries in QUERIES.items():
            for q in queries:
                start = time.perf_counter()
                qs = item_search(q=q)
                total = qs.count()
                page = list(qs[:20])
                timings[kind].append((time.perf_counter() - start) * 1000)
                assert total >= len(page)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    setup_django("ganzi_bench")
    from catalog.models import ServiceItem

    have = ServiceItem.objects.filter(basic_code__startswith="BN").count()
    if args.regenerate or have != args.items:
        t0 = time.perf_counter()
        generate(args.items)
        print(f"generated {args.items} items in {time.perf_counter() - t0:.1f}s")
    run(2)  # warm-up
    timings = run(args.rounds)
    everything = [t for values in timings.values() for t in values]
    print(f"{'kind':<10}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for kind, values in [*timings.items(), ("all", everything)]:
        print(
            f"{kind:<10}{len(values):>6}{statistics.median(values):>10.2f}"
            f"{percentile(values, 0.95):>10.2f}{max(values):>10.2f}"
        )
    p95 = percentile(everything, 0.95)
    print(f"target p95 < 30 ms: {'PASS' if p95 < 30 else 'FAIL'} (p95 {p95:.2f} ms)")


if __name__ == "__main__":
    main()
