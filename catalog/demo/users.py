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
    # One clerk at each other demo hall (the demo history's applications are
    # accepted at the hall of their implementation).
    {
        "username": "gz_clerk",
        "display_name": "罗春燕",
        "role": "clerk",
        "hall": "gz_hall",
        "region": "513300",
    },
    {
        "username": "ld_clerk",
        "display_name": "泽郎拉姆",
        "role": "clerk",
        "hall": "ld_hall",
        "region": "513322",
    },
    {
        "username": "lt_clerk",
        "display_name": "四郎扎西",
        "role": "clerk",
        "hall": "lt_hall",
        "region": "513334",
    },
    {
        "username": "dc_clerk",
        "display_name": "何丽萍",
        "role": "clerk",
        "hall": "dc_hall",
        "region": "513337",
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


# --- department desks ----------------------------------------------------------
# A reviewer and a head for every body a demo process routes a step to, so each
# stage of each demo item can be worked by hand. The body of a step is the one
# it names, else the body of its department kind in the implementation's region
# (the demo has one of each kind wherever an item that needs it is implemented).
# kd_scjg already has `reviewer` and `department_head` above.

# Display names: Tibetan and Han names in turn, none twice.
_TIBETAN = (
    ("次仁", "扎西", "格桑", "仁青", "益西", "央金", "降措", "达瓦", "洛桑", "巴桑"),
    ("拉姆", "多吉", "卓玛", "旺姆", "平措", "曲珍", "尼玛", "卓嘎", "丹增", "志玛"),
)
_HAN = (
    ("刘", "杨", "周", "赵", "黄", "吴", "罗", "徐", "胡", "郭"),
    ("永强", "秀英", "德明", "丽君", "志勇", "建国", "晓燕", "海涛", "春梅", "文斌"),
)


def _display_name(n: int) -> str:
    first, second = _HAN if n % 2 else _TIBETAN
    n //= 2
    return first[n % 10] + second[(n // 10 + 3 * n) % 10]


def process_department_keys() -> list[str]:
    """Keys of the bodies the demo items' steps go to, in a stable order."""
    from .departments import DEPARTMENTS
    from .items import ITEMS

    keys: set[str] = set()
    for d in ITEMS:
        for impl in d["impls"]:
            region = DEPARTMENTS[impl]["region"]
            for s in d["stages"]:
                for st in s["steps"]:
                    if st["dept"]:
                        keys.add(st["dept"])
                        continue
                    bodies = [
                        key
                        for key, body in DEPARTMENTS.items()
                        if body["kind"] == st["department_kind"]
                        and body["region"] == region
                    ]
                    if len(bodies) != 1:
                        raise ValueError(
                            f"demo item {d['code']} step {st['name']}: "
                            f"{len(bodies)} bodies of kind "
                            f"{st['department_kind']} in {region}"
                        )
                    keys.add(bodies[0])
    return sorted(keys)


def _desk_users() -> list[dict]:
    out: list[dict] = []
    for i, key in enumerate(k for k in process_department_keys() if k != "kd_scjg"):
        for j, role in enumerate(("reviewer", "department_head")):
            out.append(
                {
                    "username": f"{key}_{'reviewer' if j == 0 else 'head'}",
                    "display_name": _display_name(2 * i + j),
                    "role": role,
                    "department": key,
                }
            )
    return out


DESK_USERS: list[dict] = _desk_users()
USERS.extend(DESK_USERS)
