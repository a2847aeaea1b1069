"""Implementing bodies of the demo, keyed by a short name used across the demo.

Credit codes are made with people.codes.make_credit_code from a realistic
17-character stem: registration authority + type ("11" government body, "12"
public institution, "91" enterprise), the 6-digit region code, and a 9-character
organisation code. The organisation codes are invented for the demo; the
check character is computed, so every code validates.
"""

from __future__ import annotations

# key -> fields of catalog.Department plus "stem" (the 17-character credit code
# stem) and "parent" (another key). Nature is "statutory" (法定机关) unless the
# body acts by authorisation: the registration centre, the housing fund centre
# and the public utilities ("authorised").
DEPARTMENTS: dict[str, dict] = {}


def _add(
    key: str,
    name: str,
    short: str,
    kind: str,
    region: str,
    org: str,
    *,
    prefix: str = "11",
    parent: str | None = None,
    phone: str = "",
    address: str = "",
    nature: str = "statutory",
) -> None:
    DEPARTMENTS[key] = {
        "name": name,
        "short_name": short,
        "kind": kind,
        "stem": prefix + region + org,
        "region": region,
        "level": "3" if region == "513300" else "4",
        "parent": parent,
        "phone": phone,
        "address": address,
        "nature": nature,
    }


GZ = "513300"
KD = "513301"
LD = "513322"
LT = "513334"
DC = "513337"

# --- prefecture (州级) -----------------------------------------------------
_add(
    "gz_gaj",
    "甘孜藏族自治州公安局",
    "州公安局",
    "公安",
    GZ,
    "MB1509421",
    phone="0836-2822307",
    address="康定市炉城街道东大街16号",
)
_add(
    "gz_scjg",
    "甘孜藏族自治州市场监督管理局",
    "州市场监管局",
    "市场监管",
    GZ,
    "MB1A51237",
    phone="0836-2813315",
    address="康定市炉城街道光明路8号",
)
_add(
    "gz_sw",
    "国家税务总局甘孜藏族自治州税务局",
    "州税务局",
    "税务",
    GZ,
    "MB1C08754",
    phone="0836-2832366",
    address="康定市炉城街道向阳街26号",
)
_add(
    "gz_rs",
    "甘孜藏族自治州人力资源和社会保障局",
    "州人社局",
    "人社",
    GZ,
    "MB1478802",
    phone="0836-2825012",
    address="康定市炉城街道新市前街35号",
)
_add(
    "gz_gjj",
    "甘孜藏族自治州住房公积金管理中心",
    "州公积金中心",
    "公积金",
    GZ,
    "452006138",
    prefix="12",
    phone="0836-2836611",
    address="康定市炉城街道光明路33号",
    nature="authorised",
)
_add(
    "gz_wj",
    "甘孜藏族自治州卫生健康委员会",
    "州卫生健康委",
    "卫健",
    GZ,
    "MB1599610",
    phone="0836-2822432",
    address="康定市炉城街道西大街19号",
)
_add(
    "gz_mz",
    "甘孜藏族自治州民政局",
    "州民政局",
    "民政",
    GZ,
    "MB1509237",
    phone="0836-2822291",
    address="康定市炉城街道东大街45号",
)
_add(
    "gz_zrzy",
    "甘孜藏族自治州自然资源局",
    "州自然资源局",
    "自然资源",
    GZ,
    "MB1A68853",
    phone="0836-2823126",
    address="康定市榆林街道康定新城2号",
)
_add(
    "gz_zj",
    "甘孜藏族自治州住房和城乡建设局",
    "州住建局",
    "住建",
    GZ,
    "MB1507716",
    phone="0836-2822843",
    address="康定市榆林街道康定新城6号",
)
_add(
    "gz_jt",
    "甘孜藏族自治州交通运输局",
    "州交通运输局",
    "交通运输",
    GZ,
    "MB1508102",
    phone="0836-2822503",
    address="康定市炉城街道东大街52号",
)
_add(
    "gz_yb",
    "甘孜藏族自治州医疗保障局",
    "州医保局",
    "医保",
    GZ,
    "MB1C12649",
    phone="0836-2816089",
    address="康定市炉城街道新市前街12号",
)
_add(
    "gz_jy",
    "甘孜藏族自治州教育和体育局",
    "州教育和体育局",
    "教育",
    GZ,
    "MB1508049",
    phone="0836-2822547",
    address="康定市炉城街道西大街41号",
)
_add(
    "gz_zwfw",
    "甘孜藏族自治州政务服务管理局",
    "州政务服务管理局",
    "政务服务",
    GZ,
    "MB1D47520",
    phone="0836-2832345",
    address="康定市榆林街道康定新城政务服务中心",
)
_add(
    "gz_power",
    "国网四川省电力公司甘孜供电公司",
    "甘孜供电公司",
    "电力",
    GZ,
    "MA62H1047",
    prefix="91",
    phone="0836-95598",
    address="康定市炉城街道向阳街68号",
    nature="authorised",
)

