"""Recorded local differences from the standard guide (see the variance report).

Each names an item (basic code) and the implementing body (department key);
the approver is the demo catalog editor.
"""

from __future__ import annotations

VARIANCES: list[dict] = [
    {
        "item": "000129031000",  # 食品经营许可
        "dept": "ld_scjg",
        "field": "promised_limit_value",
        "local_value": 3,
        "reason": "泸定县推行食品经营许可“告知承诺+容缺受理”改革，经县人民政府常务会议审定，"
        "承诺时限由5个工作日压缩至3个工作日",
        "approved_on": "2025-12-18",
    },
    {
        "item": "000172020000",  # 普通护照签发
        "dept": "lt_gaj",
        "field": "hours",
        "local_value": "工作日 上午9:30-12:00，下午14:30-17:30；每月第一个周六上午9:30-12:00预约延时服务",
        "reason": "理塘县牧区群众进城办事集中在周末，经县公安局报州公安局同意增设周六预约延时服务",
        "approved_on": "2026-01-08",
    },
    {
        "item": "000115012000",  # 最低生活保障审批
        "dept": "lt_mz",
        "field": "promised_limit_note",
        "local_value": "牧区乡镇入户调查路途远，乡镇调查阶段按15个工作日执行，县级审核确认压缩至5个工作日",
        "reason": "理塘县高海拔牧区面积大、居住分散，经县人民政府同意调整阶段时限说明，总承诺时限不变",
        "approved_on": "2026-01-20",
    },
]
