"""Sample catalog for the public pages: a few rich items, regions, articles.

Used by the tests in this package and by ``python -m tests.web.data`` style
scripts that fill a scratch SQLite file for looking at pages in a browser.
Everything goes through the shared factories and the catalog services.
"""

from __future__ import annotations

import datetime as dt

from catalog import constants as c
from catalog import services
from catalog.models import (
    CertificateType,
    IntermediaryAgency,
    IntermediaryService,
    Material,
    ProcessStage,
    ProcessStep,
    ServiceItem,
    Window,
)
from people.codes import make_credit_code
from portal.models import Article, ArticleKind
from tests.factories import (
    DepartmentFactory,
    RegionFactory,
    ServiceHallFactory,
    ThemeFactory,
    UserFactory,
    VersionFactory,
    ganzi_regions,
    implementation_for,
)

PASSPORT_CODE = "000174003000"
EDITOR = "web-sample-editor"


def department(n: int, name: str, region, kind: str, level=c.AuthorityLevel.COUNTY):
    stem = f"11{region.code}MB{n:07d}"
    return DepartmentFactory(
        name=name,
        credit_code=make_credit_code(stem),
        region=region,
        kind=kind,
        level=level,
        phone="0836-28" + f"{n:05d}"[-5:],
    )


def rich_item(
    *,
    basic_code: str,
    name: str,
    dept,
    editor,
    item_type: str = c.ItemType.LICENSING,
    parallel: list | None = None,
    hot: int = 0,
    themes: tuple = (),
    cert_type: CertificateType | None = None,
    **fields,
):
    """Draft with materials and a process (optionally a parallel stage), published."""
    version = VersionFactory(
        item__basic_code=basic_code,
        item__name=name,
        item__item_type=item_type,
        item__lead_department=dept,
        name=name,
        item_type=item_type,
        with_children=False,
        **fields,
    )
    Material.objects.create(
        version=version,
        order=1,
        name="居民身份证",
        form=c.MaterialForm.ORIGINAL,
        medium=c.MaterialMedium.BOTH,
        source=c.MaterialSource.ECERT if cert_type else c.MaterialSource.GOVERNMENT,
        certificate_type=cert_type,
        necessity=c.MaterialNecessity.REQUIRED,
        legal_basis="《中华人民共和国居民身份证法》第十四条",
        notes="查验原件",
    )
    Material.objects.create(
        version=version,
        order=2,
        name=f"{name}申请表",
        form=c.MaterialForm.ORIGINAL,
        medium=c.MaterialMedium.PAPER,
        paper_copies=1,
        necessity=c.MaterialNecessity.REQUIRED,
        notes="可在窗口现场填写",
    )
    Material.objects.create(
        version=version,
        order=3,
        name="近期免冠证件照片",
        form=c.MaterialForm.ORIGINAL,
        medium=c.MaterialMedium.PAPER,
        paper_copies=2,
        necessity=c.MaterialNecessity.TOLERATED,
    )
    first = ProcessStage.objects.create(version=version, order=1, name="受理审查")
    ProcessStep.objects.create(
        stage=first, order=1, name="受理", department=dept, limit_days=1
    )
    if parallel:
        stage = ProcessStage.objects.create(version=version, order=2, name="并联审批")
        for i, (step_name, step_dept, days, site) in enumerate(parallel, start=1):
            ProcessStep.objects.create(
                stage=stage,
                order=i,
                name=step_name,
                department=step_dept,
                limit_days=days,
                site_inspection=site,
            )
    published = services.version_publish(version=version, actor=editor)
    item = published.item
    if hot:
        ServiceItem.objects.filter(pk=item.pk).update(hot=hot)
    if themes:
        item.themes.add(*themes)
    return published


