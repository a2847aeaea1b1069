"""Service error messages are translated: same stable code, the request's language.

The Chinese text is the msgid (``_("缺少材料：%(name)s") % {...}``); English
comes from the per-app catalogs (<app>/locale/en). Four kinds of check:

- the API and the pages answer English to an English request and Chinese by
  default, with the same codes;
- every message passed to ServiceError, ErrorItem (and the errors and helpers
  that carry a message into them) in the covered modules is wrapped in gettext:
  an AST walk fails on a bare literal, an f-string or a concatenation;
- every gettext message of the covered modules has its English;
- every entry of the app catalogs has a non-empty, non-fuzzy English msgstr,
  and the committed .mo says the same as the .po.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from applications.constants import ApplicationStatus
from applications.models import Application
from portal.errors import ErrorCollector, ErrorItem, ServiceError
from tests.applications.factories import (
    ApplicationFactory,
    applicable_version,
    citizen,
    hall_and_implementation,
)

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")

# The modules whose messages are translated. Left for another pass (still
# Chinese only): applications/services/people.py, applications/views/agent.py,
# applications/views/accounts.py, applications/forms_people.py,
# applications/visibility.py, portal/public/, portal/lockout.py, workflow/,
# evidence/.
COVERED = [
    "portal/errors.py",
    "portal/middleware.py",
    "portal/system.py",
    "portal/api/*.py",
    "portal/tokens.py",
    "portal/twofactor.py",
    "portal/upsert.py",
    "portal/idempotency.py",
    "portal/workcalendar.py",
    "portal/workdays.py",
    "portal/admin_calendar.py",
    "portal/clocks/*.py",
    "catalog/*.py",
    "catalog/admin/*.py",
    "catalog/api/*.py",
    "catalog/importexport/*.py",
    "people/privacy.py",
    "people/codes.py",
    "people/services/applicants.py",
    "people/services/enterprises.py",
    "people/services/outbox.py",
    "evidence/*.py",
    "evidence/services/*.py",
    "evidence/api/*.py",
    "workflow/services/certificates.py",
    "applications/certificates.py",
    "applications/views/certificates.py",
    "applications/api/certificates.py",
    "applications/services/drafts.py",
    "applications/services/materials.py",
    "applications/services/submission.py",
    "applications/services/numbering.py",
    "applications/services/form_ids.py",
    "applications/services/time_limits.py",
    "applications/services/acceptance.py",
    "applications/services/status.py",
    "applications/services/withdrawal.py",
    "applications/services/notify.py",
    "applications/services/decision.py",
    "applications/services/timers.py",
    "applications/views/counter.py",
    "applications/views/counter_intake.py",
    "applications/views/desk.py",
    "applications/views/desk_forms.py",
    "applications/views/common.py",
    "applications/views/online.py",
    "applications/forms_counter.py",
    "applications/constants.py",
    "applications/uploads.py",
    "applications/form_privacy.py",
    "applications/forms.py",
    "applications/api/*.py",
    "applications/selectors*.py",
    "applications/services/people.py",
    "applications/views/agent.py",
    "applications/views/accounts.py",
    "applications/views/consent.py",
    "applications/forms_people.py",
    "applications/visibility.py",
    "people/services/otp_codes.py",
    "people/services/password_reset.py",
    "people/services/activation.py",
    "applications/form_display.py",
    "applications/form_conditions.py",
    "portal/public/*.py",
    "portal/lockout.py",
    "portal/session_policy.py",
    "workflow/services/*.py",
    "workflow/selectors.py",
    "workflow/constants.py",
    "workflow/models.py",
    "workflow/views/*.py",
    "workflow/forms.py",
    "workflow/documents.py",
    "workflow/progress.py",
    "workflow/api/*.py",
    "supervision/*.py",
    "supervision/services/*.py",
    "supervision/views/*.py",
    "supervision/api/*.py",
]
APP_CATALOGS = [
    "portal",
    "people",
    "catalog",
    "applications",
    "workflow",
    "supervision",
]

# Errors that carry a message, and where the message is among the arguments.
MESSAGE_ARG = {
    "ServiceError": 1,
    "NotFoundError": 1,
    "PermissionDeniedError": 1,
    "ThrottledError": 1,
    "ErrorItem": 1,
    "CodeError": 1,
    "IdNumberError": 1,
    "PdfUncheckableError": 1,
    "CellError": 0,
    "add": 1,  # ErrorCollector.add and the rules' local add()
    "raise_if_any": 1,
}
MESSAGE_PARAMS = ("detail", "message", "summary")
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext"}


def covered_files() -> list[Path]:
    files: list[Path] = []
    for pattern in COVERED:
        found = sorted(ROOT.glob(pattern))
        assert found, f"{pattern} matches nothing: update COVERED"
        files += [f for f in found if f.name != "__init__.py" or f.stat().st_size]
    return files


# --- the checker -------------------------------------------------------------


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _bare(node: ast.expr) -> bool:
    """A message no catalog can translate: a literal, an f-string, a join."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value != ""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mod):
            return _bare(node.left)
        if isinstance(node.op, ast.Add):
            return _bare(node.left) or _bare(node.right)
    if isinstance(node, ast.IfExp):
        return _bare(node.body) or _bare(node.orelse)
    if isinstance(node, ast.Call) and _name(node.func) == "format":
        return isinstance(node.func, ast.Attribute) and _bare(node.func.value)
    return False


