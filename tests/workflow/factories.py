"""Workflow test data, made through the real services (catalog, applications).

``routed_item(stages=[[dep_a, dep_b], [dep_c]])`` publishes an item whose
process has those stages (one step per department unless a step spec is
given), implemented in Kangding with a hall; ``accepted_case(impl)`` takes an
application through submission and the clerk's acceptance, which opens its
case through the registered hook.
"""

from __future__ import annotations

import itertools

from applications.models import Application
from catalog.models import Department, Material, ProcessStage, ProcessStep
from people.codes import make_credit_code
from portal.roles import Role
from tests.applications.factories import (
    FORM_SCHEMA,
    ApplicationFactory,
    citizen,
    clerk_at,
)
from tests.factories import (
    RegionFactory,
    ServiceHallFactory,
    UserFactory,
    VersionFactory,
    implementation_for,
    staff,
)
from workflow.models import Case

_seq = itertools.count(1)


def department(name: str, *, region=None, kind: str = "") -> Department:
    n = next(_seq)
    return Department.objects.create(
        name=name,
        credit_code=make_credit_code(f"11513301WF{n:07d}"),
        region=region or RegionFactory(),
        level="4",
        kind=kind or f"kind{n}",
    )


def routed_item(stages, *, lead=None, hall=None, law_limits=False, **version_fields):
    """A published item with ``stages`` (lists of departments or step dicts).

    A step dict: {"department": d} or {"department_kind": k}, plus
    "limit_days", "name", "site_inspection". Returns the implementation.
    ``law_limits``: the item states no limits of its own (older data: the
    catalog's rules require both now), so the law's defaults apply.
    """
    from catalog.services import version_publish

    version = VersionFactory(
        with_children=False, form_schema=FORM_SCHEMA, **version_fields
    )
    Material.objects.create(version=version, order=1, name="居民身份证")
    for order, steps in enumerate(stages, start=1):
        stage = ProcessStage.objects.create(
            version=version, order=order, name=f"第{order}阶段"
        )
        for i, spec in enumerate(steps, start=1):
            if isinstance(spec, Department):
                spec = {"department": spec}
            spec = {"limit_days": 5, "name": f"环节{order}-{i}", **spec}
            ProcessStep.objects.create(stage=stage, order=i, **spec)
    version = version_publish(version=version, actor=UserFactory(username="editor"))
    if law_limits:
        type(version).objects.filter(pk=version.pk).update(
            statutory_limit_value=None, promised_limit_value=None
        )
        version.refresh_from_db()
    region = RegionFactory()
    hall = hall or ServiceHallFactory(region=region)
    lead = lead or department("实施局", region=region)
    return implementation_for(version, department=lead, hall=hall)


def accepted(implementation, *, applicant=None, clerk=None) -> Application:
    """An application accepted by the hall's clerk (the case opens on the hook)."""
    clerk = clerk or clerk_at(implementation.hall, f"clerk-{implementation.hall_id}")
    applicant = applicant or citizen(f"wfcitizen{next(_seq)}")
    return ApplicationFactory(
        accepted=True, implementation=implementation, applicant=applicant, clerk=clerk
    )


def case_of(application: Application) -> Case:
    return Case.objects.get(application=application)


def reviewer(dep: Department, name: str | None = None):
    return staff(name or f"rev-{dep.pk}", Role.REVIEWER, department=dep)


def head(dep: Department, name: str | None = None):
    return staff(name or f"head-{dep.pk}", Role.DEPARTMENT_HEAD, department=dep)
