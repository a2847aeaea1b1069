"""Intermediary services the demo items need, and a few agencies.

The agencies are fictional; their credit codes are valid ("91" enterprise,
registered in the prefecture or Kangding).
"""

from __future__ import annotations

SERVICES: list[dict] = [
    {
        "key": "survey",
        "name": "建设工程竣工测绘（“多测合一”）",
        "basis": "《中华人民共和国测绘法》；《自然资源部关于深化“多测合一”改革的通知》",
        "fee_basis": "实行市场调节价，由委托双方协商确定",
        "items": ["000114090000"],
    },
    {
        "key": "drawing_review",
        "name": "施工图设计文件审查",
        "basis": "《建设工程质量管理条例》第十一条；《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》",
        "fee_basis": "政府购买服务，建设单位不承担审查费用",
        "items": ["000114003000"],
    },
    {
        "key": "fire_inspection",
        "name": "建筑消防设施检测",
        "basis": "《中华人民共和国消防法》第十六条；《社会消防技术服务管理规定》",
        "fee_basis": "实行市场调节价",
        "items": ["000114090000", "000129092000"],
    },
]

AGENCIES: list[dict] = [
    {
        "name": "甘孜州康巴测绘有限公司",
        "stem": "91513300MA62T5K0X",
        "region": "513300",
        "qualification": "乙级测绘资质（工程测量、不动产测绘）",
        "phone": "0836-2835501",
        "services": ["survey"],
    },
    {
        "name": "四川雪域建设工程施工图审查有限公司",
        "stem": "91513300MA62Q8D1L",
        "region": "513300",
        "qualification": "房屋建筑工程一类施工图审查机构",
        "phone": "0836-2835620",
        "services": ["drawing_review"],
    },
    {
        "name": "康定市安盾消防技术服务有限公司",
        "stem": "91513301MA62U3F2N",
        "region": "513301",
        "qualification": "消防设施维护保养检测机构",
        "phone": "0836-2815119",
        "services": ["fire_inspection"],
    },
    {
        "name": "泸定县泸桥工程测绘有限公司",
        "stem": "91513322MA62W7H4P",
        "region": "513322",
        "qualification": "丙级测绘资质（工程测量）",
        "phone": "0836-3125566",
        "services": ["survey"],
    },
]