def _helpers(trees: list[ast.Module]) -> dict[str, int]:
    """Functions that take a message (``detail``, ``message``, ``summary``)."""
    found = dict(MESSAGE_ARG)
    for tree in trees:
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("__"):
                continue
            params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
            skip = 1 if params[:1] in (["self"], ["cls"]) else 0
            for i, name in enumerate(params):
                if name in MESSAGE_PARAMS:
                    found.setdefault(fn.name, i - skip)
    return found


def _assignments(fn: ast.AST) -> dict[str, list[ast.expr]]:
    values: dict[str, list[ast.expr]] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values.setdefault(target.id, []).append(node.value)
        elif (
            isinstance(node, ast.AugAssign | ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            values.setdefault(node.target.id, []).append(node.value)
    return values


def untranslated_messages(source: str, path: str, helpers: dict[str, int]) -> list:
    """Calls in ``source`` that pass a bare message to an error or a helper."""
    tree = ast.parse(source)
    problems = []
    scopes = [tree] + [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.Lambda)
    ]
    for scope in scopes:
        local = _assignments(scope)
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name not in helpers:
                continue
            index = helpers[name]
            args = []
            if 0 <= index < len(node.args):
                args.append(node.args[index])
            args += [k.value for k in node.keywords if k.arg in MESSAGE_PARAMS]
            for arg in args:
                candidates = [arg]
                if isinstance(arg, ast.Name):
                    candidates += local.get(arg.id, [])
                if any(_bare(c) for c in candidates):
                    problems.append(f"{path}:{node.lineno}: {ast.unparse(arg)[:80]}")
    return sorted(set(problems))


def _trees() -> dict[Path, ast.Module]:
    return {f: ast.parse(f.read_text()) for f in covered_files()}


def test_every_error_message_in_the_covered_modules_is_wrapped():
    trees = _trees()
    helpers = _helpers(list(trees.values()))
    problems = []
    for path in trees:
        problems += untranslated_messages(
            path.read_text(), str(path.relative_to(ROOT)), helpers
        )
    assert problems == []


@pytest.mark.parametrize(
    "source",
    [
        'raise ServiceError("x", "缺少材料")',
        'raise NotFoundError("x", f"未找到{a}")',
        'ErrorItem("x", "缺少：" + name, "f")',
        'errors.add("x", "请填写姓名", "full_name")',
        'errors.raise_if_any("x", "信息有误")',
        'raise CellError(f"不能超过{n}个字符")',
        'raise ServiceError("x", "第{}条".format(i))',
        'raise ServiceError("x", "第%s条" % i)',
        'raise ServiceError("x", _("甲") if a else "乙")',
        'raise ServiceError(code="x", detail="缺少材料")',
        'def f(a):\n    detail = f"缺少{a}"\n    raise ServiceError("x", detail)',
        'def f(a):\n    d = _("甲")\n    d += f"（{a}）"\n    raise ServiceError("x", d)',
        'row.error("name", f"“{n}”重复", "import_dup")',
    ],
)
def test_the_checker_finds_a_bare_message(source):
    helpers = _helpers([ast.parse("def error(self, field, message, code): pass")])
    assert untranslated_messages(source, "x.py", helpers) != []


@pytest.mark.parametrize(
    "source",
    [
        'raise ServiceError("x", _("缺少材料"))',
        'raise ServiceError("x", _("缺少：%(name)s") % {"name": n}, field="f")',
        'raise ServiceError("x", gettext_lazy("缺少材料"))',
        "raise ServiceError(first.code, first.detail, errors=items)",
        'raise ServiceError("x", profile.empty_message)',
        'errors.add("x", _("请填写姓名"), "full_name")',
        'seen.add("x")',
    ],
)
def test_the_checker_lets_a_wrapped_message_pass(source):
    assert untranslated_messages(source, "x.py", dict(MESSAGE_ARG)) == []


def _gettext_literals(trees) -> set[str]:
    found = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in GETTEXT
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_message_of_the_covered_modules_has_its_english():
    messages = {m for m in _gettext_literals(_trees()) if CJK.search(m)}
    assert len(messages) > 300
    with translation.override("en"):
        missing = sorted(m for m in messages if translation.gettext(m) == m)
    assert missing == []


def test_every_placeholder_has_its_value():
    """``_("…%(name)s…") % {...}``: a name missing from the dict is a KeyError
    on a path the tests may never take, in every language."""
    missing = []
    for path, tree in _trees().items():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Mod)
                and isinstance(node.left, ast.Call)
                and _name(node.left.func) in GETTEXT
                and node.left.args
                and isinstance(node.left.args[0], ast.Constant)
                and isinstance(node.right, ast.Dict)
            ):
                continue
            names = set(re.findall(r"%\((\w+)\)s", node.left.args[0].value))
            keys = {k.value for k in node.right.keys if isinstance(k, ast.Constant)}
            if names - keys:
                missing.append(f"{path.name}:{node.lineno}: {sorted(names - keys)}")
    assert missing == []


