"""E-certificate types: the defining ministry's credit code + 3 digits.

The ministries' credit codes are built with make_credit_code on the central
region code 100000 and invented organisation codes (valid, not the real ones).
"""

from __future__ import annotations

# ministry key: (name, 17-char stem)
MINISTRIES: dict[str, tuple[str, str]] = {
    "mps": ("公安部", "11100000000013127"),
    "mca": ("民政部", "11100000000013559"),
    "nhc": ("国家卫生健康委员会", "11100000MB0182643"),
    "samr": ("国家市场监督管理总局", "11100000MB0143028"),
    "mnr": ("自然资源部", "11100000MB0151726"),
    "mohurd": ("住房和城乡建设部", "11100000000019370"),
    "mohrss": ("人力资源和社会保障部", "11100000717802513"),
    "mot": ("交通运输部", "11100000000019564"),
    "cdpf": ("中国残疾人联合会", "51100000500000718"),
}

# key: (ministry, 3-digit suffix, name, holder kind)
CERTIFICATES: dict[str, tuple[str, str, str, str]] = {
    "id_card": ("mps", "001", "居民身份证", "natural"),
    "hukou": ("mps", "002", "居民户口簿", "natural"),
    "passport": ("mps", "003", "中华人民共和国普通护照", "natural"),
    "driving": ("mps", "010", "中华人民共和国机动车驾驶证", "natural"),
    "marriage": ("mca", "001", "结婚证", "natural"),
    "birth_cert": ("nhc", "001", "出生医学证明", "natural"),
    "death_cert": ("nhc", "002", "居民死亡医学证明（推断）书", "natural"),
    "license": ("samr", "001", "营业执照", "legal"),
    "food_license": ("samr", "002", "食品经营许可证", "legal"),
    "drug_license": ("samr", "003", "药品经营许可证", "legal"),
    "property": ("mnr", "001", "不动产权证书", "natural"),
    "planning": ("mnr", "002", "建设工程规划许可证", "legal"),
    "construction": ("mohurd", "001", "建筑工程施工许可证", "legal"),
    "social_card": ("mohrss", "001", "社会保障卡", "natural"),
    "employment_card": ("mohrss", "002", "就业创业证", "natural"),
    "transport": ("mot", "001", "道路运输经营许可证", "legal"),
    "disability": ("cdpf", "001", "中华人民共和国残疾人证", "natural"),
}
