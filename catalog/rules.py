"""Guide consistency rules checked before a version is published.

Each rule yields ErrorItems with a stable code and a Chinese message. The
rules follow docs/domain.md (provincial checkers' rules) plus our own basic
completeness checks. Pure: reads the version and its children, writes nothing.
"""

from __future__ import annotations

import jsonschema
from django.utils.translation import gettext as _

from portal.errors import ErrorItem

from . import constants as c

CATCH_ALL_PHRASES = ("其他条件", "法律法规规定的其他", "其他情形", "等其他")


def check_version(version) -> list[ErrorItem]:
    errors: list[ErrorItem] = []

    def add(code: str, detail: str, field: str | None = None) -> None:
        errors.append(ErrorItem(code, detail, field))

    applicable = version.item_type in c.APPLICABLE_ITEM_TYPES
    if not version.name.strip():
        add("name_missing", _("事项名称不能为空"), "name")
    if not version.legal_bases:
        add(
            "legal_basis_missing",
            _("须填写设定依据（法律法规名称及条款）"),
            "legal_bases",
        )
    else:
        for i, basis in enumerate(version.legal_bases):
            if not isinstance(basis, dict) or not str(basis.get("law", "")).strip():
                add(
                    "legal_basis_incomplete",
                    _("第%(n)s条设定依据缺少法律法规名称") % {"n": i + 1},
                    f"legal_bases[{i}]",
                )
    for i, cond in enumerate(version.acceptance_conditions or []):
        if any(p in str(cond) for p in CATCH_ALL_PHRASES):
            add(
                "catch_all_condition",
                _(
                    "受理条件第%(n)s条含兜底表述（如“法律法规规定的其他条件”），应逐项列明"
                )
                % {"n": i + 1},
                f"acceptance_conditions[{i}]",
            )
    channels = set(version.channels or [])
    unknown = channels - set(c.Channel.values)
    if unknown:
        add(
            "channel_unknown",
            _("办理渠道含未知取值：%(values)s")
            % {"values": "、".join(sorted(unknown))},
            "channels",
        )
    if applicable:
        if not version.acceptance_conditions:
            add("conditions_missing", _("须列明受理条件"), "acceptance_conditions")
        if not version.served_parties:
            add(
                "served_party_missing",
                _("须选择服务对象（自然人或法人）"),
                "served_parties",
            )
        if not channels:
            add("channel_missing", _("须至少选择一种办理渠道"), "channels")
        if version.statutory_limit_value is None:
            add(
                "statutory_limit_missing",
                _("须填写法定办结时限"),
                "statutory_limit_value",
            )
        if version.promised_limit_value is None:
            add(
                "promised_limit_missing",
                _("须填写承诺办结时限"),
                "promised_limit_value",
            )
        if (
            version.statutory_limit_value is not None
            and version.promised_limit_value is not None
            and version.statutory_limit_unit == version.promised_limit_unit
            and version.promised_limit_value > version.statutory_limit_value
        ):
            add(
                "promised_exceeds_statutory",
                _("承诺时限不能长于法定时限"),
                "promised_limit_value",
            )
        if version.is_immediate and version.promised_limit_value not in (None, 0, 1):
            add(
                "immediate_with_limit",
                _("即办件的承诺时限应为0或1个工作日"),
                "promised_limit_value",
            )
    # docs/domain.md: depth IV means zero visits.
    if version.depth == c.OnlineDepth.FULLY_ONLINE and version.visits != 0:
        add(
            "depth4_visits",
            _("网上办理深度为Ⅳ级（全程网办）时，到办事现场次数应为0"),
            "visits",
        )
    if (
        version.depth >= c.OnlineDepth.ONLINE
        and applicable
        and c.Channel.ONLINE not in channels
    ):
        add(
            "depth_online_channel",
            _("网上办理深度为Ⅲ级及以上时，办理渠道须包含网上办理"),
            "channels",
        )
    if version.depth >= c.OnlineDepth.ONLINE and version.visits > 1:
        add(
            "depth3_visits", _("网上办理深度为Ⅲ级时，到办事现场次数最多为1次"), "visits"
        )
    # docs/domain.md: zero visits and not online means post must be a channel.
    if (
        applicable
        and version.visits == 0
        and c.Channel.ONLINE not in channels
        and c.Channel.POST not in channels
    ):
        add(
            "zero_visits_needs_post",
            _("到现场次数为0且不能网上办理时，须支持快递申请"),
            "channels",
        )
    if version.visits > 0 and not version.visits_reason.strip():
        add(
            "visits_reason_missing",
            _("到现场次数大于0时须说明到现场的原因"),
            "visits_reason",
        )
    bad_flags = [f for f in version.depth_flags or [] if f not in c.DEPTH_FLAGS]
    if bad_flags:
        add(
            "depth_flag_unknown",
            _("网办能力标识应为1至7，含有：%(flags)s") % {"flags": bad_flags},
            "depth_flags",
        )
    # docs/domain.md: a fee requires its basis.
    for i, fee in enumerate(version.fees or []):
        if not isinstance(fee, dict) or not str(fee.get("item", "")).strip():
            add(
                "fee_item_missing",
                _("第%(n)s项收费缺少收费项目名称") % {"n": i + 1},
                f"fees[{i}]",
            )
        elif not str(fee.get("basis", "")).strip():
            add(
                "fee_basis_missing",
                _("收费项目“%(fee)s”须填写收费依据") % {"fee": fee["item"]},
                f"fees[{i}]",
            )
    # docs/domain.md: consultation and complaint channels must differ.
    consult = version.consult_channels.strip()
    complaint = version.complaint_channels.strip()
    if applicable and not consult:
        add("consult_missing", _("须填写咨询方式"), "consult_channels")
    if applicable and not complaint:
        add("complaint_missing", _("须填写监督投诉方式"), "complaint_channels")
    if consult and complaint and consult == complaint:
        add(
            "consult_equals_complaint",
            _("咨询方式与监督投诉方式不能相同"),
            "complaint_channels",
        )
    errors.extend(_check_materials(version, applicable))
    errors.extend(_check_process(version, applicable))
    if version.form_schema:
        try:
            jsonschema.Draft202012Validator.check_schema(version.form_schema)
            if version.form_schema.get("type") != "object":
                raise jsonschema.SchemaError("root type must be object")
        except jsonschema.SchemaError as exc:
            add(
                "form_schema_invalid",
                _("申请表定义不是有效的 JSON Schema：%(message)s")
                % {"message": exc.message},
                "form_schema",
            )
    return errors