def _eager_gettext_at_import(tree: ast.Module, eager: set[str]) -> list[int]:
    """Lines where an eager gettext runs at import (module, class body or a
    default argument): its text would be fixed in whatever language was active."""
    lines = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                for default in child.args.defaults + child.args.kw_defaults:
                    if default is not None:
                        visit(ast.Expression(default))
                continue
            if isinstance(child, ast.Lambda):
                continue
            if isinstance(child, ast.Call) and _name(child.func) in eager:
                lines.append(child.lineno)
            visit(child)

    visit(tree)
    return lines


def test_no_eager_gettext_runs_at_import():
    wrong = []
    for path, tree in _trees().items():
        eager = {"gettext", "pgettext", "ngettext"}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == (
                "django.utils.translation"
            ):
                eager |= {
                    a.asname for a in node.names if a.name == "gettext" and a.asname
                }
        wrong += [f"{path.name}:{n}" for n in _eager_gettext_at_import(tree, eager)]
    assert wrong == []
    sample = ast.parse(
        'from django.utils.translation import gettext as _\nX = _("甲")\n'
        'def f(a=_("乙")):\n    return _("丙")\n'
    )
    assert _eager_gettext_at_import(sample, {"_"}) == [2, 3]


# --- the catalogs ------------------------------------------------------------


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: key (as in a compiled catalog), msgstr, flags.

    Enough for our catalogs: contexts, plurals, continuation lines, flags;
    obsolete entries (``#~``) are skipped, as msgfmt skips them.
    """
    entries, entry, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": "", "plural": None, "strs": {}}
            entry["flags"] = set()
        match = re.match(
            r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (.*)", line
        )
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match:
            keyword, index, rest = match.groups()
            field = (keyword, int(index or 0))
            _store(entry, field, _unquote(rest), append=False)
        elif line.startswith('"') and field:
            _store(entry, field, _unquote(line), append=True)
        else:
            raise AssertionError(f"{path}: cannot read {raw!r}")
    out = []
    for e in entries:
        if not e["msgid"]:
            continue  # the header
        msgid = (
            e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        )
        if e["plural"] is None:
            out.append(
                {"key": msgid, "msgstr": e["strs"].get(0, ""), "flags": e["flags"]}
            )
        else:
            for n, text in sorted(e["strs"].items()):
                out.append({"key": (msgid, n), "msgstr": text, "flags": e["flags"]})
    return out


def _store(entry: dict, field: tuple[str, int], text: str, *, append: bool) -> None:
    keyword, index = field
    if keyword == "msgctxt":
        entry["msgctxt"] = (entry["msgctxt"] or "") + text if append else text
    elif keyword == "msgid":
        entry["msgid"] = entry["msgid"] + text if append else text
    elif keyword == "msgid_plural":
        entry["plural"] = (entry["plural"] or "") + text if append else text
    else:
        entry["strs"][index] = entry["strs"].get(index, "") + text if append else text


def test_the_po_reader_sees_an_empty_or_fuzzy_entry(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, fuzzy\nmsgid "甲"\nmsgstr "A"\n\n'
        'msgid ""\n"乙"\n"丙"\nmsgstr ""\n\n#~ msgid "丁"\n#~ msgstr ""\n\n'
        'msgctxt "fee"\nmsgid "元"\nmsgstr "yuan"\n\n'
        'msgid "%(n)s 个"\nmsgid_plural "%(n)s 个"\nmsgstr[0] "one"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    entries = read_po(po)
    assert [(e["key"], e["msgstr"], "fuzzy" in e["flags"]) for e in entries] == [
        ("甲", "A", True),
        ("乙丙", "", False),
        ("fee\x04元", "yuan", False),
        (("%(n)s 个", 0), "one", False),
        (("%(n)s 个", 1), "", False),
    ]


def test_django_reads_the_app_catalogs():
    assert {"portal", "people", "catalog", "applications"} <= set(
        settings.INSTALLED_APPS
    )
    with translation.override("en"):
        assert translation.gettext("缺少材料：%(name)s") == "Missing material: %(name)s"
        assert translation.gettext("须列明受理条件") == (
            "Please list the acceptance conditions"
        )
        assert translation.gettext("未找到该令牌") == "Token not found"
        assert translation.gettext("身份证号码校验位错误，请核对后重新输入") != (
            "身份证号码校验位错误，请核对后重新输入"
        )
    assert translation.gettext("须列明受理条件") == "须列明受理条件"


# --- the mechanics -----------------------------------------------------------


def test_lazy_messages_come_out_as_strings_in_the_request_language():
    from django.utils.translation import gettext_lazy

    item = ErrorItem("conditions_missing", gettext_lazy("须列明受理条件"), "x")
    error = ServiceError(
        "guide_invalid", gettext_lazy("数据无效"), errors=[item], status=409
    )
    with translation.override("en"):
        data = error.as_dict()
    assert data == {
        "code": "guide_invalid",
        "detail": "Invalid data",
        "errors": [
            {
                "code": "conditions_missing",
                "detail": "Please list the acceptance conditions",
                "field": "x",
            }
        ],
    }
    assert type(data["detail"]) is str and type(data["errors"][0]["detail"]) is str
    assert error.as_dict()["detail"] == "数据无效"
    collector = ErrorCollector()
    collector.add("conditions_missing", gettext_lazy("须列明受理条件"))
    with pytest.raises(ServiceError) as caught:
        collector.raise_if_any("guide_invalid", gettext_lazy("数据无效"))
    assert caught.value.code == "conditions_missing"
    assert str(caught.value) == "须列明受理条件"


def test_module_level_messages_are_lazy():
    from django.utils.functional import Promise

    from applications.selectors import FORMAT_LABELS, TYPE_LABELS
    from applications.uploads import AUTHORIZATION_DOCUMENT, MATERIAL
    from people.services.applicants import PASSWORD_MESSAGES
    from portal.api.errors import DRF_CODES

    for table in (DRF_CODES, PASSWORD_MESSAGES, TYPE_LABELS, FORMAT_LABELS):
        assert all(isinstance(v, Promise) for v in table.values())
    for profile in (MATERIAL, AUTHORIZATION_DOCUMENT):
        for value in (profile.type_message, profile.subject, profile.empty_message):
            assert isinstance(value, Promise)
    with translation.override("en"):
        assert str(MATERIAL.type_message).startswith("Only PDF、JPG、PNG、OFD files")


# --- the API and the pages ---------------------------------------------------

ITEMS = "/api/v1/catalog/items/"


@pytest.mark.django_db
def test_api_rule_broken_in_english_same_code_english_detail():
    client = APIClient()
    english = client.get(ITEMS, {"depth": "9"}, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get(ITEMS, {"depth": "9"}).json()
    assert english == {
        "code": "invalid_depth",
        "detail": "The online service depth must be a whole number from 1 to 4",
        "field": "depth",
    }
    assert chinese == {
        "code": "invalid_depth",
        "detail": "网上办理深度应为1到4之间的整数",
        "field": "depth",
    }
    r = client.get(ITEMS, {"foo": "1", "bar": "2"}, HTTP_ACCEPT_LANGUAGE="en")
    body = r.json()
    assert r.status_code == 400 and body["code"] == "unknown_filter"
    assert [(e["code"], e["detail"]) for e in body["errors"]] == [
        ("unknown_filter", "Unsupported query parameter: foo"),
        ("unknown_filter", "Unsupported query parameter: bar"),
    ]
    assert body["detail"].startswith("Unsupported query parameters: foo、bar")


@pytest.mark.django_db
def test_api_refused_submission_lists_every_problem_in_english():
    implementation = hall_and_implementation(applicable_version())[1]
    client = APIClient()
    client.force_authenticate(citizen("zhaxi", full_name="扎西"))
    body = {
        "implementation": implementation.code,
        "form_data": {"contact_phone": "abc"},
        "submit": True,
    }

    def post(**headers):
        r = client.post("/api/v1/applications/", body, format="json", **headers)
        assert r.status_code == 400
        return r.json()

    english, chinese = post(HTTP_ACCEPT_LANGUAGE="en"), post()
    assert english["code"] == chinese["code"] == "application_incomplete"
    assert [e["code"] for e in english["errors"]] == [
        e["code"] for e in chinese["errors"]
    ]
    assert re.fullmatch(
        r"The application still has \d+ problems; please correct them and submit "
        r"again",
        english["detail"],
    )
    assert chinese["detail"].startswith("申请还有")
    details = [e["detail"] for e in english["errors"]]
    assert any(d.startswith("Missing material: ") for d in details)
    assert any(d.startswith(("Please fill in “", "Please choose “")) for d in details)
    assert "“联系电话” is not in the right format" in details
    for detail in details:  # the item's own names (data) may stay Chinese
        assert not CJK.search(re.sub(r"“[^”]*”|: .*$", "", detail)), detail
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_api_drf_errors_and_unknown_key_in_english():
    client = APIClient()
    r = client.get("/api/v1/applications/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 401
    assert r.json() == {
        "code": "not_authenticated",
        "detail": "Not signed in, or the session has expired",
    }
    assert client.get("/api/v1/applications/").json()["detail"] == "未登录或登录已过期"


def _english_client() -> Client:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


@pytest.mark.django_db
def test_search_page_in_english_shows_the_service_refusal_in_english():
    english = _english_client().get("/items/", {"q": "x"})
    assert english.status_code == 200
    page = english.content.decode()
    assert '<html lang="en"' in page
    assert "The search term needs at least 2 characters" in page
    chinese = Client().get("/items/", {"q": "x"}).content.decode()
    assert "搜索词至少2个字符" in chinese
    assert "The search term" not in chinese


@pytest.mark.django_db
def test_draft_submission_page_in_english_shows_english_errors():
    implementation = hall_and_implementation(applicable_version())[1]
    applicant = citizen("zhaxi", full_name="扎西")
    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    client = _english_client()
    client.force_login(applicant)
    review = f"/my/applications/{app.pk}/review/"
    page = client.get(review).content.decode()
    assert "Missing material: 居民身份证" in page
    r = client.post(review, {"token": "t1"})
    assert r.status_code == 400
    assert re.search(r"The application still has \d+ problems", r.content.decode())
    chinese = Client()
    chinese.force_login(applicant)
    r = chinese.post(review, {"token": "t2"})
    assert r.status_code == 400 and "申请还有" in r.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
