"""One demo user per role, plus an administrator. All share one demo password."""

from __future__ import annotations

DEMO_PASSWORD = "Ganzi-demo-2026"

# username, display name, role (portal.roles.Role value), is_staff,
# and where they work: department key, hall key, region code.
USERS: list[dict] = [
    {
        "username": "admin",
        "display_name": "系统管理员",
        "role": None,
        "superuser": True,
        "staff": True,
    },
    {
        "username": "applicant",
        "display_name": "扎西卓玛",
        "role": "applicant",
        "phone": "13800000001",
    },
    {
        "username": "agent",
        "display_name": "泽仁多吉",
        "role": "agent",
        "phone": "13800000002",
        "region": "513301101",
    },
    {
        "username": "clerk",
        "display_name": "李晓梅",
        "role": "clerk",
        "hall": "kd_hall",
        "region": "513301",
    },
    {
        "username": "reviewer",
        "display_name": "王建华",
        "role": "reviewer",
        "department": "kd_scjg",
    },
    {
        "username": "department_head",
        "display_name": "格桑拉姆",
        "role": "department_head",
        "department": "kd_scjg",
    },
    {
        "username": "supervisor",
        "display_name": "陈志强",
        "role": "supervisor",
        "staff": True,
        "department": "gz_zwfw",
        "region": "513300",
    },
    {
        "username": "catalog_editor",
        "display_name": "张丽",
        "role": "catalog_editor",
        "staff": True,
        "department": "gz_zwfw",
        "region": "513300",
    },
]