def _check_materials(version, applicable: bool) -> list[ErrorItem]:
    errors = []
    materials = list(version.materials.all())
    if applicable and not materials:
        errors.append(ErrorItem("materials_missing", _("须列明申请材料"), "materials"))
    names = set()
    for m in materials:
        field = f"materials[{m.order}]"
        if m.name in names:
            errors.append(
                ErrorItem(
                    "material_duplicate",
                    _("申请材料“%(name)s”重复") % {"name": m.name},
                    field,
                )
            )
        names.add(m.name)
        if m.source == c.MaterialSource.ECERT and not m.certificate_type_id:
            errors.append(
                ErrorItem(
                    "material_ecert_type",
                    _("材料“%(name)s”来源为调取电子证照库，须指定对应的电子证照类型")
                    % {"name": m.name},
                    field,
                )
            )
        if m.medium != c.MaterialMedium.ELECTRONIC and m.paper_copies == 0:
            errors.append(
                ErrorItem(
                    "material_copies",
                    _("材料“%(name)s”需纸质材料时份数至少为1") % {"name": m.name},
                    field,
                )
            )
    return errors


def _check_process(version, applicable: bool) -> list[ErrorItem]:
    errors = []
    stages = list(version.stages.all())
    if applicable and not stages:
        errors.append(
            ErrorItem("process_missing", _("须定义办理流程（至少一个阶段）"), "stages")
        )
        return errors
    total = 0
    for stage in stages:
        steps = list(stage.steps.all())
        if not steps:
            errors.append(
                ErrorItem(
                    "stage_empty",
                    _("办理阶段“%(name)s”没有办理环节") % {"name": stage.name},
                    f"stages[{stage.order}]",
                )
            )
            continue
        for step in steps:
            if not step.department_id and not step.department_kind:
                errors.append(
                    ErrorItem(
                        "step_department",
                        _("环节“%(name)s”须指定办理部门或部门类别")
                        % {"name": step.name},
                        f"stages[{stage.order}]",
                    )
                )
        total += max(s.limit_days for s in steps)
    if (
        version.promised_limit_value is not None
        and version.promised_limit_unit == c.LimitUnit.WORKING_DAYS
        and total > version.promised_limit_value
        and not version.is_immediate
    ):
        errors.append(
            ErrorItem(
                "step_limits_exceed_promised",
                _(
                    "各阶段环节时限合计%(total)s个工作日，超过承诺时限%(promised)s个工作日"
                )
                % {
                    "total": total,
                    "promised": version.promised_limit_value,
                },
                "stages",
            )
        )
    return errors
