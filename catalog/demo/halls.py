"""Service halls and their windows (comprehensive windows take every item)."""

from __future__ import annotations

SUMMER_HOURS = (
    "工作日 上午9:00-12:00，下午14:00-17:30（7月1日至9月30日下午14:30-18:00）；"
    "法定节假日除外"
)

# key: hall fields and windows (number, name, comprehensive, department keys)
HALLS: dict[str, dict] = {
    "gz_hall": {
        "name": "甘孜州政务服务中心",
        "region": "513300",
        "address": "康定市榆林街道康定新城政务服务中心大楼",
        "hours": SUMMER_HOURS
        + "；周六上午9:00-12:00延时服务（企业开办、出入境、公积金）",
        "phone": "0836-2832345",
        "self_service": True,
        "windows": [
            ("01", "综合受理窗口（一）", True, []),
            ("02", "综合受理窗口（二）", True, []),
            ("03", "综合受理窗口（三）", True, []),
            ("04", "出入境证件受理窗口", False, ["gz_gaj"]),
            (
                "05",
                "企业开办专区",
                True,
                ["gz_scjg", "gz_gaj", "gz_sw", "gz_rs", "gz_gjj"],
            ),
            ("06", "工程建设项目审批综合窗口", True, ["gz_zj", "gz_zrzy"]),
            ("07", "住房公积金业务窗口", False, ["gz_gjj"]),
            ("08", "医保社保综合窗口", True, ["gz_rs", "gz_yb"]),
            ("09", "统一出件窗口", True, []),
            ("10", "“办不成事”反映窗口", True, []),
        ],
    },
    "kd_hall": {
        "name": "康定市政务服务中心",
        "region": "513301",
        "address": "康定市炉城街道光明路政务服务中心",
        "hours": SUMMER_HOURS,
        "phone": "0836-2812345",
        "self_service": True,
        "windows": [
            ("01", "综合受理窗口（一）", True, []),
            ("02", "综合受理窗口（二）", True, []),
            ("03", "企业开办综合窗口", True, ["kd_scjg", "kd_gaj", "kd_sw", "kd_rs"]),
            (
                "04",
                "不动产登记与水电气联办窗口",
                True,
                ["kd_bdc", "kd_sw", "kd_water", "kd_gas", "gz_power"],
            ),
            ("05", "社会事务综合窗口", True, ["kd_mz", "kd_rs", "kd_yb", "kd_wj"]),
            ("06", "公安户籍窗口", False, ["kd_gaj"]),
            ("07", "统一出件窗口", True, []),
        ],
    },
    "ld_hall": {
        "name": "泸定县政务服务中心",
        "region": "513322",
        "address": "泸定县泸桥镇滨河路政务服务中心",
        "hours": SUMMER_HOURS,
        "phone": "0836-3122345",
        "self_service": True,
        "windows": [
            ("01", "综合受理窗口（一）", True, []),
            ("02", "综合受理窗口（二）", True, []),
            ("03", "企业服务综合窗口", True, ["ld_scjg", "ld_sw"]),
            ("04", "社会事务综合窗口", True, ["ld_mz", "ld_rs", "ld_yb", "ld_wj"]),
            ("05", "公安综合窗口", False, ["ld_gaj"]),
        ],
    },
    "lt_hall": {
        "name": "理塘县政务服务中心",
        "region": "513334",
        "address": "理塘县高城镇康南大道政务服务中心",
        "hours": "工作日 上午9:30-12:00，下午14:30-17:30；法定节假日除外",
        "phone": "0836-5322345",
        "self_service": False,
        "windows": [
            ("01", "综合受理窗口（一）", True, []),
            ("02", "综合受理窗口（二）", True, ["lt_scjg", "lt_mz", "lt_rs"]),
            ("03", "公安综合窗口", False, ["lt_gaj"]),
        ],
    },
    "dc_hall": {
        "name": "稻城县政务服务中心",
        "region": "513337",
        "address": "稻城县金珠镇贡嘎路政务服务中心",
        "hours": "工作日 上午9:30-12:00，下午14:30-17:30；法定节假日除外",
        "phone": "0836-5722345",
        "self_service": False,
        "windows": [
            ("01", "综合受理窗口", True, ["dc_scjg", "dc_mz"]),
        ],
    },
}

# The hall where a body of this region receives applications.
HALL_OF_REGION = {
    "513300": "gz_hall",
    "513301": "kd_hall",
    "513322": "ld_hall",
    "513334": "lt_hall",
    "513337": "dc_hall",
}
