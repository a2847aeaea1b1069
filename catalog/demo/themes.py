"""Themes: personal life events and the enterprise life cycle."""

from __future__ import annotations

# (code, name, audience, icon, order)
THEMES: list[tuple[str, str, str, str, int]] = [
    ("birth", "出生", "personal", "👶", 10),
    ("household", "户籍身份", "personal", "🪪", 20),
    ("school", "上学", "personal", "🎒", 30),
    ("employment", "就业创业", "personal", "💼", 40),
    ("marriage", "婚育", "personal", "💍", 50),
    ("housing", "住房", "personal", "🏠", 60),
    ("social-security", "社保医保", "personal", "🛡", 70),
    ("assistance", "社会救助", "personal", "🤝", 80),
    ("pension", "养老", "personal", "🧓", 90),
    ("travel", "出行出境", "personal", "🧳", 100),
    ("after-death", "身后事", "personal", "🕯", 110),
    ("startup", "企业开办", "enterprise", "🏢", 10),
    ("permits", "经营许可", "enterprise", "📜", 20),
    ("construction", "工程建设", "enterprise", "🏗", 30),
    ("tax", "纳税缴费", "enterprise", "🧾", 40),
    ("staffing", "用工参保", "enterprise", "👥", 50),
    ("transport", "交通运输", "enterprise", "🚚", 60),
    ("change-close", "变更注销", "enterprise", "🔁", 70),
]
