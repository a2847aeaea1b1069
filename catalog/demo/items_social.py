"""Demo items for citizens: civil affairs, health, social security, education."""

from __future__ import annotations

from .builders import (
    NATURAL,
    ONLINE,
    POST,
    WINDOW,
    choice,
    date,
    faq,
    flag,
    hukou,
    id_card,
    integer,
    item,
    law,
    limit,
    mat,
    number,
    person_form,
    result,
    stage,
    step,
    text,
)

ASSISTANCE_RULES = "《社会救助暂行办法》"
DIBAO_RULES = "《最低生活保障审核确认办法》（民发〔2021〕57号）"
PENSION_OPINION = (
    "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）"
)
SOCIAL_INSURANCE_LAW = "《中华人民共和国社会保险法》"
BANK_ACCOUNT = text("本人银行账户（社会保障卡金融账户优先）", max_length=30)
HOUSEHOLD_MEMBERS = {
    "type": "array",
    "title": "共同生活家庭成员",
    "items": {
        "type": "object",
        "title": "家庭成员",
        "properties": {
            "name": text("姓名", max_length=50),
            "relation": choice(
                "与申请人关系", ["配偶", "子女", "父母", "祖父母", "孙子女", "兄弟姐妹"]
            ),
            "monthly_income": number("月收入（元）"),
        },
        "required": ["name", "relation"],
    },
}
AUTHORISATION = mat(
    "家庭经济状况核对授权书",
    source="government",
    source_note="窗口领取或网上下载",
    notes="共同生活家庭成员均须签字，授权民政部门核对收入和财产",
)

