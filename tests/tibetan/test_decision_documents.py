"""Bilingual refusal and decision documents for a Tibetan-language applicant:
both scripts (text extraction, compared without whitespace), the Tibetan from
the bo catalogue; a Chinese-language applicant's documents stay Chinese."""

from __future__ import annotations

import re

import pytest

from applications import documents
from people.models import ApplicantProfile
from tests.tibetan.test_documents import TIBETAN, _application, text_of
from tests.workflow.pages.world import build_world
from workflow import constants as wc
from workflow import documents as decision_documents
from workflow.services.tasks import task_claim, task_decide

pytestmark = pytest.mark.django_db


def test_a_tibetan_applicants_refusal_is_bilingual():
    app = _application("bo", refused=True)
    text = text_of(documents.refusal_pdf(app))
    for tibetan in (
        "ལེན་རྒྱུ་མིན་པའི་བརྡ་ཐོ",  # the title
        "ལེན་རྒྱུ་མིན་པའི་ཐག་གཅོད་བྱས",  # the letter
        "ལེགས་སྐྱེས་ལག་ཁྱེར་སྤྲོད་པ",  # the item's Tibetan name
        "ལེན་རྒྱུ་མིན་པའི་རྒྱུ་མཚན",  # 不予受理理由
        "ཁྲིམས་ཀྱི་སྐྱོབ་ལམ",  # 救济途径
        "སྲིད་འཛིན་བསྐྱར་ཞིབ",  # administrative review
    ):
        assert tibetan in text, tibetan
    for chinese in ("不予受理通知书", "决定不予受理", "不予受理理由", "申请行政复议"):
        assert chinese in text, chinese
    assert app.refusal_reason.replace(" ", "") in text


def test_a_chinese_applicants_refusal_stays_chinese():
    app = _application("", refused=True)
    text = text_of(documents.refusal_pdf(app))
    assert "不予受理通知书" in text and "救济途径" in text
    # Only the applicant's own (Tibetan) name is in Tibetan script.
    assert "བཀྲ་ཤིས་ཚེ་རིང" in text
    assert not TIBETAN.search(re.sub("བཀྲ་ཤིས་ཚེ་རིང་?", "", text))


def _decided(language: str, outcome: str):
    world = build_world()
    ApplicantProfile.objects.filter(user=world.users["applicant"]).update(
        language=language
    )
    for department, reviewer in (
        (world.fire, "fire_reviewer"),
        (world.market, "reviewer"),
    ):
        task = world.case.tasks.get(department=department, stage__order=1)
        task_claim(task=task, actor=world.users[reviewer])
        task_decide(
            task=task,
            actor=world.users[reviewer],
            outcome=outcome,
            opinion="条件符合规定" if outcome == "approve" else "疏散通道宽度不足",
            basis="" if outcome == "approve" else "《中华人民共和国消防法》第十五条",
        )
        world.case.refresh_from_db()
        if world.case.state == wc.CaseState.REJECTED:
            break
    if outcome == "approve":
        task = world.case.tasks.get(department=world.market, stage__order=2)
        task_claim(task=task, actor=world.users["reviewer"])
        task_decide(
            task=task,
            actor=world.users["reviewer"],
            outcome="approve",
            opinion="准予许可",
            basis="",
        )
    world.case.refresh_from_db()
    world.case.application.refresh_from_db()
    return world.case


def _decision_pdf(case) -> bytes:
    return decision_documents.decision_pdf(case, tracking_url="https://example.cn/t")


def _decision_text(case) -> str:
    return text_of(
        decision_documents.decision_pdf(case, tracking_url="https://example.cn/t")
    )


def test_a_tibetan_applicants_approval_is_bilingual():
    case = _decided("bo", "approve")
    assert case.state == wc.CaseState.APPROVED
    text = _decision_text(case)
    for tibetan in (
        "སྲིད་འཛིན་ཆོག་མཆན་སྤྲོད་པའི་ཐག་གཅོད་ཡི་གེ",  # 准予行政许可决定书
        "ཡིས་མཉམ་དུ་ཞིབ་བཤེར་བྱས་རྗེས",  # reviewed jointly
        "ཐག་གཅོད་ཚེས་གྲངས",  # 决定日期
        "སྡེ་ཚན་སོ་སོའི་ཞིབ་བཤེར་བསམ་འཆར",  # 各部门审查意见
        "ཐག་གཅོད་ཡི་གེ་འདི་ཁྱེར་ནས་སྒྲུབ་འབྲས་ལེན་རོགས",
    ):
        assert tibetan in text, tibetan
    for chinese in ("准予行政许可决定书", "经2个部门并联审查", "决定准予许可"):
        assert chinese in text, chinese


def test_a_tibetan_applicants_rejection_is_bilingual():
    case = _decided("bo", "reject")
    assert case.state == wc.CaseState.REJECTED
    text = _decision_text(case)
    for tibetan in (
        "སྲིད་འཛིན་ཆོག་མཆན་མི་སྤྲོད་པའི་ཐག་གཅོད་ཡི་གེ",  # 不予行政许可决定书
        "ཆོག་མཆན་མི་སྤྲོད་པའི་རྒྱུ་མཚན",  # 不予许可的理由
        "ཁྲིམས་ཀྱི་སྐྱོབ་ལམ",
        "སྲིད་འཛིན་གཏུག་ཞུ",  # litigation
    ):
        assert tibetan in text, tibetan
    for chinese in ("不予行政许可决定书", "不予许可的理由", "疏散通道宽度不足"):
        assert chinese in text, chinese
    assert "康定市人民政府申请行政复议" in text


def test_a_chinese_applicants_decision_stays_chinese():
    case = _decided("", "approve")
    text = _decision_text(case)
    assert "准予行政许可决定书" in text
    assert not TIBETAN.search(text)
