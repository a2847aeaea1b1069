"""Demo items of the public security organs (exit-entry, household, traffic)."""

from __future__ import annotations

from .builders import (
    DELIVERY,
    NATURAL,
    NATURAL_DAYS,
    ONLINE,
    POST,
    WINDOW,
    choice,
    choices,
    date,
    faq,
    fee,
    flag,
    hukou,
    id_card,
    item,
    law,
    limit,
    mat,
    person_form,
    result,
    stage,
    step,
    text,
)

PASSPORT_LAW = "《中华人民共和国护照法》"
EXIT_ENTRY_FORM = "《中国公民出入境证件申请表》"
PHOTO_NOTE = (
    "可在出入境接待大厅现场免费采集；自行照相的须符合出入境证件照片标准并提供回执"
)

ITEMS = [
    item(
        "000172020000",
        "普通护照签发",
        "01",
        "gz_gaj",
        hot=9800,
        themes=("travel",),
        keywords="护照 出国 出境 旅游 留学 因私护照",
        parties=[NATURAL],
        bases=[
            law(
                PASSPORT_LAW,
                "第五条",
                "公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国的，"
                "由本人向户籍所在地的县级以上地方人民政府公安机关出入境管理机构申请普通护照。",
            ),
            law(PASSPORT_LAW, "第六条"),
            law("《中华人民共和国出境入境管理法》", "第九条"),
            law("《中华人民共和国普通护照和出入境通行证签发管理办法》"),
        ],
        conditions=[
            "申请人具有中华人民共和国国籍",
            "申请人可在全国任一公安机关出入境管理机构申请，无需返回户籍地",
            "未满十六周岁的申请人须由监护人陪同办理",
            "登记备案的国家工作人员须提交所在单位出具的同意出境意见",
            "申请人不属于《中华人民共和国护照法》第十三条规定的不予签发护照的情形",
        ],
        statutory=limit(
            15,
            "自收到申请材料之日起15日内签发；偏远地区或因特殊情况不能按期签发的，"
            "经签发机关负责人批准可延长至30日",
        ),
        promised=limit(7, "全国统一压缩至7个工作日内签发"),
        channels=[WINDOW, ONLINE, POST],
        depth=3,
        flags=[1, 2, 3, 6],
        visits=1,
        visits_reason="须本人到出入境接待大厅现场采集人像、指纹并签名确认",
        fees=[
            fee(
                "普通护照工本费",
                "120元/本",
                "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》"
                "（发改价格〔2019〕914号）",
                reduction="因护照损毁、遗失或被盗申请补发的，按同一标准收取",
            )
        ],
        results=[result("中华人民共和国普通护照")],
        by_post=True,
        appointment=True,
        quota="可通过“移民局”APP或国家移民管理局政务服务平台预约，每日号源以平台公布为准",
        courier=True,
        self_service=True,
        materials=[
            id_card(notes="未满十六周岁的可提交居民户口簿"),
            mat(
                EXIT_ENTRY_FORM,
                source="government",
                source_note="现场领取或网上填写后打印",
                notes="可在“移民局”APP预填，现场签名确认",
            ),
            mat(
                "出入境证件照片（含照片回执）",
                necessity="optional",
                notes=PHOTO_NOTE,
            ),
            mat(
                "监护人居民身份证及监护关系证明",
                form="both",
                necessity="optional",
                notes="未满十六周岁的申请人提交；出生医学证明、户口簿等可证明监护关系",
            ),
            mat(
                "所在单位同意出境的意见",
                necessity="optional",
                basis="《关于进一步加强国家工作人员因私出入境管理的规定》",
                notes="登记备案的国家工作人员提交",
            ),
        ],
        stages=[
            stage(
                "受理",
                step(
                    "受理审核",
                    2,
                    kind="公安",
                    action="出入境管理机构审核申请材料、采集人像指纹",
                ),
            ),
            stage(
                "审批",
                step(
                    "审批签发",
                    3,
                    kind="公安",
                    action="核查申请人身份及出境限制，作出签发决定",
                ),
            ),
            stage(
                "制证发证",
                step(
                    "制证与送达",
                    2,
                    kind="公安",
                    action="制作护照，窗口发放或邮政速递送达",
                ),
            ),
        ],
        form_schema=person_form(
            "普通护照申请信息",
            {
                "apply_type": choice("申请类别", ["首次申请", "失效重新申请"]),
                "purpose": choice(
                    "出境事由", ["旅游", "探亲访友", "学习", "商务", "就业", "定居"]
                ),
                "destination": text("前往国家或地区", max_length=60),
                "emergency_contact": text("紧急联系人及电话", max_length=60),
                "is_registered_official": flag(
                    "是否为登记备案的国家工作人员", default=False
                ),
                "delivery": DELIVERY,
            },
            ["apply_type", "purpose", "emergency_contact", "delivery"],
        ),
        faqs=faq(
            (
                "可以在甘孜州以外的地方办理护照吗？",
                "可以。自2019年4月1日起，内地居民可在全国任一出入境管理机构申请普通护照，无需返回户籍地。",
            ),
            (
                "护照可以邮寄到家吗？",
                "可以。申请时选择邮政速递，办结后免费寄递到申请表填写的地址。",
            ),
            (
                "未成年人办理护照需要注意什么？",
                "未满十六周岁的须由监护人陪同，并提交监护人身份证件和监护关系证明。",
            ),
        ),
        impls=["gz_gaj", "kd_gaj", "ld_gaj", "lt_gaj"],
    ),
    item(
        "000172021000",
        "普通护照换发、补发",
        "01",
        "gz_gaj",
        hot=2600,
        themes=("travel",),
        keywords="护照到期 护照遗失 护照补办 换护照",
        parties=[NATURAL],
        bases=[
            law(PASSPORT_LAW, "第十一条"),
            law("《中华人民共和国普通护照和出入境通行证签发管理办法》"),
        ],
        conditions=[
            "所持普通护照有效期即将届满（不足6个月）、签证页即将使用完毕，或登记项目发生变更的，可申请换发",
            "所持普通护照损毁、遗失或被盗的，可申请补发",
            "申请人不属于《中华人民共和国护照法》第十三条规定的不予签发护照的情形",
        ],
        statutory=limit(15, "自收到申请材料之日起15日内签发"),
        promised=limit(7),
        channels=[WINDOW, ONLINE, POST],
        depth=3,
        flags=[1, 2, 3, 6],
        visits=1,
        visits_reason="须本人到场采集人像、指纹，交回原护照或说明遗失情况",
        fees=[
            fee(
                "普通护照工本费",
                "120元/本",
                "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）",
            )
        ],
        results=[result("中华人民共和国普通护照")],
        by_post=True,
        appointment=True,
        courier=True,
        materials=[
            id_card(),
            mat(
                EXIT_ENTRY_FORM,
                source="government",
                source_note="现场领取或网上填写后打印",
            ),
            mat(
                "原普通护照",
                necessity="optional",
                notes="换发的交回原护照；补发的无需提交",
            ),
            mat(
                "护照遗失（被盗）情况说明",
                necessity="optional",
                notes="补发时提交，现场填写",
            ),
        ],
        stages=[
            stage("受理", step("受理审核", 2, kind="公安")),
            stage("审批", step("审批签发", 3, kind="公安")),
            stage("制证发证", step("制证与送达", 2, kind="公安")),
        ],
        form_schema=person_form(
            "普通护照换发、补发申请信息",
            {
                "apply_type": choice(
                    "申请类别", ["换发", "补发（遗失）", "补发（损毁）"]
                ),
                "old_passport_no": text("原护照号码", max_length=12),
                "lost_date": date("遗失日期", description="补发（遗失）时填写"),
                "delivery": DELIVERY,
            },
            ["apply_type", "delivery"],
        ),
        faqs=faq(
            (
                "护照遗失后原护照还能用吗？",
                "补发申请受理后原护照即宣布作废，找回后也不能再使用。",
            ),
        ),
        impls=["gz_gaj", "kd_gaj"],
    ),
    item(
        "000172022000",
        "往来港澳通行证及签注签发",
        "01",
        "gz_gaj",
        hot=4200,
        themes=("travel",),
        keywords="港澳通行证 港澳签注 去香港 去澳门",
        parties=[NATURAL],
        bases=[
            law("《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》"),
            law("《中华人民共和国普通护照和出入境通行证签发管理办法》"),
        ],
        conditions=[
            "申请人为内地居民",
            "前往香港或澳门旅游、探亲、商务、学习等",
            "未满十六周岁的申请人须由监护人陪同办理",
        ],
        statutory=limit(15),
        promised=limit(7),
        channels=[WINDOW, ONLINE, POST],
        depth=3,
        flags=[1, 2, 3, 6],
        visits=1,
        visits_reason="首次申领通行证须本人到场采集人像、指纹",
        fees=[
            fee(
                "往来港澳通行证（电子卡式）",
                "60元/证",
                "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）",
            ),
            fee(
                "赴港澳签注（一次有效）",
                "15元/件",
                "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）",
            ),
        ],
        results=[result("往来港澳通行证及签注")],
        by_post=True,
        appointment=True,
        self_service=True,
        materials=[
            id_card(),
            mat(
                EXIT_ENTRY_FORM,
                source="government",
                source_note="现场领取或网上填写后打印",
            ),
            mat("出入境证件照片（含照片回执）", necessity="optional", notes=PHOTO_NOTE),
        ],
        stages=[
            stage("受理", step("受理审核", 2, kind="公安")),
            stage("审批制证", step("审批签发与制证", 5, kind="公安")),
        ],
        form_schema=person_form(
            "往来港澳通行证申请信息",
            {
                "destination": choices("前往地", ["香港", "澳门"]),
                "endorsement": choice(
                    "签注种类", ["个人旅游", "团队旅游", "探亲", "商务", "逗留"]
                ),
                "delivery": DELIVERY,
            },
            ["destination", "endorsement", "delivery"],
        ),
        faqs=faq(
            (
                "签注可以在自助机上办理吗？",
                "持有有效电子往来港澳通行证的，可在出入境自助签注机上即时办理再次签注。",
            ),
        ),
        impls=["gz_gaj", "kd_gaj"],
    ),
    item(
        "000172003000",
        "居民身份证换领",
        "20",
        "kd_gaj",
        hot=7600,
        themes=("household",),
        keywords="身份证到期 身份证换证 换身份证 身份证过期",
        parties=[NATURAL],
        bases=[
            law(
                "《中华人民共和国居民身份证法》",
                "第十一条",
                "居民身份证有效期满、公民姓名变更或者证件严重损坏不能辨认的，应当换领新证。",
            ),
            law("《中华人民共和国居民身份证法》", "第十条"),
        ],
        conditions=[
            "申请人为本县（市）常住户口居民，或在甘孜州异地办理（全国跨省通办）",
            "居民身份证有效期满、即将期满（3个月内）、公民姓名等登记项目变更，或证件严重损坏不能辨认",
        ],
        statutory=limit(
            60,
            "自公民提交申领登记表之日起60日内发放；交通不便地区可延长，延长时间不超过30日",
            unit=NATURAL_DAYS,
        ),
        promised=limit(15, "户籍地换领15个工作日内制证发放；跨省异地换领30个工作日"),
        channels=[WINDOW, POST],
        depth=2,
        flags=[1, 2, 3],
        visits=1,
        visits_reason="须本人到户籍窗口现场采集人像和指纹信息",
        fees=[
            fee(
                "居民身份证工本费",
                "20元/证",
                "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）",
                reduction="享受最低生活保障的城乡居民免收工本费",
            )
        ],
        results=[result("中华人民共和国居民身份证")],
        by_post=True,
        appointment=True,
        self_service=True,
        materials=[
            hukou(),
            mat("原居民身份证", notes="换领时交回原证"),
            mat(
                "居民身份证申领登记表",
                source="government",
                source_note="窗口现场打印",
                notes="现场核对信息并签名",
            ),
        ],
        stages=[
            stage(
                "受理采集",
                step("受理并采集人像指纹", 1, kind="公安", action="户籍窗口受理"),
            ),
            stage(
                "审核制证",
                step(
                    "审核签发与制证",
                    12,
                    kind="公安",
                    action="县（市）公安机关审核，州公安局制证",
                ),
            ),
            stage(
                "发证", step("证件发放", 2, kind="公安", action="窗口领取或邮寄送达")
            ),
        ],
        form_schema=person_form(
            "居民身份证换领信息",
            {
                "reason": choice("换领原因", ["有效期满", "登记项目变更", "证件损坏"]),
                "delivery": DELIVERY,
            },
            ["reason", "delivery"],
        ),
        faqs=faq(
            ("身份证到期前多久可以换领？", "有效期满前3个月内即可申请换领。"),
            (
                "换领期间需要用证怎么办？",
                "可在受理窗口免费申领临时居民身份证，当场或3日内领取。",
            ),
        ),
        impls=["kd_gaj", "ld_gaj", "lt_gaj"],
        points=True,
    ),
    item(
        "000172006000",
        "户口迁移登记（省内迁移）",
        "07",
        "kd_gaj",
        hot=2100,
        themes=("household",),
        keywords="户口迁移 迁户口 落户 户籍",
        parties=[NATURAL],
        bases=[
            law("《中华人民共和国户口登记条例》", "第十条"),
            law("《四川省公安厅关于进一步推进户籍制度改革的意见》"),
        ],
        conditions=[
            "申请人在迁入地有合法稳定住所（含租赁），或符合投靠亲属、就业、就学落户条件",
            "省内迁移实行“一站式”办理，在迁入地派出所即可办结，无需回迁出地开具准迁证",
        ],
        statutory=limit(20),
        promised=limit(5, "材料齐全的5个工作日内办结"),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 6],
        visits=1,
        visits_reason="领取户口簿时需核验本人身份",
        results=[result("迁入地居民户口簿（户口页）")],
        materials=[
            id_card(),
            hukou(who="迁出"),
            mat(
                "合法稳定住所证明",
                form="copy",
                notes="不动产权证书、购房合同或住房租赁合同之一",
                necessity="commitment",
            ),
            mat("户口迁移申请表", source="government", source_note="窗口或网上填写"),
        ],
        stages=[
            stage(
                "受理审核", step("受理审核", 2, kind="公安", action="迁入地派出所审核")
            ),
            stage(
                "审批登记",
                step(
                    "审批并办理迁入登记",
                    3,
                    kind="公安",
                    action="县（市）公安局户政部门审批",
                ),
            ),
        ],
        form_schema=person_form(
            "户口迁移申请信息",
            {
                "from_address": text("迁出地户籍地址", max_length=200),
                "to_address": text("迁入地详细地址", max_length=200),
                "reason": choice(
                    "迁移原因",
                    ["购房落户", "投靠亲属", "就业落户", "就学落户", "婚姻迁移"],
                ),
                "members": text("随迁人员（姓名，多人用顿号分隔）", max_length=200),
            },
            ["from_address", "to_address", "reason"],
        ),
        faqs=faq(
            ("省内迁户口需要回原籍吗？", "不需要。省内迁移在迁入地派出所一站办结。"),
        ),
        impls=["kd_gaj", "ld_gaj"],
    ),
    item(
        "000172041000",
        "机动车驾驶证换证",
        "01",
        "gz_gaj",
        hot=3300,
        themes=("travel",),
        keywords="驾照到期 换驾照 驾驶证",
        parties=[NATURAL],
        bases=[
            law("《中华人民共和国道路交通安全法》", "第十九条"),
            law("《机动车驾驶证申领和使用规定》", "第六十六条"),
        ],
        conditions=[
            "机动车驾驶证有效期满前90日内申请换证",
            "申请人身体条件符合驾驶许可条件",
        ],
        statutory=limit(1, "符合条件的当日核发"),
        promised=limit(0, "即时办结"),
        immediate=True,
        channels=[WINDOW, ONLINE, POST],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6, 7],
        visits=0,
        fees=[
            fee(
                "机动车驾驶证工本费",
                "10元/本",
                "《国家发展改革委 财政部关于公安交通管理部门收取机动车驾驶证工本费等有关问题的通知》（发改价格〔2004〕2831号）",
            )
        ],
        results=[result("中华人民共和国机动车驾驶证（含电子驾驶证）")],
        by_post=True,
        materials=[
            id_card(),
            mat(
                "机动车驾驶人身体条件证明",
                medium="electronic",
                source="other",
                source_note="体检医疗机构上传",
                notes="医疗机构联网上传后无需提交纸质件",
            ),
            mat("原机动车驾驶证", necessity="optional", notes="邮寄换证的随后寄回原证"),
        ],
        stages=[
            stage(
                "审核发证", step("审核并核发", 1, kind="公安", action="车辆管理所审核")
            )
        ],
        form_schema=person_form(
            "机动车驾驶证换证信息",
            {
                "licence_class": choice(
                    "准驾车型", ["C1", "C2", "B1", "B2", "A1", "A2", "D", "E"]
                ),
                "delivery": DELIVERY,
            },
            ["licence_class", "delivery"],
        ),
        faqs=faq(
            (
                "可以在“交管12123”上换证吗？",
                "可以，在“交管12123”APP申请，证件免费邮寄到家。",
            ),
        ),
        impls=["gz_gaj"],
    ),
    item(
        "000172055000",
        "公章刻制备案",
        "10",
        "kd_gaj",
        hot=900,
        themes=("startup",),
        keywords="刻章 印章 公章 刻制印章",
        parties=["legal"],
        bases=[
            law(
                "《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号）"
            ),
            law("《印铸刻字业暨印章刻制治安管理办法》"),
        ],
        conditions=[
            "申请单位已依法登记取得统一社会信用代码",
            "委托已备案的印章刻制企业刻制",
        ],
        statutory=limit(1),
        promised=limit(0, "刻章企业刻制后即时备案"),
        immediate=True,
        channels=[WINDOW, ONLINE],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        results=[result("印章备案信息", kind="其他")],
        materials=[
            mat("营业执照", cert="license"),
            id_card(who="法定代表人（负责人）"),
            mat(
                "经办人居民身份证及授权委托书",
                form="both",
                necessity="optional",
                notes="委托他人办理时提交",
            ),
        ],
        stages=[
            stage("备案", step("印章备案", 1, kind="公安", action="治安管理部门备案"))
        ],
        form_schema={
            "title": "印章刻制备案信息",
            "type": "object",
            "properties": {
                "entity_name": text("单位名称"),
                "credit_code": text("统一社会信用代码", max_length=18),
                "seals": {
                    "type": "array",
                    "title": "刻制印章",
                    "items": {
                        "type": "string",
                        "enum": [
                            "单位公章",
                            "财务专用章",
                            "发票专用章",
                            "合同专用章",
                            "法定代表人名章",
                        ],
                    },
                    "uniqueItems": True,
                    "minItems": 1,
                },
            },
            "required": ["entity_name", "credit_code", "seals"],
        },
        faqs=faq(
            (
                "新开办企业刻章要钱吗？",
                "甘孜州对新开办企业首套印章（4枚）实行政府购买服务，免费刻制。",
            ),
        ),
        impls=["kd_gaj", "ld_gaj"],
    ),
]