_add(
    "gz_bank",
    "中国农业银行股份有限公司甘孜分行",
    "农业银行甘孜分行",
    "银行",
    GZ,
    "MA62B7Q5N",
    prefix="91",
    phone="0836-2823010",
    address="康定市炉城街道东大街28号",
    # A bank takes part in 企业开办 (the new company's basic account) by
    # agreement with the hall; BodyNature has no value for that, and
    # 受委托组织 is the nearest.
    nature="entrusted",
)

# --- Kangding City (康定市) -------------------------------------------------
_add(
    "kd_gaj",
    "康定市公安局",
    "市公安局",
    "公安",
    KD,
    "MB1612054",
    parent="gz_gaj",
    phone="0836-2812110",
    address="康定市炉城街道光明路26号",
)
_add(
    "kd_scjg",
    "康定市市场监督管理局",
    "市市场监管局",
    "市场监管",
    KD,
    "MB1C13280",
    parent="gz_scjg",
    phone="0836-2812315",
    address="康定市炉城街道向阳街9号",
)
_add(
    "kd_sw",
    "国家税务总局康定市税务局",
    "市税务局",
    "税务",
    KD,
    "MB1C09325",
    parent="gz_sw",
    phone="0836-2812366",
    address="康定市炉城街道新市前街58号",
)
_add(
    "kd_rs",
    "康定市人力资源和社会保障局",
    "市人社局",
    "人社",
    KD,
    "MB1611950",
    parent="gz_rs",
    phone="0836-2812333",
    address="康定市炉城街道光明路40号",
)
_add(
    "kd_mz",
    "康定市民政局",
    "市民政局",
    "民政",
    KD,
    "MB1611846",
    parent="gz_mz",
    phone="0836-2812580",
    address="康定市炉城街道东大街70号",
)
_add(
    "kd_wj",
    "康定市卫生健康局",
    "市卫生健康局",
    "卫健",
    KD,
    "MB1C11734",
    parent="gz_wj",
    phone="0836-2812519",
    address="康定市炉城街道西大街55号",
)
_add(
    "kd_yb",
    "康定市医疗保障局",
    "市医保局",
    "医保",
    KD,
    "MB1C13870",
    parent="gz_yb",
    phone="0836-2812663",
    address="康定市炉城街道新市前街20号",
)
_add(
    "kd_zrzy",
    "康定市自然资源局",
    "市自然资源局",
    "自然资源",
    KD,
    "MB1A70652",
    parent="gz_zrzy",
    phone="0836-2812687",
    address="康定市炉城街道光明路62号",
)
_add(
    "kd_bdc",
    "康定市不动产登记中心",
    "市不动产登记中心",
    "不动产",
    KD,
    "452136170",
    prefix="12",
    parent="kd_zrzy",
    phone="0836-2812768",
    address="康定市政务服务中心二楼",
    nature="authorised",
)
_add(
    "kd_zj",
    "康定市住房和城乡建设局",
    "市住建局",
    "住建",
    KD,
    "MB1612118",
    parent="gz_zj",
    phone="0836-2812459",
    address="康定市炉城街道向阳街33号",
)
_add(
    "kd_xf",
    "康定市消防救援大队",
    "市消防救援大队",
    "消防",
    KD,
    "MB1D52641",
    phone="0836-2812119",
    address="康定市姑咱镇消防路1号",
)
_add(
    "kd_jy",
    "康定市教育和体育局",
    "市教育和体育局",
    "教育",
    KD,
    "MB1611985",
    parent="gz_jy",
    phone="0836-2812476",
    address="康定市炉城街道西大街8号",
)
_add(
    "kd_water",
    "康定市供排水有限责任公司",
    "市供排水公司",
    "水务",
    KD,
    "MA62W8K3X",
    prefix="91",
    phone="0836-2812696",
    address="康定市炉城街道河西路11号",
    nature="authorised",
)
_add(
    "kd_gas",
    "康定市燃气有限责任公司",
    "市燃气公司",
    "燃气",
    KD,
    "MA62Y4D1R",
    prefix="91",
    phone="0836-2812751",
    address="康定市榆林街道榆林路88号",
    nature="authorised",
)

