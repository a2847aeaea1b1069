"""The workflow pages for the right users: what they show, and forms that post
through workflow's services with Chinese messages beside the field."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from applications.models import UploadedFile
from portal.models import AuditEntry
from workflow import constants as c
from workflow.models import Extension, Task
from workflow.services.extensions import extension_request
from workflow.services.tasks import task_claim, task_comment, task_decide

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def field_error(response, name: str) -> str:
    """The error shown beside the named input (applications/_field.html)."""
    html = response.content.decode()
    m = re.search(rf'id="id_{re.escape(name)}_error">([^<]+)<', html)
    return m.group(1) if m else ""


# --- inbox ----------------------------------------------------------------------


def test_inbox_lists_the_departments_tasks_nearest_due_first(world, as_user):
    r = as_user("reviewer").get("/desk/tasks/")
    assert r.status_code == 200
    page = text(r)
    assert "餐饮店开办" in page and world.application.number in page
    assert "食品经营许可审查" in page
    assert "消防安全检查" not in page  # the fire department's task
    assert "未认领" in page and "认领" in page


def test_the_inbox_links_the_heads_desk_for_a_head_only(as_user):
    assert "/desk/head/" in as_user("head").get("/desk/tasks/").content.decode()
    assert "/desk/head/" not in as_user("reviewer").get("/desk/tasks/").content.decode()


def test_inbox_marks_say_it_in_words(world, as_user):
    task = world.task(world.market)
    with time_machine.travel(
        dt.datetime.combine(task.due_on + dt.timedelta(days=1), dt.time(10)),
        tick=False,
    ):
        r = as_user("reviewer").get("/desk/tasks/")
        assert r.status_code == 200
        page = text(r)
        assert "已超期" in page
        html = r.content.decode()
        assert '<tr class="red">' in html
        r = as_user("reviewer").get("/desk/tasks/?mark=red")
        assert world.application.number in text(r)
    with time_machine.travel(
        dt.datetime.combine(task.warn_on, dt.time(10)), tick=False
    ):
        r = as_user("reviewer").get("/desk/tasks/?mark=yellow")
        assert "临近到期" in text(r) and world.application.number in text(r)


def test_inbox_filters_by_number_state_and_mine(world, as_user):
    client = as_user("reviewer")
    number = world.application.number
    assert number in text(client.get(f"/desk/tasks/?number={number[-6:]}"))
    assert number not in text(client.get("/desk/tasks/?number=000000999"))
    assert number not in text(client.get("/desk/tasks/?mine=on"))
    task_claim(task=world.task(world.market), actor=world.users["reviewer"])
    assert number in text(client.get("/desk/tasks/?mine=on"))
    assert number not in text(client.get("/desk/tasks/?state=approved"))
    item = world.version.item_id
    r = client.get(f"/desk/tasks/?item={item}")
    assert number in text(r) and "事项：餐饮店开办" in text(r)


def test_inbox_bad_filter_is_named_beside_its_field(as_user):
    r = as_user("reviewer").get("/desk/tasks/?state=bogus&number=" + "9" * 60)
    assert r.status_code == 200
    assert field_error(r, "state") == "请选择列表中的状态"
    assert "办件编号最长47位" in field_error(r, "number")


def test_claim_and_release_from_the_inbox(world, as_user):
    client = as_user("reviewer")
    task = world.task(world.market)
    r = client.post(f"/desk/tasks/{task.pk}/claim/", {"next": "/desk/tasks/"})
    assert r.status_code == 302 and r["Location"] == "/desk/tasks/"
    task.refresh_from_db()
    assert task.assignee == world.users["reviewer"]
    # A colleague cannot take it; the service's reason is shown.
    r = as_user("reviewer2").post(f"/desk/tasks/{task.pk}/claim/", follow=True)
    assert "该任务已由其他人员认领" in text(r)
    r = client.post(
        f"/desk/tasks/{task.pk}/release/", {"next": "https://evil.example/"}
    )
    assert r["Location"] == f"/desk/tasks/{task.pk}/"  # an outside target is ignored
    task.refresh_from_db()
    assert task.assignee is None


# --- task page ------------------------------------------------------------------


def test_task_page_shows_form_materials_opinions_and_deadlines(world, as_user):
    fire_task = world.task(world.fire)
    task_claim(task=fire_task, actor=world.users["fire_reviewer"])
    task_comment(
        task=fire_task, actor=world.users["fire_reviewer"], text="内部：需复核"
    )
    task_decide(
        task=fire_task,
        actor=world.users["fire_reviewer"],
        outcome="approve",
        opinion="消防设施符合要求",
    )
    task = world.task(world.market)
    r = as_user("reviewer").get(f"/desk/tasks/{task.pk}/")
    assert r.status_code == 200
    page = text(r)
    assert "13800001111" in page  # the form's contact phone
    assert "营业执照" in page and "经营场所平面图" in page
    assert "康定市消防救援大队" in page and "消防设施符合要求" in page
    assert "内部：需复核" in page  # staff see internal comments
    assert "赵消防" in page  # and who acted
    assert "本环节到期日" in page and task.due_on.isoformat() in page
    assert f"/deadlines/{task.clock_id}/" in r.content.decode()
    upload = UploadedFile.objects.filter(
        application_material__application=world.application
    ).first()
    assert f"/files/{upload.pk}/" in r.content.decode()


def test_a_reviewer_opens_a_material_through_the_audited_file_view(world, as_user):
    upload = UploadedFile.objects.filter(
        application_material__application=world.application
    ).first()
    r = as_user("reviewer").get(f"/files/{upload.pk}/")
    assert r.status_code == 200
    assert (
        AuditEntry.objects.filter(actor=world.users["reviewer"])
        .filter(action__icontains="file")
        .exists()
    )
    assert as_user("other_reviewer").get(f"/files/{upload.pk}/").status_code == 404


def test_decision_posts_through_the_service(world, as_user):
    client = as_user("reviewer")
    task = world.task(world.market)
    client.post(f"/desk/tasks/{task.pk}/claim/")
    r = client.post(
        f"/desk/tasks/{task.pk}/decide/",
        {"decision-outcome": "approve", "decision-opinion": "材料齐全，同意"},
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.state == c.TaskState.APPROVED
    assert task.opinions.get().text == "材料齐全，同意"
    # A second decision is refused with the service's reason.
    r = client.post(
        f"/desk/tasks/{task.pk}/decide/",
        {"decision-outcome": "approve", "decision-opinion": "再次同意"},
    )
    assert r.status_code == 409
    assert "已" in text(r)
    assert task.opinions.count() == 1


def test_bad_decisions_are_named_beside_their_fields(world, as_user):
    client = as_user("reviewer")
    task = world.task(world.market)
    r = client.post(
        f"/desk/tasks/{task.pk}/decide/",
        {"decision-outcome": "approve", "decision-opinion": "同意"},
    )
    # Not claimed: the service refuses, the page says why.
    assert r.status_code == 403
    assert "请先认领该任务" in text(r)
    client.post(f"/desk/tasks/{task.pk}/claim/")
    r = client.post(
        f"/desk/tasks/{task.pk}/decide/",
        {"decision-outcome": "reject", "decision-opinion": "不符合条件"},
    )
    assert r.status_code == 400
    assert field_error(r, "decision-basis") == "不同意的，须写明法律依据"
    r = client.post(f"/desk/tasks/{task.pk}/decide/", {"decision-outcome": "maybe"})
    assert r.status_code == 400
    assert "请选择审查结论" in r.content.decode()
    assert field_error(r, "decision-opinion") == "请填写审查意见"
    task.refresh_from_db()
    assert task.state == c.TaskState.OPEN


def test_supplement_request_suspends_and_hides_the_decision(world, as_user):
    client = as_user("reviewer")
    task = world.task(world.market)
    client.post(f"/desk/tasks/{task.pk}/claim/")
    r = client.post(f"/desk/tasks/{task.pk}/supplement/", {"supplement-items": "  "})
    assert r.status_code == 400
    assert field_error(r, "supplement-items") == "请逐项写明需要补正的内容"
    r = client.post(
        f"/desk/tasks/{task.pk}/supplement/",
        {"supplement-items": "营业执照副本\n\n平面图须标明消防通道"},
    )
    assert r.status_code == 302
    world.case.refresh_from_db()
    assert world.case.state == c.CaseState.SUSPENDED
    assert world.case.supplements.get().text == "营业执照副本\n平面图须标明消防通道"
    page = text(client.get(f"/desk/tasks/{task.pk}/"))
    assert "补正期间不能作出审查决定" in page
    assert "中止计时" in page


def test_extension_request_then_the_head_approves(world, as_user):
    client = as_user("reviewer")
    task = world.task(world.market)
    client.post(f"/desk/tasks/{task.pk}/claim/")
    r = client.post(
        f"/desk/tasks/{task.pk}/extension/",
        {"extension-days": "99", "extension-reason": "需要实地核查"},
    )
    assert r.status_code == 400
    assert "延长期限应为1至" in field_error(r, "extension-days")
    r = client.post(
        f"/desk/tasks/{task.pk}/extension/",
        {"extension-days": "5", "extension-reason": "需要实地核查"},
    )
    assert r.status_code == 302
    extension = Extension.objects.get()
    head = as_user("head")
    page = text(head.get("/desk/head/"))
    assert "延期审批" in page and "需要实地核查" in page
    # A reviewer of the department is no head: refused with the reason.
    r = client.post(f"/desk/extensions/{extension.pk}/approve/", follow=True)
    assert "只有申请部门的科室负责人可以审批延期" in text(r)
    extension.refresh_from_db()
    assert extension.state == c.ExtensionState.REQUESTED
    task.refresh_from_db()
    before = task.due_on
    r = head.post(f"/desk/extensions/{extension.pk}/approve/", {"ext-note": "同意"})
    assert r.status_code == 302
    extension.refresh_from_db()
    assert extension.state == c.ExtensionState.APPROVED
    task.refresh_from_db()
    assert task.due_on > before  # the task's clock moved with the extension
    assert "延期 5 个工作日" in text(
        as_user("applicant").get(f"/my/applications/{world.application.pk}/timeline/")
    )


def test_refusing_an_extension_needs_a_note(world, as_user):
    task = world.task(world.market)
    task_claim(task=task, actor=world.users["reviewer"])
    extension = extension_request(
        task=task, actor=world.users["reviewer"], days=3, reason="理由"
    )
    head = as_user("head")
    r = head.post(
        f"/desk/extensions/{extension.pk}/refuse/", {"ext-note": ""}, follow=True
    )
    assert "不予延期的理由" in text(r)
    extension.refresh_from_db()
    assert extension.state == c.ExtensionState.REQUESTED
    head.post(
        f"/desk/extensions/{extension.pk}/refuse/", {"ext-note": "期限内可以办结"}
    )
    extension.refresh_from_db()
    assert extension.state == c.ExtensionState.REFUSED


def test_the_head_reassigns_from_the_desk(world, as_user):
    task = world.task(world.market)
    head = as_user("head")
    page = head.get("/desk/head/").content.decode()
    assert "李审核" in page  # the department's colleagues are the choices
    r = head.post(
        f"/desk/tasks/{task.pk}/reassign/",
        {"reassign-assignee": world.users["reviewer2"].pk, "from": "head"},
    )
    assert r.status_code == 302 and r["Location"].startswith("/desk/head/")
    task.refresh_from_db()
    assert task.assignee == world.users["reviewer2"]
    # Someone of another department is no choice.
    r = head.post(
        f"/desk/tasks/{task.pk}/reassign/",
        {"reassign-assignee": world.users["fire_reviewer"].pk},
        follow=True,
    )
    assert "请选择本部门人员" in text(r)
    task.refresh_from_db()
    assert task.assignee == world.users["reviewer2"]


def test_the_head_invites_a_consultant_who_then_sees_the_task(world, as_user):
    task = world.task(world.market)
    head = as_user("head")
    r = head.post(f"/desk/tasks/{task.pk}/consult/", {"consult-username": "nobody"})
    assert r.status_code == 400
    assert field_error(r, "consult-username")
    r = head.post(
        f"/desk/tasks/{task.pk}/consult/",
        {"consult-username": "wf-other", "consult-note": "土地性质"},
    )
    assert r.status_code == 302
    assert as_user("other_reviewer").get(f"/desk/tasks/{task.pk}/").status_code == 200


def test_joint_inspection_scheduled_then_each_department_records(world, as_user):
    task = world.task(world.market)
    fire_task = world.task(world.fire)
    head = as_user("head")
    r = head.post(f"/desk/tasks/{task.pk}/inspection/", {"inspection-on": "x"})
    assert r.status_code == 400
    assert field_error(r, "inspection-on") == "日期格式不正确"
    assert field_error(r, "inspection-place") == "请填写踏勘地点"
    on = world.case.opened_on + dt.timedelta(days=3)
    r = head.post(
        f"/desk/tasks/{task.pk}/inspection/",
        {
            "inspection-on": on.isoformat(),
            "inspection-days": "1",
            "inspection-place": "康定市炉城镇光明路2号",
            "inspection-tasks": [task.pk, fire_task.pk],
        },
    )
    assert r.status_code == 302, text(r)
    inspection = world.case.inspections.get()
    fire = as_user("fire_reviewer")
    page = text(fire.get(f"/desk/tasks/{fire_task.pk}/"))
    assert "集中踏勘" in page and "康定市炉城镇光明路2号" in page
    r = fire.post(
        f"/desk/tasks/{fire_task.pk}/inspections/{inspection.pk}/finding/",
        {"finding-text": ""},
    )
    assert r.status_code == 400
    assert field_error(r, "finding-text") == "请填写踏勘意见"
    r = fire.post(
        f"/desk/tasks/{fire_task.pk}/inspections/{inspection.pk}/finding/",
        {"finding-text": "消防通道畅通"},
    )
    assert r.status_code == 302
    assert inspection.findings.get().text == "消防通道畅通"


# --- timelines and explanations ---------------------------------------------------


def test_the_applicant_sees_decisions_and_reasons_not_comments_or_names(world, as_user):
    fire_task = world.task(world.fire)
    task_claim(task=fire_task, actor=world.users["fire_reviewer"])
    task_comment(
        task=fire_task, actor=world.users["fire_reviewer"], text="内部：需复核"
    )
    task_decide(
        task=fire_task,
        actor=world.users["fire_reviewer"],
        outcome="reject",
        opinion="疏散通道宽度不足",
        basis="《消防法》第十五条",
    )
    r = as_user("applicant").get(f"/my/applications/{world.application.pk}/timeline/")
    assert r.status_code == 200
    page = text(r)
    assert "并联审查" in page and "康定市消防救援大队" in page
    assert "疏散通道宽度不足" in page and "《消防法》第十五条" in page
    assert "内部：需复核" not in page
    assert "赵消防" not in page
    assert "不予许可" in page
    staff = text(
        as_user("reviewer").get(f"/desk/applications/{world.application.pk}/timeline/")
    )
    assert "内部：需复核" in staff and "赵消防" in staff


def test_the_applicants_page_links_the_timeline(world, as_user):
    html = as_user("applicant").get(f"/my/applications/{world.application.pk}/")
    assert f"/my/applications/{world.application.pk}/timeline/" in html.content.decode()


def test_timeline_deadlines_link_their_explanation(world, as_user):
    r = as_user("applicant").get(f"/my/applications/{world.application.pk}/timeline/")
    html = r.content.decode()
    links = re.findall(r'href="/deadlines/(\d+)/', html)
    assert links
    for pk in links:
        assert as_user("applicant").get(f"/deadlines/{pk}/").status_code == 200


def test_explain_lists_counted_and_skipped_days_in_chinese(world, as_user):
    task = world.task(world.market)
    r = as_user("reviewer").get(f"/deadlines/{task.clock_id}/")
    assert r.status_code == 200
    page = text(r)
    assert "计入的日子" in page and "当日不计" in page
    assert task.due_on.isoformat() in page
    assert "工作日历" in page


def test_explain_shows_a_suspension(world, as_user):
    task = world.task(world.market)
    client = as_user("reviewer")
    client.post(f"/desk/tasks/{task.pk}/claim/")
    client.post(f"/desk/tasks/{task.pk}/supplement/", {"supplement-items": "营业执照"})
    page = text(client.get(f"/deadlines/{task.clock_id}/"))
    assert "中止计时" in page
    assert "申请人补正材料" in page or "补正" in page


# --- flat query counts ----------------------------------------------------------


def _more_cases(world, n: int) -> None:
    from tests.applications.factories import ApplicationFactory, citizen

    for i in range(n):
        ApplicationFactory(
            stage="accepted",
            implementation=world.implementation,
            applicant=citizen(f"wf-more-{Task.objects.count()}-{i}"),
            clerk=world.users["clerk"],
        )


@pytest.mark.parametrize(
    "who,url",
    [("reviewer", "/desk/tasks/"), ("head", "/desk/head/")],
)
def test_list_pages_keep_a_flat_query_count(
    world, as_user, who, url, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(who)
    client.get(url)  # warm caches (calendar, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more_cases(world, 4)
    for task in Task.objects.filter(department=world.market, state="open")[:3]:
        task_claim(task=task, actor=world.users["reviewer2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_pages_speak_english_when_asked(world, as_user, settings):
    task = world.task(world.market)
    pages = {
        "reviewer": [
            ("/desk/tasks/", "Sorted by due date, nearest first"),
            (f"/desk/tasks/{task.pk}/", "Opinions of every department"),
            (f"/deadlines/{task.clock_id}/", "Days counted"),
            (f"/desk/applications/{world.application.pk}/timeline/", "Steps"),
        ],
        "head": [("/desk/head/", "Extensions to decide")],
        "applicant": [
            (f"/my/applications/{world.application.pk}/timeline/", "Deadlines")
        ],
    }
    for who, urls in pages.items():
        client = as_user(who)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for url, phrase in urls:
            r = client.get(url)
            assert r.status_code == 200, url
            assert phrase in r.content.decode(), url


def test_special_procedure_stops_and_resumes_the_clock(world, as_user):
    client = as_user("reviewer")
    task = world.task(world.market)
    client.post(f"/desk/tasks/{task.pk}/claim/")
    r = client.post(
        f"/desk/tasks/{task.pk}/procedure/",
        {"procedure-reason": "supplement", "procedure-note": ""},
    )
    assert r.status_code == 400
    assert field_error(r, "procedure-reason") == "请选择特别程序的种类"
    assert field_error(r, "procedure-note") == "请说明特别程序的内容"
    r = client.post(
        f"/desk/tasks/{task.pk}/procedure/",
        {"procedure-reason": "testing", "procedure-note": "委托检测油烟排放"},
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.due_on is None  # suspended: no due day while it runs
    page = text(client.get(f"/desk/tasks/{task.pk}/"))
    assert "检验、检测、检疫" in page and "特别程序结束，恢复计时" in page
    r = client.post(f"/desk/tasks/{task.pk}/procedure/end/")
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.due_on is not None


def test_a_task_of_a_stage_not_started_says_so(world, as_user):
    later = world.case.tasks.get(stage__order=2)
    page = text(as_user("reviewer").get(f"/desk/tasks/{later.pk}/"))
    assert "本环节所在阶段尚未开始" in page
    assert "认领此任务" not in page


def test_the_hall_records_the_supplement_and_the_clock_resumes(world, as_user):
    reviewer = as_user("reviewer")
    task = world.task(world.market)
    reviewer.post(f"/desk/tasks/{task.pk}/claim/")
    reviewer.post(
        f"/desk/tasks/{task.pk}/supplement/", {"supplement-items": "营业执照副本"}
    )
    supplement = world.case.supplements.get()
    assert as_user("other_clerk").get("/desk/supplements/").status_code == 200
    assert "营业执照副本" not in text(as_user("other_clerk").get("/desk/supplements/"))
    r = as_user("other_clerk").post(f"/desk/supplements/{supplement.pk}/received/")
    assert r.status_code == 404
    assert as_user("reviewer").get("/desk/supplements/").status_code == 403
    clerk = as_user("clerk")
    page = text(clerk.get("/desk/supplements/"))
    assert "营业执照副本" in page and "康定市市场监督管理局" in page
    r = clerk.post(f"/desk/supplements/{supplement.pk}/received/", {"note": "已收原件"})
    assert r.status_code == 302
    world.case.refresh_from_db()
    assert world.case.state == c.CaseState.OPEN
    supplement.refresh_from_db()
    assert supplement.received_note == "已收原件"
    task.refresh_from_db()
    assert task.due_on is not None
