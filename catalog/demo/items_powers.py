"""Powers that take no application (penalty, coercion, inspection)."""

from __future__ import annotations

from .builders import law, result, simple_item

FOOD_LAW = "《中华人民共和国食品安全法》"

ITEMS = [
    simple_item(
        "000229031000",
        "对未取得食品经营许可从事食品经营活动的行政处罚",
        "02",
        "kd_scjg",
        bases=[
            law(FOOD_LAW, "第一百二十二条"),
            law("《市场监督管理行政处罚程序规定》"),
        ],
        results=[result("行政处罚决定书", kind="审批文书")],
        keywords="无证经营 食品处罚",
        impls=["kd_scjg", "ld_scjg"],
    ),
    simple_item(
        "000329031000",
        "查封、扣押不符合食品安全标准的食品",
        "03",
        "kd_scjg",
        bases=[
            law(FOOD_LAW, "第一百一十条"),
            law("《中华人民共和国行政强制法》", "第二十二条至第二十八条"),
        ],
        results=[result("查封（扣押）决定书", kind="审批文书")],
        keywords="查封 扣押 食品安全",
        impls=["kd_scjg"],
    ),
    simple_item(
        "000629031000",
        "对食品经营者的监督检查",
        "06",
        "kd_scjg",
        bases=[
            law(FOOD_LAW, "第一百一十条"),
            law("《食品生产经营监督检查管理办法》（国家市场监督管理总局令第49号）"),
        ],
        results=[result("监督检查结果记录表", kind="其他")],
        keywords="双随机 食品检查",
        impls=["kd_scjg", "ld_scjg", "lt_scjg"],
    ),
]
