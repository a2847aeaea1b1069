"""Who sees what: departments on the case, consultants; the query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from applications.services.acceptance import application_accept
from portal.errors import ServiceError
from portal.roles import Role
from tests.applications.factories import ApplicationFactory, citizen, clerk_at
from tests.factories import staff
from workflow.selectors import task_visible_to
from workflow.services import consultation_invite

from .factories import accepted, case_of, department, head, reviewer, routed_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(region):
    a, b = department("甲局", region=region), department("乙局", region=region)
    outsider = department("丙局", region=region)
    app = accepted(routed_item([[a], [b]], lead=a))
    return {
        "app": app,
        "case": case_of(app),
        "rev_a": reviewer(a),
        "head_a": head(a),
        "rev_b": reviewer(b),
        "rev_x": reviewer(outsider),
        "head_x": head(outsider),
    }


def _sees(user, app) -> bool:
    return Application.objects.visible_to(user).filter(pk=app.pk).exists()


def test_a_department_sees_an_application_while_it_has_or_had_a_task(setup):
    app = setup["app"]
    assert _sees(setup["rev_a"], app)
    assert _sees(setup["head_a"], app)
    # The second stage's department has a (waiting) task on the case too.
    assert _sees(setup["rev_b"], app)
    # Another department's reviewer and head: not visible (404 everywhere).
    assert not _sees(setup["rev_x"], app)
    assert not _sees(setup["head_x"], app)
    assert not task_visible_to(setup["rev_x"]).exists()


def test_a_consultant_sees_the_case_application_and_tasks(setup):
    expert = staff("expert", Role.REVIEWER, department=department("专家库"))
    assert not _sees(expert, setup["app"])
    consultation_invite(
        case=setup["case"], actor=setup["head_a"], user=expert, note="请会商"
    )
    assert _sees(expert, setup["app"])
    assert task_visible_to(expert).count() == 2
    # Another application stays invisible to the consultant.
    other = accepted(setup["app"].implementation)
    assert not _sees(expert, other)


def test_bad_consultation_invitations(setup):
    case = setup["case"]
    with pytest.raises(ServiceError) as exc:
        consultation_invite(case=case, actor=setup["rev_a"], user=setup["rev_x"])
    assert (exc.value.code, exc.value.status) == ("not_department_head", 403)
    with pytest.raises(ServiceError) as exc:
        consultation_invite(case=case, actor=setup["head_x"], user=setup["rev_b"])
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        consultation_invite(case=case, actor=setup["head_a"], user=setup["rev_a"])
    assert exc.value.code == "consultant_invalid"  # same department
    with pytest.raises(ServiceError) as exc:
        consultation_invite(case=case, actor=setup["head_a"], user=citizen("c1"))
    assert exc.value.code == "consultant_invalid"  # not staff
    consultation_invite(case=case, actor=setup["head_a"], user=setup["rev_x"])
    with pytest.raises(ServiceError) as exc:
        consultation_invite(case=case, actor=setup["head_a"], user=setup["rev_x"])
    assert exc.value.code == "consultation_exists"


def test_the_visible_list_is_one_query_and_repeats_no_row(setup):
    app = setup["app"]
    user = setup["rev_a"]
    Application.objects.visible_to(user).count()  # warm the user's caches
    with CaptureQueriesContext(connection) as ctx:
        rows = list(Application.objects.visible_to(user))
    assert len(ctx.captured_queries) == 1
    assert [r.pk for r in rows] == [app.pk]


def _accept_queries(region, n: int) -> int:
    deps = [department(f"局{n}-{i}", region=region) for i in range(n)]
    impl = routed_item([deps], lead=deps[0])
    app = ApplicationFactory(
        submitted=True, implementation=impl, applicant=citizen(f"q{n}")
    )
    clerk = clerk_at(impl.hall, f"clerk-q{n}")
    application_accept(application=app, clerk=clerk)  # warm caches elsewhere
    app2 = ApplicationFactory(
        submitted=True, implementation=impl, applicant=citizen(f"q{n}b"), clerk=clerk
    )
    with CaptureQueriesContext(connection) as ctx:
        application_accept(application=app2, clerk=clerk)
    assert case_of(app2).tasks.count() == n
    count = len(ctx.captured_queries)
    if n == 2:
        # History does not add statements: after more cases, the same count.
        for i in range(3):
            accepted(impl, clerk=clerk, applicant=citizen(f"q{n}h{i}"))
        app3 = ApplicationFactory(
            submitted=True,
            implementation=impl,
            applicant=citizen(f"q{n}c"),
            clerk=clerk,
        )
        with CaptureQueriesContext(connection) as ctx:
            application_accept(application=app3, clerk=clerk)
        assert len(ctx.captured_queries) == count
    return count


def test_accepting_into_a_stage_costs_a_constant_number_of_queries_per_department(
    region,
):
    one, two, five = (_accept_queries(region, n) for n in (1, 2, 5))
    per_department = two - one
    # Linear: every further department costs the same few statements (its
    # task clock's insert, segment, deadlines, audit entry), nothing else.
    assert five - one == 4 * per_department
    print(f"accept queries: 1 dep {one}, 2 deps {two}, 5 deps {five}")
    assert per_department <= 8, (one, two, five)