ITEMS = [
    item(
        "000115001000",
        "结婚登记",
        "07",
        "kd_mz",
        hot=3900,
        themes=("marriage",),
        keywords="领证 结婚证 婚姻登记 预约结婚",
        parties=[NATURAL],
        bases=[
            law(
                "《中华人民共和国民法典》",
                "第一千零四十九条",
                "要求结婚的男女双方应当亲自到婚姻登记机关申请结婚登记。",
            ),
            law("《婚姻登记条例》", "第四条、第五条、第七条"),
        ],
        conditions=[
            "男女双方完全自愿",
            "男年满二十二周岁，女年满二十周岁",
            "双方均无配偶，且不属于直系血亲或三代以内旁系血亲",
            "内地居民婚姻登记实行全国通办，可在一方常住户口所在地或经常居住地办理",
        ],
        statutory=limit(1, "符合条件的当场予以登记"),
        promised=limit(0, "当场办结、当场发证"),
        immediate=True,
        channels=[WINDOW, ONLINE],
        depth=2,
        flags=[1, 2, 3],
        visits=1,
        visits_reason="《民法典》规定结婚须男女双方亲自到婚姻登记机关申请",
        results=[result("结婚证")],
        appointment=True,
        quota="可通过“天府通办”预约，支持“520”“七夕”等特殊日期预约",
        materials=[
            hukou(who="男女双方", notes="可调取电子户口簿；跨省通办的以居住证替代"),
            id_card(who="男女双方"),
            mat(
                "双方近期半身免冠合影照片",
                copies=3,
                notes="2寸红底合影，也可在登记处现场拍摄",
            ),
            mat(
                "申请结婚登记声明书",
                source="government",
                source_note="登记处现场填写",
                notes="双方在婚姻登记员面前签名",
            ),
        ],
        stages=[
            stage(
                "审查登记",
                step(
                    "审查并颁证",
                    1,
                    kind="民政",
                    action="婚姻登记处当场审查、登记、颁发结婚证",
                ),
            )
        ],
        form_schema={
            "title": "结婚登记预约信息",
            "type": "object",
            "properties": {
                "male_name": text("男方姓名", max_length=50),
                "female_name": text("女方姓名", max_length=50),
                "phone": {
                    "type": "string",
                    "title": "联系电话",
                    "pattern": r"^1[3-9]\d{9}$",
                },
                "appointment_date": date("预约日期"),
                "ceremony": flag("需要颁证仪式", default=False),
            },
            "required": ["male_name", "female_name", "phone", "appointment_date"],
        },
        faqs=faq(
            (
                "户口不在康定可以在康定登记结婚吗？",
                "可以。婚姻登记“跨省通办”后，一方在康定有经常居住地（持居住证）即可办理。",
            ),
            ("结婚登记收费吗？", "不收费，结婚证工本费已取消。"),
        ),
        impls=["kd_mz", "ld_mz", "lt_mz", "dc_mz"],
    ),
    item(
        "000115012000",
        "最低生活保障审批",
        "05",
        "kd_mz",
        hot=2800,
        themes=("assistance",),
        keywords="低保 最低生活保障 困难救助 申请低保",
        parties=[NATURAL],
        bases=[
            law(
                ASSISTANCE_RULES,
                "第九条至第十一条",
                "国家对共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合当地最低生活保障家庭财产状况规定的家庭，给予最低生活保障。",
            ),
            law(DIBAO_RULES, "第十五条至第二十二条"),
            law("《四川省最低生活保障工作规程》"),
        ],
        conditions=[
            "申请人持有本县（市）户籍，或持有居住证在经常居住地申请",
            "共同生活家庭成员人均月收入低于当地最低生活保障标准",
            "家庭财产状况符合当地规定（无商业用房、非生活必需机动车等）",
            "共同生活家庭成员均同意授权核对家庭经济状况",
        ],
        statutory=limit(
            30,
            "乡镇（街道）自受理之日起15个工作日内完成调查并提出意见；县级民政部门自收到意见之日起10个工作日内作出审核确认决定，特殊情况可延长5个工作日",
        ),
        promised=limit(25),
        channels=[WINDOW, ONLINE],
        depth=2,
        flags=[1, 2, 3],
        visits=1,
        visits_reason="乡镇（街道）入户调查时需家庭成员在家配合核实",
        results=[
            result("最低生活保障审核确认决定", kind="审批文书"),
            result("低保金按月社会化发放至本人账户", kind="其他"),
        ],
        special=[
            {
                "name": "民主评议",
                "limit": "5个工作日",
                "basis": DIBAO_RULES + "第十九条",
            }
        ],
        materials=[
            id_card(),
            hukou(),
            mat(
                "最低生活保障申请书",
                source="government",
                source_note="乡镇（街道）社会救助窗口领取",
                notes="无书写能力的可口头申请，由工作人员代为记录",
            ),
            AUTHORISATION,
            mat(
                "家庭收入和财产状况承诺书",
                necessity="commitment",
                notes="如实申报家庭收入和财产，作出承诺的可免于提交收入证明",
            ),
            mat(
                "残疾人证或重大疾病诊断证明",
                form="copy",
                necessity="optional",
                cert=None,
                notes="有重病、重残成员的提交",
            ),
        ],
        stages=[
            stage(
                "乡镇（街道）调查审核",
                step(
                    "受理与入户调查",
                    15,
                    kind="民政",
                    action="乡镇人民政府（街道办事处）受理、入户调查、信息核对、民主评议并公示",
                    site=True,
                ),
            ),
            stage(
                "县级审核确认",
                step(
                    "审核确认",
                    10,
                    kind="民政",
                    action="县级民政部门抽查并作出审核确认决定",
                ),
            ),
        ],
        form_schema=person_form(
            "最低生活保障申请信息",
            {
                "address": text("现居住地址", max_length=200),
                "members": HOUSEHOLD_MEMBERS,
                "reason": choice(
                    "主要致贫原因",
                    ["因病", "因残", "缺劳动力", "因灾", "失业", "其他原因"],
                ),
                "monthly_income": number("家庭月总收入（元）"),
                "bank_account": BANK_ACCOUNT,
            },
            ["address", "members", "reason", "monthly_income"],
        ),
        faqs=faq(
            (
                "低保标准是多少？",
                "以州、县人民政府公布的当年城乡低保标准为准，可向乡镇（街道）社会救助窗口咨询。",
            ),
            (
                "可以在网上申请低保吗？",
                "可以通过“天府通办”提交申请，乡镇（街道）受理后安排入户调查。",
            ),
        ),
        impls=["kd_mz", "ld_mz", "lt_mz", "dc_mz"],
        points=True,
    ),
    item(
        "000115014000",
        "临时救助审批",
        "05",
        "kd_mz",
        hot=800,
        themes=("assistance",),
        keywords="临时救助 急难救助 困难补助",
        parties=[NATURAL],
        bases=[
            law(ASSISTANCE_RULES, "第四十七条至第五十条"),
            law("《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）"),
        ],
        conditions=[
            "因火灾、交通事故、突发重大疾病等意外事件导致基本生活暂时出现严重困难",
            "因生活必需支出突然增加超出家庭承受能力，基本生活暂时出现严重困难的最低生活保障家庭",
        ],
        statutory=limit(15, "情况紧急的先行救助，事后补办手续"),
        promised=limit(10),
        channels=[WINDOW, ONLINE],
        depth=2,
        flags=[1, 2, 3],
        visits=1,
        visits_reason="需配合乡镇（街道）核实困难情况",
        results=[result("临时救助金发放", kind="其他")],
        materials=[
            id_card(),
            mat("临时救助申请书", source="government", source_note="乡镇（街道）领取"),
            mat(
                "困难情况证明材料",
                form="copy",
                notes="医疗费用票据、事故认定书等能证明困难情况的材料",
            ),
            AUTHORISATION,
        ],
        stages=[
            stage(
                "调查审核",
                step(
                    "受理与调查",
                    5,
                    kind="民政",
                    action="乡镇（街道）受理、调查核实",
                    site=True,
                ),
            ),
            stage("审批发放", step("审批并发放", 5, kind="民政")),
        ],
        form_schema=person_form(
            "临时救助申请信息",
            {
                "event": choice(
                    "困难类型",
                    [
                        "突发重大疾病",
                        "火灾",
                        "交通事故",
                        "自然灾害",
                        "生活必需支出突增",
                    ],
                ),
                "description": text("困难情况说明", max_length=500),
                "amount_requested": number("申请救助金额（元）"),
                "bank_account": BANK_ACCOUNT,
            },
            ["event", "description"],
        ),
        faqs=faq(
            (
                "情况紧急怎么办？",
                "可直接向乡镇（街道）申请急难救助，实行“先行救助、事后补办”。",
            ),
        ),
        impls=["kd_mz", "ld_mz"],
        points=True,
    ),
    item(
        "000115021000",
        "高龄津贴申领",
        "05",
        "kd_mz",
        hot=600,
        themes=("pension",),
        keywords="高龄补贴 老年人补贴 80岁",
        parties=[NATURAL],
        bases=[
            law("《中华人民共和国老年人权益保障法》", "第三十三条"),
            law("《四川省老年人权益保障条例》"),
        ],
        conditions=["年满80周岁", "具有本县（市）户籍"],
        statutory=limit(20),
        promised=limit(10),
        channels=[WINDOW, ONLINE, POST],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("高龄津贴按月发放", kind="其他")],
        materials=[
            id_card(who="老年人"),
            hukou(who="老年人"),
            mat(
                "高龄津贴申请表",
                medium="electronic",
                source="government",
                notes="网上申请时在线填写",
            ),
        ],
        stages=[
            stage("初审", step("乡镇（街道）初审", 5, kind="民政")),
            stage("审批", step("县级民政部门审批", 5, kind="民政")),
        ],
        form_schema=person_form(
            "高龄津贴申请信息",
            {
                "birth_date": date("老年人出生日期"),
                "bank_account": BANK_ACCOUNT,
                "agent_name": text("代办人姓名", max_length=50),
            },
            ["birth_date", "bank_account"],
        ),
        faqs=faq(
            (
                "老人行动不便怎么办？",
                "可由家属网上申请，或由村（社区）代办员上门代办。",
            ),
        ),
        impls=["kd_mz", "lt_mz"],
        points=True,
    ),
    item(
        "000115025000",
        "困难残疾人生活补贴和重度残疾人护理补贴申领",
        "05",
        "kd_mz",
        hot=700,
        themes=("assistance",),
        keywords="残疾人两项补贴 残疾补贴 护理补贴",
        parties=[NATURAL],
        bases=[
            law(
                "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）"
            )
        ],
        conditions=[
            "持有第二代中华人民共和国残疾人证",
            "生活补贴：最低生活保障家庭中的残疾人",
            "护理补贴：残疾等级为一、二级且需要长期照护的重度残疾人",
        ],
        statutory=limit(30),
        promised=limit(15),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("补贴按月发放", kind="其他")],
        materials=[
            id_card(),
            mat("中华人民共和国残疾人证", cert="disability"),
            mat(
                "残疾人两项补贴申请审批表",
                source="government",
                source_note="乡镇（街道）或网上下载",
            ),
        ],
        stages=[
            stage("初审", step("乡镇（街道）初审", 5, kind="民政")),
            stage("审核审批", step("县级民政部门审核审批", 10, kind="民政")),
        ],
        form_schema=person_form(
            "残疾人两项补贴申请信息",
            {
                "subsidy": choice(
                    "申请补贴", ["困难残疾人生活补贴", "重度残疾人护理补贴", "两项补贴"]
                ),
                "disability_level": choice(
                    "残疾等级", ["一级", "二级", "三级", "四级"]
                ),
                "bank_account": BANK_ACCOUNT,
            },
            ["subsidy", "disability_level"],
        ),
        faqs=faq(
            ("两项补贴可以同时领取吗？", "符合两项条件的可以同时领取。"),
        ),
        impls=["kd_mz", "ld_mz"],
    ),
    item(
        "000118031000",
        "出生医学证明首次签发",
        "20",
        "kd_wj",
        hot=1500,
        themes=("birth",),
        keywords="出生证 出生医学证明 新生儿",
        parties=[NATURAL],
        bases=[
            law("《中华人民共和国母婴保健法》", "第二十三条"),
            law("《国家卫生健康委办公厅关于进一步规范出生医学证明管理的通知》"),
        ],
        conditions=[
            "新生儿在本县（市）依法取得助产技术服务资质的医疗保健机构出生",
            "由新生儿父母或监护人申请",
        ],
        statutory=limit(5),
        promised=limit(1, "新生儿出院前签发"),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 6, 7],
        visits=1,
        visits_reason="在助产机构核验父母身份并签名确认",
        results=[result("出生医学证明（含电子证照）")],
        materials=[
            id_card(who="新生儿父母"),
            mat(
                "出生医学证明首次签发登记表",
                source="government",
                source_note="助产机构提供",
            ),
        ],
        stages=[
            stage(
                "签发",
                step(
                    "核对信息并签发",
                    1,
                    kind="卫健",
                    action="助产机构出生医学证明签发窗口",
                ),
            )
        ],
        form_schema=person_form(
            "出生医学证明签发信息",
            {
                "baby_name": text("新生儿姓名", max_length=50),
                "baby_sex": choice("新生儿性别", ["男", "女"]),
                "birth_date": date("出生日期"),
                "birth_place": text("出生地点（助产机构）", max_length=100),
            },
            ["baby_name", "baby_sex", "birth_date", "birth_place"],
        ),
        faqs=faq(
            (
                "孩子名字还没想好怎么办？",
                "可先登记出生信息，取好名字后一个月内到签发机构补填。",
            ),
        ),
        impls=["kd_wj", "ld_wj"],
    ),
    item(
        "000118032000",
        "生育登记",
        "20",
        "kd_wj",
        hot=900,
        themes=("birth", "marriage"),
        keywords="生育服务证 准生证 生育登记",
        parties=[NATURAL],
        bases=[
            law("《中华人民共和国人口与计划生育法》"),
            law("《四川省人口与计划生育条例》"),
        ],
        conditions=["夫妻一方户籍在本县（市），或在本县（市）居住"],
        statutory=limit(1),
        promised=limit(0, "网上申请即时办结"),
        immediate=True,
        channels=[WINDOW, ONLINE],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("生育登记信息（电子凭证）", kind="其他")],
        materials=[
            id_card(who="夫妻双方"),
            mat(
                "结婚证",
                cert="marriage",
                necessity="optional",
                notes="未婚生育的无需提交",
            ),
        ],
        stages=[stage("登记", step("生育登记", 1, kind="卫健"))],
        form_schema=person_form(
            "生育登记信息",
            {
                "spouse_name": text("配偶姓名", max_length=50),
                "children": integer("现有子女数"),
                "expected_date": date("预产期"),
            },
            ["children"],
        ),
        faqs=faq(
            ("生三孩还需要审批吗？", "不需要，实行生育登记服务，网上登记即可。"),
        ),
        impls=["kd_wj", "ld_wj"],
    ),
    item(
        "000116101000",
        "城乡居民基本养老保险参保登记",
        "20",
        "kd_rs",
        hot=2500,
        themes=("pension", "social-security"),
        keywords="养老保险 城乡居民养老 参保 社保",
        parties=[NATURAL],
        bases=[
            law(SOCIAL_INSURANCE_LAW, "第二十条、第二十二条"),
            law(PENSION_OPINION),
            law("《城乡居民基本养老保险经办规程》（人社部发〔2019〕84号）"),
        ],
        conditions=[
            "年满16周岁（不含在校学生）",
            "非国家机关和事业单位工作人员，且未参加职工基本养老保险",
            "在户籍所在地参保",
        ],
        statutory=limit(5, "经办规程规定的登记时限"),
        promised=limit(0, "即时办结"),
        immediate=True,
        channels=[WINDOW, ONLINE, POST],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("参保登记信息（可在电子社保卡查询）", kind="其他")],
        materials=[
            id_card(),
            hukou(necessity="optional", notes="户籍信息无法联网核验时提交"),
            mat(
                "城乡居民基本养老保险参保登记表",
                medium="electronic",
                source="government",
                notes="网上办理时在线填写",
            ),
        ],
        stages=[
            stage(
                "登记", step("参保登记", 1, kind="人社", action="社会保险经办机构登记")
            )
        ],
        form_schema=person_form(
            "城乡居民基本养老保险参保信息",
            {
                "hukou_address": text("户籍地址", max_length=200),
                "contribution_grade": choice(
                    "缴费档次（元/年）",
                    [
                        "100",
                        "200",
                        "300",
                        "400",
                        "500",
                        "600",
                        "700",
                        "800",
                        "900",
                        "1000",
                        "1500",
                        "2000",
                        "3000",
                        "4000",
                        "5000",
                    ],
                ),
                "is_poverty_relief": flag(
                    "属于政府代缴对象（低保、特困、重度残疾等）", default=False
                ),
            },
            ["hukou_address", "contribution_grade"],
        ),
        faqs=faq(
            (
                "每年什么时候缴费？",
                "四川省城乡居民养老保险按年度缴费，可通过“四川税务”“天府通办”或银行网点缴纳。",
            ),
            (
                "困难群体有代缴吗？",
                "对低保对象、特困人员、重度残疾人等困难群体，政府按规定代缴部分或全部最低档次保费。",
            ),
        ),
        impls=["kd_rs", "ld_rs", "lt_rs"],
        points=True,
    ),
    item(
        "000116102000",
        "城乡居民基本养老保险待遇申领",
        "05",
        "kd_rs",
        hot=1600,
        themes=("pension",),
        keywords="领养老金 养老待遇 退休",
        parties=[NATURAL],
        bases=[law(SOCIAL_INSURANCE_LAW, "第二十一条"), law(PENSION_OPINION)],
        conditions=[
            "年满60周岁",
            "累计缴费满15年，或符合国发〔2014〕8号文件规定的衔接条件",
            "未领取国家规定的基本养老保障待遇",
        ],
        statutory=limit(20),
        promised=limit(10),
        channels=[WINDOW, ONLINE, POST],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("养老保险待遇核定", kind="审批文书")],
        materials=[
            id_card(),
            mat(
                "城乡居民基本养老保险待遇申领表",
                medium="electronic",
                source="government",
            ),
        ],
        stages=[
            stage("审核", step("资格审核", 5, kind="人社")),
            stage("核定", step("待遇核定", 5, kind="人社")),
        ],
        form_schema=person_form(
            "养老保险待遇申领信息", {"bank_account": BANK_ACCOUNT}, ["bank_account"]
        ),
        faqs=faq(
            ("每年需要资格认证吗？", "需要，可在“四川e社保”APP刷脸认证，无需到现场。"),
        ),
        impls=["kd_rs", "ld_rs"],
    ),
    item(
        "000116120000",
        "社会保障卡申领",
        "20",
        "kd_rs",
        hot=3600,
        themes=("social-security",),
        keywords="社保卡 办社保卡 电子社保卡 第三代社保卡",
        parties=[NATURAL],
        bases=[law(SOCIAL_INSURANCE_LAW, "第五十八条"), law("《社会保障卡管理办法》")],
        conditions=[
            "已参加社会保险或拟参加社会保险的人员",
            "首次申领或原卡遗失、损坏、有效期满",
        ],
        statutory=limit(20),
        promised=limit(10, "即时制卡网点可当场领卡"),
        channels=[WINDOW, ONLINE, POST],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6, 7],
        visits=0,
        fees=[],
        results=[result("社会保障卡（含电子社保卡）")],
        by_post=True,
        self_service=True,
        materials=[
            id_card(),
            mat(
                "本人近期免冠照片", medium="electronic", notes="网上申领时上传电子照片"
            ),
        ],
        stages=[stage("制卡", step("信息审核与制卡", 10, kind="人社"))],
        form_schema=person_form(
            "社会保障卡申领信息",
            {
                "bank": choice(
                    "开户银行",
                    [
                        "中国农业银行",
                        "中国建设银行",
                        "中国工商银行",
                        "中国邮政储蓄银行",
                        "四川农村商业联合银行",
                    ],
                ),
                "delivery": choice("领卡方式", ["网点领取", "邮寄到家"]),
            },
            ["bank", "delivery"],
        ),
        faqs=faq(
            (
                "首次申领社保卡收费吗？",
                "首次申领和换领免费；因个人原因补领的，按规定由银行承担制卡费。",
            ),
        ),
        impls=["kd_rs", "ld_rs", "lt_rs"],
        points=True,
    ),
    item(
        "000116130000",
        "就业创业证申领",
        "20",
        "kd_rs",
        hot=1100,
        themes=("employment",),
        keywords="失业登记 就业失业登记证 就业创业证",
        parties=[NATURAL],
        bases=[
            law("《就业服务与就业管理规定》", "第六十二条"),
            law("《中华人民共和国就业促进法》"),
        ],
        conditions=["法定劳动年龄内、有劳动能力和就业要求的城乡劳动者"],
        statutory=limit(5),
        promised=limit(0),
        immediate=True,
        channels=[WINDOW, ONLINE],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6, 7],
        visits=0,
        results=[result("就业创业证（电子证）")],
        materials=[id_card()],
        stages=[stage("登记", step("就业失业登记", 1, kind="人社"))],
        form_schema=person_form(
            "就业创业证申领信息",
            {
                "status": choice("就业状态", ["就业", "失业", "灵活就业", "自主创业"]),
                "education": choice(
                    "学历",
                    ["小学及以下", "初中", "高中/中专", "大专", "本科", "研究生"],
                ),
            },
            ["status"],
        ),
        faqs=faq(
            (
                "就业创业证有什么用？",
                "是享受就业创业扶持政策（创业担保贷款、社保补贴等）的凭证。",
            ),
        ),
        impls=["kd_rs", "ld_rs"],
    ),
    item(
        "000116140000",
        "失业保险金申领",
        "05",
        "kd_rs",
        hot=1400,
        themes=("employment", "social-security"),
        keywords="失业金 失业保险",
        parties=[NATURAL],
        bases=[
            law(SOCIAL_INSURANCE_LAW, "第四十五条、第五十条"),
            law("《失业保险条例》", "第十四条"),
        ],
        conditions=[
            "失业前用人单位和本人已经缴纳失业保险费满一年",
            "非因本人意愿中断就业",
            "已经进行失业登记，并有求职要求",
        ],
        statutory=limit(10, "自受理之日起10日内核定"),
        promised=limit(3),
        channels=[WINDOW, ONLINE],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("失业保险金按月发放", kind="其他")],
        materials=[
            id_card(),
            mat(
                "解除或终止劳动关系证明",
                form="copy",
                medium="electronic",
                notes="用人单位已网上备案的无需提交",
            ),
        ],
        stages=[stage("核定", step("资格审核与待遇核定", 3, kind="人社"))],
        form_schema=person_form(
            "失业保险金申领信息",
            {
                "last_employer": text("原工作单位", max_length=100),
                "separation_date": date("离职日期"),
                "bank_account": BANK_ACCOUNT,
            },
            ["last_employer", "separation_date", "bank_account"],
        ),
        faqs=faq(
            (
                "能领多久？",
                "累计缴费满1年不足5年的最长12个月，满5年不足10年的最长18个月，10年以上最长24个月。",
            ),
        ),
        impls=["kd_rs"],
    ),
    item(
        "000130001000",
        "城乡居民基本医疗保险参保登记",
        "20",
        "kd_yb",
        hot=2300,
        themes=("social-security", "birth"),
        keywords="医保 城乡居民医保 参保 新生儿医保",
        parties=[NATURAL],
        bases=[
            law(SOCIAL_INSURANCE_LAW, "第二十五条"),
            law("《国务院关于整合城乡居民基本医疗保险制度的意见》（国发〔2016〕3号）"),
        ],
        conditions=[
            "不属于职工基本医疗保险覆盖范围的城乡居民",
            "新生儿可在出生后90日内参保，自出生之日起享受待遇",
        ],
        statutory=limit(5),
        promised=limit(0),
        immediate=True,
        channels=[WINDOW, ONLINE],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("参保登记信息", kind="其他")],
        materials=[
            id_card(necessity="optional", notes="新生儿可凭出生医学证明参保"),
            mat(
                "出生医学证明",
                cert="birth_cert",
                necessity="optional",
                notes="新生儿参保时调取",
            ),
        ],
        stages=[stage("登记", step("参保登记", 1, kind="医保"))],
        form_schema=person_form(
            "城乡居民医保参保信息",
            {
                "insured_name": text("参保人姓名", max_length=50),
                "is_newborn": flag("新生儿参保", default=False),
            },
            ["insured_name"],
        ),
        faqs=faq(
            ("医保费在哪里交？", "可通过“四川税务”APP、微信或银行网点缴纳。"),
        ),
        impls=["kd_yb", "ld_yb"],
        points=True,
    ),
    item(
        "000130011000",
        "跨省异地就医直接结算备案",
        "20",
        "kd_yb",
        hot=3000,
        themes=("social-security", "travel"),
        keywords="异地就医 异地备案 外地看病 医保备案",
        parties=[NATURAL],
        bases=[
            law(
                "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）"
            )
        ],
        conditions=[
            "已参加本州基本医疗保险",
            "异地长期居住、异地安置退休、常驻异地工作或临时外出就医",
        ],
        statutory=limit(5),
        promised=limit(0),
        immediate=True,
        channels=[WINDOW, ONLINE],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("异地就医备案信息", kind="其他")],
        materials=[
            id_card(),
            mat(
                "个人承诺书",
                medium="electronic",
                necessity="commitment",
                notes="以承诺替代居住证明，网上勾选即可",
            ),
        ],
        stages=[stage("备案", step("备案审核", 1, kind="医保"))],
        form_schema=person_form(
            "异地就医备案信息",
            {
                "category": choice(
                    "备案类别",
                    [
                        "异地长期居住",
                        "异地安置退休",
                        "常驻异地工作",
                        "异地转诊",
                        "临时外出就医",
                    ],
                ),
                "province": text("就医地省份", max_length=20),
                "city": text("就医地城市", max_length=20),
                "start_date": date("备案开始日期"),
            },
            ["category", "province", "city", "start_date"],
        ),
        faqs=faq(
            (
                "可以在手机上备案吗？",
                "可以，通过“国家医保服务平台”APP或“四川医保”小程序即时备案。",
            ),
        ),
        impls=["kd_yb", "ld_yb"],
    ),
    item(
        "000130021000",
        "医疗救助申请",
        "05",
        "kd_yb",
        hot=500,
        themes=("assistance", "social-security"),
        keywords="大病救助 医疗救助 看病困难",
        parties=[NATURAL],
        bases=[
            law(ASSISTANCE_RULES, "第二十八条至第三十二条"),
            law(
                "《国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见》（国办发〔2021〕42号）"
            ),
        ],
        conditions=[
            "最低生活保障家庭成员、特困供养人员、低保边缘家庭成员或因病致贫重病患者",
            "已参加城乡居民基本医疗保险",
        ],
        statutory=limit(20),
        promised=limit(10, "定点医疗机构“一站式”结算的出院即结"),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 4, 6],
        visits=1,
        visits_reason="非“一站式”结算的须提交医疗费用票据原件",
        results=[result("医疗救助金", kind="其他")],
        materials=[
            id_card(),
            mat("医疗费用票据及费用清单", notes="定点医疗机构“一站式”结算的无需提交"),
            mat("出院记录或诊断证明", form="copy"),
        ],
        stages=[
            stage("审核", step("身份与费用审核", 5, kind="医保")),
            stage("审批", step("审批并拨付", 5, kind="医保")),
        ],
        form_schema=person_form(
            "医疗救助申请信息",
            {
                "hospital": text("就诊医疗机构", max_length=100),
                "total_cost": number("医疗总费用（元）"),
                "bank_account": BANK_ACCOUNT,
            },
            ["hospital", "total_cost"],
        ),
        faqs=faq(
            (
                "哪些人可以申请？",
                "低保对象、特困人员、防返贫监测对象、低保边缘家庭成员等。",
            ),
        ),
        impls=["kd_yb"],
    ),
    item(
        "000112001000",
        "义务教育阶段适龄儿童入学登记",
        "20",
        "kd_jy",
        hot=2000,
        themes=("school",),
        keywords="小学入学 一年级报名 入学报名 上学",
        parties=[NATURAL],
        bases=[law("《中华人民共和国义务教育法》", "第十一条、第十二条")],
        conditions=[
            "当年8月31日前年满6周岁的适龄儿童",
            "户籍或监护人居住地在本县（市）学区范围内",
        ],
        statutory=limit(20),
        promised=limit(15, "报名结束后15个工作日内公布学位安排"),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 6],
        visits=0,
        results=[result("入学通知", kind="其他")],
        materials=[
            hukou(who="儿童"),
            id_card(who="监护人"),
            mat(
                "居住证或房屋产权证明",
                form="copy",
                necessity="optional",
                notes="非本地户籍随迁子女提交",
                cert=None,
            ),
        ],
        stages=[
            stage("学位审核", step("学区审核", 10, kind="教育")),
            stage("学位安排", step("统筹安排学位", 5, kind="教育")),
        ],
        form_schema={
            "title": "适龄儿童入学登记信息",
            "type": "object",
            "properties": {
                "child_name": text("儿童姓名", max_length=50),
                "child_birth_date": date("儿童出生日期"),
                "guardian_name": text("监护人姓名", max_length=50),
                "phone": {
                    "type": "string",
                    "title": "监护人联系电话",
                    "pattern": r"^1[3-9]\d{9}$",
                },
                "address": text("现居住地址", max_length=200),
                "school": text("意向学校", max_length=100),
            },
            "required": [
                "child_name",
                "child_birth_date",
                "guardian_name",
                "phone",
                "address",
            ],
        },
        faqs=faq(
            (
                "随迁子女能在康定上学吗？",
                "可以。持居住证的随迁子女按“相对就近”原则统筹安排学位。",
            ),
        ),
        impls=["kd_jy"],
    ),
    item(
        "000112010000",
        "教师资格认定",
        "01",
        "kd_jy",
        hot=1300,
        themes=("employment",),
        keywords="教师资格证 教资认定",
        parties=[NATURAL],
        bases=[
            law("《中华人民共和国教师法》", "第十条至第十三条"),
            law("《教师资格条例》"),
            law("《〈教师资格条例〉实施办法》", "第二十条"),
        ],
        conditions=[
            "具有中华人民共和国国籍，遵守宪法和法律，热爱教育事业",
            "具备《中华人民共和国教师法》规定的相应学历",
            "中小学教师资格考试合格（或免试认定改革的师范生取得教育教学能力考核合格证明）",
            "普通话水平达到二级乙等以上（语文教师二级甲等以上）",
            "身体条件符合认定机构规定的体检标准",
        ],
        statutory=limit(30, "自受理期限终止之日起30个法定工作日内作出决定"),
        promised=limit(20),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 4, 6, 7],
        visits=1,
        visits_reason="现场确认并提交体检表",
        results=[result("教师资格证书（含电子证书）")],
        materials=[
            id_card(),
            mat(
                "学历证书",
                form="copy",
                medium="electronic",
                notes="学信网可核验的无需提交",
            ),
            mat(
                "普通话水平测试等级证书",
                form="copy",
                medium="electronic",
                notes="可联网核验",
            ),
            mat("教师资格认定体检表", source="other", source_note="指定医院体检"),
            mat("个人承诺书", necessity="commitment", notes="以承诺替代思想品德鉴定"),
        ],
        stages=[
            stage("审查", step("资格审查", 10, kind="教育")),
            stage("认定", step("认定并颁证", 10, kind="教育")),
        ],
        form_schema=person_form(
            "教师资格认定申请信息",
            {
                "level": choice(
                    "资格种类",
                    ["幼儿园", "小学", "初级中学", "高级中学", "中等职业学校"],
                ),
                "subject": text("任教学科", max_length=30),
                "exam_certificate": text("考试合格证明编号", max_length=30),
            },
            ["level", "subject"],
        ),
        faqs=faq(
            (
                "每年什么时候认定？",
                "四川省每年春季、秋季各集中受理一次，具体时间以公告为准。",
            ),
        ),
        impls=["kd_jy"],
    ),
]