def build_sample(extra_items: int = 0, extra_articles: int = 0) -> dict:
    """The sample catalog; ``extra_items``/``extra_articles`` add plain rows."""
    editor = UserFactory(username=EDITOR, roles=["catalog_editor"])
    regions = ganzi_regions()
    gz, kd, ld = regions["513300"], regions["513301"], regions["513322"]
    for code, name in (
        ("513323", "丹巴县"),
        ("513332", "石渠县"),
        ("513334", "理塘县"),
    ):
        RegionFactory(code=code, name=name, level=c.RegionLevel.COUNTY, parent=gz)
    RegionFactory(
        code="513322100", name="泸桥镇", level=c.RegionLevel.TOWNSHIP, parent=ld
    )
    police = department(1, "康定市公安局", kd, "公安")
    market = department(2, "康定市市场监督管理局", kd, "市场监管")
    tax = department(3, "国家税务总局康定市税务局", kd, "税务")
    social = department(4, "康定市人力资源和社会保障局", kd, "社保")
    fund = department(5, "甘孜州住房公积金管理中心康定分中心", kd, "公积金")
    civil = department(6, "康定市民政局", kd, "民政")
    ld_police = department(7, "泸定县公安局", ld, "公安")
    hall = ServiceHallFactory(
        name="康定市政务服务中心",
        region=kd,
        address="康定市炉城街道光明路1号",
        phone="0836-2811111",
        self_service=True,
    )
    w1 = Window.objects.create(hall=hall, number="5", name="出入境综合窗口")
    w1.departments.add(police)
    w2 = Window.objects.create(hall=hall, number="1", name="企业开办综合窗口")
    ld_hall = ServiceHallFactory(
        name="泸定县政务服务中心", region=ld, address="泸定县泸桥镇滨河路8号"
    )

    travel = ThemeFactory(
        code="travel", name="出境入境", audience=c.ThemeAudience.PERSONAL, icon="✈"
    )
    ThemeFactory(code="birth", name="生育收养", audience=c.ThemeAudience.PERSONAL)
    relief = ThemeFactory(
        code="relief", name="社会救助", audience=c.ThemeAudience.PERSONAL
    )
    start = ThemeFactory(
        code="start", name="企业开办", audience=c.ThemeAudience.ENTERPRISE
    )
    ThemeFactory(code="close", name="注销退出", audience=c.ThemeAudience.ENTERPRISE)

    id_card = CertificateType.objects.create(
        code=make_credit_code("11100000000013338") + "001",
        name="居民身份证",
        issuing_authority="公安",
        holder_kind=c.ServedParty.NATURAL,
    )
    passport = rich_item(
        basic_code=PASSPORT_CODE,
        name="普通护照签发",
        dept=police,
        editor=editor,
        hot=980,
        themes=(travel,),
        cert_type=id_card,
        legal_bases=[
            {
                "law": "《中华人民共和国护照法》",
                "article": "第五条",
                "text": "公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等"
                "非公务原因出国的，由本人向户籍所在地的县级以上地方人民政府公安机关"
                "出入境管理机构申请普通护照。",
            }
        ],
        acceptance_conditions=["具有中华人民共和国国籍", "申请人为本人到场办理"],
        statutory_limit_value=15,
        statutory_limit_note="偏远地区或交通不便的地区或者因特殊情况，不能按期签发的，经护照签发机关负责人批准，签发时间可以延长至30日",
        promised_limit_value=7,
        promised_limit_note="自受理之日起",
        special_procedures=[
            {"name": "核查", "limit": "5个工作日", "basis": "《护照法》第六条"}
        ],
        fees=[
            {
                "item": "普通护照",
                "standard": "120元/本",
                "basis": "发改价格规〔2019〕914号",
                "reduction": "",
                "online_payment": True,
            }
        ],
        results=[{"type": "证照", "name": "中华人民共和国普通护照"}],
        result_by_post=True,
        appointment=True,
        appointment_quota="每日上午40个号源",
        courier=True,
        self_service=True,
        review_body="康定市人民政府",
        litigation_body="康定市人民法院",
        faq=[
            {"q": "护照丢失了怎么办？", "a": "先到出入境管理机构报失，再申请补发。"},
            {"question": "可以异地办理吗？", "answer": "可以，全国通办。"},
        ],
        keywords="出国 护照",
    )
    rich_item(
        basic_code="000174001000",
        name="居民身份证换领",
        dept=police,
        editor=editor,
        item_type=c.ItemType.PUBLIC_SERVICE,
        hot=900,
    )
    rich_item(
        basic_code="000105001000",
        name="最低生活保障审批",
        dept=civil,
        editor=editor,
        item_type=c.ItemType.BENEFIT,
        hot=500,
        themes=(relief,),
        parallel=[("入户调查", civil, 5, True)],
    )
    rich_item(
        basic_code="000199001000",
        name="企业开办",
        dept=market,
        editor=editor,
        hot=700,
        themes=(start,),
        served_parties=[c.ServedParty.LEGAL],
        co_handling_bodies="公安、税务、社保、住房公积金",
        parallel=[
            ("公章刻制备案", police, 1, False),
            ("税务登记及发票申领", tax, 1, False),
            ("社保登记", social, 1, False),
            ("住房公积金缴存登记", fund, 1, False),
        ],
    )
    kd_impl = implementation_for(passport, department=police, region=kd, hall=hall)
    kd_impl.windows.add(w1)
    kd_impl.service_points.add(regions["513301100"])
    ld_impl = implementation_for(
        passport, department=ld_police, region=ld, hall=ld_hall
    )
    services.variance_record(
        implementation=ld_impl,
        field="promised_limit_value",
        local_value=10,
        reason="泸定县证件制作需送州局，路途较远",
        approved_by=editor,
        approved_on=dt.date(2026, 1, 5),
    )
    agency = IntermediaryAgency.objects.create(
        name="甘孜州测绘院",
        credit_code=make_credit_code("12513300MB0000001"),
        region=kd,
        qualification="甲级测绘资质",
        phone="0836-2899999",
    )
    survey = IntermediaryService.objects.create(
        name="建设工程规划核实测量", basis="《测绘法》", fee_basis="市场调节价"
    )
    survey.agencies.add(agency)
    survey.items.add(passport.item)
    for kind, slug, title in (
        (
            ArticleKind.NOTICE,
            "holiday-2026",
            "关于2026年春节期间政务服务大厅办公时间的通知",
        ),
        (ArticleKind.POLICY, "policy-once", "甘孜州深化“一网通办”改革实施方案"),
        (ArticleKind.FAQ, "faq-account", "如何注册个人账户？"),
        (ArticleKind.SUPERVISION, "sup-rating", "政务服务“好差评”制度"),
    ):
        Article.objects.create(
            kind=kind,
            slug=slug,
            title=title,
            summary="摘要：" + title,
            body=f"{title}。\n\n第二段正文。",
            document_number="甘府办发〔2026〕1号" if kind == ArticleKind.POLICY else "",
            issuer="甘孜州人民政府办公室",
            published_on=dt.date(2026, 1, 10),
        )
    add_items(extra_items, start=1, dept=market, editor=editor, region=kd)
    add_articles(extra_articles, start=1)
    return {
        "editor": editor,
        "passport": passport,
        "police": police,
        "market": market,
        "kangding": kd,
        "luding": ld,
        "travel": travel,
        "start": start,
        "hall": hall,
        "window": w2,
    }


def add_items(n: int, *, start: int, dept, editor, region) -> None:
    """``n`` more published items, each implemented in ``region`` with a theme."""
    from catalog.models import Theme

    theme = Theme.objects.get(code="start")
    for i in range(start, start + n):
        version = VersionFactory(
            item__basic_code=f"00099{i:07d}",
            item__name=f"样例事项{i}号",
            name=f"样例事项{i}号",
            with_children__department=dept,
        )
        published = services.version_publish(version=version, actor=editor)
        published.item.themes.add(theme)
        implementation_for(published, department=dept, region=region)


def add_articles(n: int, *, start: int) -> None:
    for i in range(start, start + n):
        for kind in ArticleKind.values:
            Article.objects.create(
                kind=kind,
                slug=f"{kind}-extra-{i}",
                title=f"补充内容{i}",
                body="正文",
                published_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            )
