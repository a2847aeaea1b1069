"""The decision documents: A4 PDFs with the hall, the departments' opinions,
the decision and its basis, and the tracking QR code's URL; downloadable by
the applicant and the staff who see the application, 404 for anyone else."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from workflow import constants as c
from workflow.services.tasks import task_claim, task_comment, task_decide

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    return text.replace(" ", "").replace("\n", "")


def _decide(world, department, reviewer, outcome, opinion, basis="", stage=1):
    task = world.case.tasks.get(department=department, stage__order=stage)
    task_claim(task=task, actor=world.users[reviewer])
    task_decide(
        task=task,
        actor=world.users[reviewer],
        outcome=outcome,
        opinion=opinion,
        basis=basis,
    )


def approve_all(world):
    task = world.task(world.fire)
    task_claim(task=task, actor=world.users["fire_reviewer"])
    task_comment(task=task, actor=world.users["fire_reviewer"], text="内部：下次复查")
    task_decide(
        task=task,
        actor=world.users["fire_reviewer"],
        outcome="approve",
        opinion="消防设施符合要求",
    )
    _decide(world, world.market, "reviewer", "approve", "食品经营条件符合规定")
    _decide(world, world.market, "reviewer", "approve", "准予许可", stage=2)
    world.case.refresh_from_db()
    assert world.case.state == c.CaseState.APPROVED


def test_approval_document(world, as_user):
    approve_all(world)
    url = f"/applications/{world.application.pk}/decision.pdf"
    r = as_user("applicant").get(url)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Cache-Control"] == "private, no-store"
    data = r.content
    reader = PdfReader(io.BytesIO(data))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4
    text = pdf_text(data)
    app = world.application
    assert "准予行政许可决定书" in text
    assert "康定市政务服务中心" in text
    assert app.number in text and app.query_code in text
    assert "餐饮店开办" in text
    assert "康定市消防救援大队" in text and "消防设施符合要求" in text
    assert "康定市市场监督管理局" in text and "食品经营条件符合规定" in text
    assert "并联审查" in text and "许可决定" in text
    assert "经2个部门并联审查" in text
    assert "行政许可法" in text  # the item's legal basis
    assert "内部：下次复查" not in text  # comments are internal
    # Handed to the applicant (or downloaded by them): their full name, like
    # the receipt and the notices (issue 12, documents name their people).
    assert "申请人扎西次仁" in text
    assert "track" in text and app.query_code in text  # the QR code's URL
    # Staff who see the application may download it too.
    assert as_user("reviewer").get(url).status_code == 200
    assert as_user("clerk").get(url).status_code == 200
    for who in ("other_reviewer", "other_head", "other_citizen", "other_clerk"):
        assert as_user(who).get(url).status_code == 404, who


def test_rejection_document_names_the_reasons_and_remedies(world, as_user):
    _decide(
        world,
        world.fire,
        "fire_reviewer",
        "reject",
        "疏散通道宽度不足",
        basis="《中华人民共和国消防法》第十五条",
    )
    world.case.refresh_from_db()
    assert world.case.state == c.CaseState.REJECTED
    r = as_user("applicant").get(f"/applications/{world.application.pk}/decision.pdf")
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert "不予行政许可决定书" in text
    assert "不予许可的理由" in text and "疏散通道宽度不足" in text
    assert "消防法》第十五条" in text
    assert "康定市人民政府申请行政复议" in text
    assert "康定市人民法院提起行政诉讼" in text


def test_no_document_before_the_decision(world, as_user):
    r = as_user("applicant").get(f"/applications/{world.application.pk}/decision.pdf")
    assert r.status_code == 404
    page = as_user("applicant").get(f"/my/applications/{world.application.pk}/")
    assert "decision.pdf" not in page.content.decode()


def test_the_timeline_offers_the_document_once_decided(world, as_user):
    approve_all(world)
    url = f"/my/applications/{world.application.pk}/timeline/"
    html = as_user("applicant").get(url).content.decode()
    assert f"/applications/{world.application.pk}/decision.pdf" in html
    assert "下载准予许可决定书" in html