# --- Luding County (泸定县) -------------------------------------------------
_add(
    "ld_gaj",
    "泸定县公安局",
    "县公安局",
    "公安",
    LD,
    "MB1613227",
    parent="gz_gaj",
    phone="0836-3122110",
    address="泸定县泸桥镇滨河路1号",
)
_add(
    "ld_scjg",
    "泸定县市场监督管理局",
    "县市场监管局",
    "市场监管",
    LD,
    "MB1C14112",
    parent="gz_scjg",
    phone="0836-3122315",
    address="泸定县泸桥镇建设路21号",
)
_add(
    "ld_mz",
    "泸定县民政局",
    "县民政局",
    "民政",
    LD,
    "MB1613196",
    parent="gz_mz",
    phone="0836-3122580",
    address="泸定县泸桥镇建设路15号",
)
_add(
    "ld_rs",
    "泸定县人力资源和社会保障局",
    "县人社局",
    "人社",
    LD,
    "MB1613180",
    parent="gz_rs",
    phone="0836-3122333",
    address="泸定县泸桥镇滨河路36号",
)
_add(
    "ld_wj",
    "泸定县卫生健康局",
    "县卫生健康局",
    "卫健",
    LD,
    "MB1C11849",
    parent="gz_wj",
    phone="0836-3122519",
    address="泸定县泸桥镇健康路5号",
)
_add(
    "ld_yb",
    "泸定县医疗保障局",
    "县医保局",
    "医保",
    LD,
    "MB1C13918",
    parent="gz_yb",
    phone="0836-3122663",
    address="泸定县泸桥镇建设路40号",
)
_add(
    "ld_sw",
    "国家税务总局泸定县税务局",
    "县税务局",
    "税务",
    LD,
    "MB1C09472",
    parent="gz_sw",
    phone="0836-3122366",
    address="泸定县泸桥镇滨河路52号",
)

_add(
    "ld_zj",
    "泸定县住房和城乡建设局",
    "县住建局",
    "住建",
    LD,
    "MB1613254",
    parent="gz_zj",
    phone="0836-3122459",
    address="泸定县泸桥镇建设路33号",
)
_add(
    "ld_xf",
    "泸定县消防救援大队",
    "县消防救援大队",
    "消防",
    LD,
    "MB1D53702",
    phone="0836-3122119",
    address="泸定县泸桥镇滨河路9号",
)

# --- Litang County (理塘县) -------------------------------------------------
_add(
    "lt_gaj",
    "理塘县公安局",
    "县公安局",
    "公安",
    LT,
    "MB1617430",
    parent="gz_gaj",
    phone="0836-5322110",
    address="理塘县高城镇团结路2号",
)
_add(
    "lt_scjg",
    "理塘县市场监督管理局",
    "县市场监管局",
    "市场监管",
    LT,
    "MB1C14920",
    parent="gz_scjg",
    phone="0836-5322315",
    address="理塘县高城镇康南大道18号",
)
_add(
    "lt_mz",
    "理塘县民政局",
    "县民政局",
    "民政",
    LT,
    "MB1617465",
    parent="gz_mz",
    phone="0836-5322580",
    address="理塘县高城镇团结路26号",
)
_add(
    "lt_rs",
    "理塘县人力资源和社会保障局",
    "县人社局",
    "人社",
    LT,
    "MB1617481",
    parent="gz_rs",
    phone="0836-5322333",
    address="理塘县高城镇康南大道30号",
)

_add(
    "lt_sw",
    "国家税务总局理塘县税务局",
    "县税务局",
    "税务",
    LT,
    "MB1C09611",
    parent="gz_sw",
    phone="0836-5322366",
    address="理塘县高城镇康南大道42号",
)

# --- Daocheng County (稻城县) -----------------------------------------------
_add(
    "dc_scjg",
    "稻城县市场监督管理局",
    "县市场监管局",
    "市场监管",
    DC,
    "MB1C15025",
    parent="gz_scjg",
    phone="0836-5722315",
    address="稻城县金珠镇贡嘎路12号",
)
_add(
    "dc_mz",
    "稻城县民政局",
    "县民政局",
    "民政",
    DC,
    "MB1618230",
    parent="gz_mz",
    phone="0836-5722580",
    address="稻城县金珠镇贡嘎路27号",
)

# Where an implementation by a body of this region is handled.
REGION_COURTS = {
    GZ: "康定市人民法院",
    KD: "康定市人民法院",
    LD: "泸定县人民法院",
    LT: "理塘县人民法院",
    DC: "稻城县人民法院",
}
REGION_GOVERNMENTS = {
    GZ: "甘孜藏族自治州人民政府",
    KD: "康定市人民政府",
    LD: "泸定县人民政府",
    LT: "理塘县人民政府",
    DC: "稻城县人民政府",
}
