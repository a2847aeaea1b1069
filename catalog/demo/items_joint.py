"""Multi-department items ("一件事一次办"): stages of parallel steps.

Steps name a department kind (routed to the body of that kind where the item
is implemented) or, for bodies that exist only at prefecture level (housing
fund centre, power company), the body itself.
"""

from __future__ import annotations

from .builders import (
    LEGAL,
    NATURAL,
    ONLINE,
    PHONE,
    POST,
    WINDOW,
    choice,
    choices,
    date,
    faq,
    fee,
    flag,
    form,
    hukou,
    id_card,
    integer,
    item,
    law,
    licence,
    limit,
    mat,
    number,
    person_form,
    result,
    stage,
    step,
    text,
)
from .items_enterprise import NEW_ENTITY, PROPERTY_FEES

ONE_THING = "《国务院办公厅关于加快推进“一件事一次办”打造政务服务升级版的指导意见》（国办发〔2024〕3号）"

ITEMS = [
    item(
        "000129091000",
        "企业开办",
        "20",
        "kd_scjg",
        hot=4500,
        themes=("startup",),
        keywords="企业开办一件事 开公司 营业执照 刻章 发票 社保 公积金 一网通办",
        parties=[NATURAL, LEGAL],
        bases=[
            law(ONE_THING),
            law("《中华人民共和国市场主体登记管理条例》", "第十九条"),
            law(
                "《国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见》（国办发〔2022〕30号）"
            ),
        ],
        conditions=[
            "申请设立企业（含分支机构）并在甘孜州内登记",
            "企业名称经自主申报，住所实行申报承诺制",
            "同步办理的印章刻制、涉税事项、社保和公积金登记由申请人在“一网通办”平台勾选",
        ],
        statutory=limit(
            8,
            "设立登记3个工作日内（情形复杂可延长3个工作日），印章刻制、发票申领、社保和公积金登记在登记后2个工作日内并联办结",
        ),
        promised=limit(2, "全流程2个工作日内办结，其中营业执照0.5个工作日"),
        channels=[WINDOW, ONLINE, POST],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6, 7],
        visits=0,
        co_handling="公安机关（印章刻制备案）、税务部门（涉税事项）、人力资源社会保障部门（单位参保登记）、甘孜州住房公积金管理中心（缴存登记）、中国农业银行甘孜分行（预约开立基本存款账户）",
        results=[
            result("营业执照（纸质及电子营业执照）"),
            result(
                "首套印章（单位公章、财务专用章、发票专用章、合同专用章）", kind="其他"
            ),
            result("数电发票开票额度", kind="其他"),
            result("社会保险及住房公积金单位登记信息", kind="其他"),
        ],
        by_post=True,
        courier=True,
        materials=[
            mat(
                "企业开办综合申请表",
                medium="electronic",
                source="government",
                notes="“一网通办”平台一表填报，各部门共享",
            ),
            mat("公司章程", medium="electronic"),
            id_card(who="股东、法定代表人、财务负责人", notes="实名认证后联网核验"),
            mat(
                "住所（经营场所）申报承诺书",
                medium="electronic",
                necessity="commitment",
            ),
            mat(
                "银行开户信息",
                medium="electronic",
                necessity="optional",
                notes="预约银行开户的同步推送",
            ),
        ],
        stages=[
            stage(
                "设立登记",
                step(
                    "企业设立登记",
                    1,
                    kind="市场监管",
                    action="核发营业执照并推送登记信息",
                ),
            ),
            stage(
                "并联办理",
                step(
                    "印章刻制备案",
                    1,
                    kind="公安",
                    action="推送刻章企业免费刻制首套印章并备案",
                ),
                step(
                    "涉税事项办理",
                    1,
                    kind="税务",
                    action="新办纳税人套餐：信息确认、票种核定、数电发票开通",
                ),
                step(
                    "单位参保登记",
                    1,
                    kind="人社",
                    action="企业职工养老、工伤、失业保险单位登记",
                ),
                step(
                    "住房公积金缴存登记",
                    1,
                    dept="gz_gjj",
                    action="单位住房公积金缴存登记",
                ),
                step(
                    "银行开户",
                    1,
                    dept="gz_bank",
                    action="预约开立单位银行基本存款账户",
                ),
            ),
        ],
        form_schema=form(
            "企业开办“一件事”申请信息",
            {
                **NEW_ENTITY,
                "seals": choices(
                    "刻制印章",
                    [
                        "单位公章",
                        "财务专用章",
                        "发票专用章",
                        "合同专用章",
                        "法定代表人名章",
                    ],
                ),
                "taxpayer_type": choice("纳税人类型", ["小规模纳税人", "一般纳税人"]),
                "employees": integer("拟招用职工人数"),
                "housing_fund": flag("同步办理住房公积金缴存登记", default=True),
                "delivery": choice("证照印章领取方式", ["窗口领取", "免费邮寄"]),
            },
            [
                "entity_name",
                "entity_type",
                "address",
                "legal_representative",
                "business_scope",
                "contact_name",
                "phone",
                "seals",
                "taxpayer_type",
                "delivery",
            ],
        ),
        faqs=faq(
            (
                "企业开办要跑几次？",
                "一次都不用跑。在“一网通办”平台一表申报，营业执照和印章可免费邮寄。",
            ),
            (
                "开办企业要交费吗？",
                "不收费。营业执照免费，首套印章由政府购买服务免费刻制。",
            ),
            (
                "各部门是同时办理吗？",
                "是。营业执照核发后，刻章、税务、社保、公积金、银行开户五个环节同时办理。",
            ),
        ),
        impls=["kd_scjg", "ld_scjg", "lt_scjg", "gz_scjg"],
    ),
    item(
        "000118091000",
        '新生儿出生"一件事"',
        "20",
        "kd_wj",
        hot=3400,
        themes=("birth", "household", "social-security"),
        keywords="出生一件事 新生儿 上户口 出生医学证明 医保参保 社保卡 预防接种",
        parties=[NATURAL],
        bases=[
            law(ONE_THING),
            law("《中华人民共和国母婴保健法》", "第二十三条"),
            law(
                "《中华人民共和国户口登记条例》",
                "第七条",
                "婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记。",
            ),
            law("《中华人民共和国社会保险法》", "第二十五条"),
        ],
        conditions=[
            "新生儿在甘孜州内具有助产资质的医疗机构出生",
            "新生儿父母至少一方为甘孜州户籍，或在甘孜州办理了居住证",
            "新生儿出生后一个月内申报出生登记",
        ],
        statutory=limit(
            10,
            "出生医学证明、户口登记、医保参保、社保卡各环节法定时限不同，按最长环节计",
        ),
        promised=limit(5, "联办后5个工作日内全部办结"),
        channels=[WINDOW, ONLINE, POST],
        depth=3,
        flags=[1, 2, 3, 4, 6, 7],
        visits=1,
        visits_reason="在助产机构现场核验新生儿父母身份并签名领取出生医学证明",
        co_handling="公安机关（出生登记）、医疗保障部门（城乡居民医保参保）、人力资源社会保障部门（社会保障卡）",
        results=[
            result("出生医学证明"),
            result("居民户口簿（新生儿户口页）"),
            result("城乡居民医保参保信息", kind="其他"),
            result("社会保障卡", kind="证照"),
            result("预防接种证"),
        ],
        by_post=True,
        materials=[
            id_card(who="新生儿父母"),
            hukou(who="落户地"),
            mat(
                "结婚证",
                cert="marriage",
                necessity="optional",
                notes="非婚生育的无需提交",
            ),
            mat(
                "新生儿出生“一件事”联办申请表", medium="electronic", source="government"
            ),
            mat(
                "新生儿近期照片",
                medium="electronic",
                notes="社会保障卡制卡用，手机拍摄上传",
            ),
        ],
        stages=[
            stage(
                "出生医学证明签发",
                step(
                    "签发出生医学证明",
                    1,
                    kind="卫健",
                    action="助产机构签发并推送电子出生医学证明",
                ),
            ),
            stage(
                "并联办理",
                step(
                    "出生登记（户口登记）",
                    3,
                    kind="公安",
                    action="落户地派出所办理出生登记",
                ),
                step(
                    "城乡居民医保参保登记",
                    2,
                    kind="医保",
                    action="新生儿参保并享受出生之日起待遇",
                ),
                step(
                    "社会保障卡申领",
                    3,
                    kind="人社",
                    action="制发社会保障卡（含电子社保卡）",
                ),
                step(
                    "预防接种证办理",
                    1,
                    kind="卫健",
                    action="建立预防接种档案并发放接种证",
                ),
            ),
        ],
        form_schema=person_form(
            "新生儿出生“一件事”申请信息",
            {
                "baby_name": text("新生儿姓名", max_length=50),
                "baby_sex": choice("新生儿性别", ["男", "女"]),
                "birth_date": date("出生日期"),
                "hospital": text("出生医疗机构", max_length=100),
                "ethnicity": choice(
                    "民族", ["藏族", "汉族", "彝族", "羌族", "回族", "其他民族"]
                ),
                "register_with": choice("随父或随母落户", ["随父", "随母"]),
                "bank": choice(
                    "社保卡开户银行",
                    [
                        "中国农业银行",
                        "中国建设银行",
                        "中国邮政储蓄银行",
                        "四川农村商业联合银行",
                    ],
                ),
                "delivery": choice("证件领取方式", ["窗口领取", "免费邮寄"]),
            },
            [
                "baby_name",
                "baby_sex",
                "birth_date",
                "hospital",
                "ethnicity",
                "register_with",
                "delivery",
            ],
        ),
        faqs=faq(
            (
                "需要分别去派出所、医保局、社保局吗？",
                "不需要。一次申请，各部门并联办理，证件统一邮寄或到统一出件窗口领取。",
            ),
            (
                "孩子出生多久内要办理？",
                "出生登记应在出生后一个月内申报；医保在出生后90日内参保可享受出生之日起的待遇。",
            ),
        ),
        impls=["kd_wj", "ld_wj"],
    ),
    item(
        "000129092000",
        "餐饮店开办",
        "20",
        "kd_scjg",
        hot=2400,
        themes=("startup", "permits"),
        keywords="开餐馆 开饭店 餐饮一件事 食品经营许可 消防检查 招牌",
        parties=[NATURAL, LEGAL],
        bases=[
            law(ONE_THING),
            law("《中华人民共和国食品安全法》", "第三十五条"),
            law("《中华人民共和国消防法》", "第十五条"),
            law("《城镇排水与污水处理条例》", "第二十一条"),
        ],
        conditions=[
            "拟在甘孜州内开办餐饮服务店",
            "经营场所符合食品安全、消防安全要求",
            "餐饮服务排水接入市政管网的，须同时申请排水许可",
        ],
        statutory=limit(
            20,
            "营业执照3个工作日，食品经营许可10个工作日，公众聚集场所消防安全检查10个工作日，并联办理",
        ),
        promised=limit(5, "全流程5个工作日内办结"),
        channels=[WINDOW, ONLINE, POST],
        depth=3,
        flags=[1, 2, 3, 4, 6, 7],
        visits=1,
        visits_reason="现场核查时经营者须在经营场所配合；证照可选择邮寄",
        co_handling="市场监督管理部门、消防救援机构、住房和城乡建设（城镇排水、户外招牌）部门、税务部门",
        results=[
            result("营业执照"),
            result("食品经营许可证"),
            result("公众聚集场所投入使用、营业前消防安全检查意见书", kind="审批文书"),
            result("城镇污水排入排水管网许可证"),
        ],
        by_post=True,
        materials=[
            mat(
                "餐饮店开办“一件事”综合申请表", medium="electronic", source="government"
            ),
            id_card(who="经营者（法定代表人）"),
            mat("经营场所平面布局图及设备设施清单", medium="electronic"),
            mat(
                "公众聚集场所消防安全承诺书",
                medium="electronic",
                necessity="commitment",
            ),
            mat(
                "排水户内部排水管网、专用检测井、隔油设施图纸",
                medium="electronic",
                necessity="optional",
                notes="需申请排水许可时提交",
            ),
            mat(
                "户外招牌设置效果图",
                medium="electronic",
                necessity="optional",
                notes="设置户外招牌时提交",
            ),
        ],
        stages=[
            stage(
                "营业执照办理",
                step("设立登记", 1, kind="市场监管", action="核发营业执照"),
            ),
            stage(
                "许可并联办理",
                step(
                    "食品经营许可",
                    3,
                    kind="市场监管",
                    action="审查并现场核查，核发食品经营许可证",
                    site=True,
                ),
                step(
                    "公众聚集场所消防安全检查",
                    3,
                    kind="消防",
                    action="告知承诺后现场检查",
                    site=True,
                ),
                step(
                    "户外招牌设置及排水许可",
                    3,
                    kind="住建",
                    action="户外招牌设置审核、核发排水许可证",
                ),
                step(
                    "新办纳税人涉税事项",
                    1,
                    kind="税务",
                    action="税务信息确认及数电发票开通",
                ),
            ),
        ],
        form_schema=form(
            "餐饮店开办“一件事”申请信息",
            {
                **NEW_ENTITY,
                "area": number("经营面积（平方米）", minimum=1),
                "seats": integer("座位数"),
                "items": choices(
                    "经营项目",
                    [
                        "热食类食品制售",
                        "冷食类食品制售",
                        "生食类食品制售",
                        "自制饮品制售",
                        "糕点类食品制售",
                    ],
                ),
                "signboard": flag("设置户外招牌", default=True),
                "drainage": flag("需申请排水许可", default=True),
            },
            [
                "entity_name",
                "address",
                "legal_representative",
                "business_scope",
                "contact_name",
                "phone",
                "area",
                "items",
            ],
        ),
        faqs=faq(
            (
                "面积小的餐馆也要消防检查吗？",
                "公众聚集场所投入使用、营业前须消防安全检查；实行告知承诺的可先行营业后检查。",
            ),
            (
                "能一次拿到全部证照吗？",
                "可以。各部门并联审批，证照统一在出件窗口领取或免费邮寄。",
            ),
        ),
        impls=["kd_scjg", "ld_scjg"],
    ),
    item(
        "000117091000",
        "不动产登记与水电气联动过户",
        "20",
        "kd_bdc",
        hot=2100,
        themes=("housing",),
        keywords="房屋过户 水电气过户 二手房 联动过户 一件事",
        parties=[NATURAL, LEGAL],
        bases=[
            law(ONE_THING),
            law("《不动产登记暂行条例》", "第二十条"),
            law("《优化营商环境条例》", "第三十九条"),
        ],
        conditions=[
            "不动产转移登记申请符合《不动产登记暂行条例》规定",
            "原户主已结清水费、电费、燃气费",
            "买卖双方同意将供水、供电、燃气户名变更至受让方",
        ],
        statutory=limit(
            30,
            "不动产转移登记30个工作日，供水、供电、燃气过户各企业服务承诺时限并联计算",
        ),
        promised=limit(5, "登簿后水电气过户同步办结"),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 6, 7],
        visits=1,
        visits_reason="买卖双方须到不动产登记窗口核验身份并签署询问记录",
        co_handling="税务部门（存量房交易税费）、康定市供排水有限责任公司、国网甘孜供电公司、康定市燃气有限责任公司",
        fees=[
            fee(
                "不动产登记费（住宅）",
                "80元/件",
                PROPERTY_FEES,
                reduction="含第一本证书工本费",
            ),
            fee("不动产权证书工本费（每增加一本）", "10元/本", PROPERTY_FEES),
        ],
        results=[
            result("不动产权证书（含电子证照）"),
            result("供水、供电、燃气户名变更", kind="其他"),
        ],
        by_post=True,
        materials=[
            mat("不动产登记申请书", source="government"),
            id_card(who="买卖双方"),
            mat("不动产权证书", cert="property"),
            mat("存量房买卖合同（网签）", form="copy"),
            mat(
                "结婚证",
                cert="marriage",
                necessity="optional",
                notes="共有房屋须提交婚姻状况证明",
            ),
            mat(
                "水电气户号及过户申请",
                medium="electronic",
                notes="在综合申请表中勾选供水、供电、燃气户号",
            ),
        ],
        stages=[
            stage(
                "一窗受理与税费征缴",
                step("转移登记受理审核", 1, kind="不动产"),
                step(
                    "存量房交易税费核定征收",
                    1,
                    kind="税务",
                    action="契税、个人所得税等核定征收",
                ),
            ),
            stage("登簿发证", step("登簿缮证", 2, kind="不动产")),
            stage(
                "水电气联动过户",
                step("供水过户", 1, kind="水务", action="变更供水户名"),
                step("供电过户", 1, dept="gz_power", action="变更用电户名"),
                step("燃气过户", 1, kind="燃气", action="变更燃气户名并安全检查"),
            ),
        ],
        form_schema=person_form(
            "不动产登记与水电气联动过户申请信息",
            {
                "property_address": text("不动产坐落", max_length=200),
                "certificate_no": text("不动产权证书号", max_length=60),
                "buyer_name": text("受让方姓名或名称", max_length=100),
                "buyer_phone": PHONE,
                "water_account": text("供水户号", max_length=30),
                "power_account": text("供电户号", max_length=30),
                "gas_account": text("燃气户号", max_length=30),
                "utilities": choices("需联动过户", ["供水", "供电", "燃气"]),
            },
            ["property_address", "certificate_no", "buyer_name", "utilities"],
        ),
        faqs=faq(
            (
                "水电气过户还要再跑营业厅吗？",
                "不需要。不动产登簿后，信息自动推送供水、供电、燃气企业同步过户。",
            ),
            ("原户主欠费怎么办？", "须先结清欠费，否则对应过户环节退回并告知申请人。"),
        ),
        impls=["kd_bdc"],
    ),
    item(
        "000115091000",
        '身后"一件事"',
        "20",
        "kd_mz",
        hot=1200,
        themes=("after-death", "pension"),
        keywords="身后事 死亡 户口注销 殡葬补贴 丧葬费 抚恤金 养老金停发",
        parties=[NATURAL],
        bases=[
            law(ONE_THING),
            law("《殡葬管理条例》"),
            law("《中华人民共和国户口登记条例》", "第八条"),
            law("《中华人民共和国社会保险法》", "第十七条"),
        ],
        conditions=[
            "逝者生前户籍在甘孜州，或在甘孜州参加社会保险",
            "由逝者近亲属或其委托的人申请",
        ],
        statutory=limit(
            20, "户口注销、殡葬补贴、养老保险待遇结算、医保注销按各自规定并联办理"
        ),
        promised=limit(5),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 4, 6],
        visits=1,
        visits_reason="家属需持死亡医学证明到殡葬服务机构或统一受理窗口办理一次",
        co_handling="卫生健康部门、公安机关、人力资源社会保障部门、医疗保障部门",
        results=[
            result("户口注销证明", kind="审批文书"),
            result("惠民殡葬补贴", kind="其他"),
            result("丧葬补助金及抚恤金", kind="其他"),
        ],
        materials=[
            id_card(who="逝者"),
            hukou(who="逝者"),
            mat("居民死亡医学证明（推断）书", cert="death_cert"),
            id_card(who="经办人"),
            mat(
                "与逝者关系证明",
                form="copy",
                notes="户口簿、结婚证、出生医学证明等能证明亲属关系的材料",
            ),
            mat("社会保障卡", cert="social_card", necessity="optional"),
        ],
        stages=[
            stage(
                "死亡信息确认",
                step(
                    "死亡医学证明签发",
                    1,
                    kind="卫健",
                    action="医疗机构签发并推送死亡信息",
                ),
            ),
            stage(
                "并联办理",
                step("死亡户口注销", 1, kind="公安"),
                step(
                    "惠民殡葬补贴",
                    2,
                    kind="民政",
                    action="火化或生态安葬后发放惠民殡葬补贴",
                ),
                step(
                    "养老保险待遇结算",
                    3,
                    kind="人社",
                    action="停发养老金，核发丧葬补助金和抚恤金",
                ),
                step(
                    "医保参保终止", 1, kind="医保", action="终止参保关系并结算个人账户"
                ),
            ),
        ],
        form_schema=form(
            "身后“一件事”申请信息",
            {
                "deceased_name": text("逝者姓名", max_length=50),
                "deceased_id_number": text(
                    "逝者公民身份号码", max_length=18, format="id-number"
                ),
                "date_of_death": date("死亡日期"),
                "relation": choice(
                    "与逝者关系", ["配偶", "子女", "父母", "兄弟姐妹", "其他近亲属"]
                ),
                "phone": PHONE,
                "funeral": choice("安葬方式", ["火化", "天葬", "土葬", "生态安葬"]),
                "bank_account": text("补贴收款账户", max_length=30),
            },
            [
                "deceased_name",
                "deceased_id_number",
                "date_of_death",
                "relation",
                "phone",
            ],
        ),
        faqs=faq(
            (
                "需要分别去派出所、社保局办吗？",
                "不需要。一次申请后各部门并联办理，结果短信告知。",
            ),
            (
                "藏区传统安葬方式能享受补贴吗？",
                "可以，按甘孜州惠民殡葬政策执行，尊重少数民族丧葬习俗。",
            ),
        ),
        impls=["kd_mz", "ld_mz"],
    ),
    item(
        "000114090000",
        "工程建设项目竣工联合验收",
        "10",
        "kd_zj",
        hot=600,
        themes=("construction",),
        keywords="联合验收 竣工验收 规划核实 消防验收 多测合一",
        parties=[LEGAL],
        bases=[
            law("《建设工程质量管理条例》", "第十六条、第四十九条"),
            law("《建设工程消防设计审查验收管理暂行规定》"),
            law(
                "《国务院办公厅关于全面开展工程建设项目审批制度改革的实施意见》（国办发〔2019〕11号）"
            ),
        ],
        conditions=[
            "工程已按设计和合同约定完成全部内容",
            "建设单位已组织参建单位完成竣工验收准备，有完整的技术档案和施工管理资料",
            "竣工测绘（“多测合一”）成果已完成",
        ],
        statutory=limit(15, "各部门在联合验收中的法定时限并联计算"),
        promised=limit(10),
        channels=[WINDOW, ONLINE],
        depth=3,
        flags=[1, 2, 3, 4, 6],
        visits=1,
        visits_reason="联合现场验收须建设单位组织参建单位到场",
        co_handling="自然资源部门（规划条件核实、土地核验）、不动产登记机构（竣工测绘成果审核）",
        results=[result("工程建设项目竣工联合验收意见书", kind="审批文书")],
        materials=[
            mat("竣工联合验收申请表", medium="electronic", source="government"),
            mat("工程竣工验收报告", medium="electronic"),
            mat("建筑工程施工许可证", cert="construction"),
            mat("建设工程规划许可证", cert="planning"),
            mat("消防验收申请表及消防查验报告", medium="electronic"),
            mat(
                "竣工测绘成果报告（多测合一）",
                medium="electronic",
                source="other",
                source_note="测绘中介机构出具",
            ),
            mat("工程质量保修书", medium="electronic"),
        ],
        stages=[
            stage("联合验收受理", step("受理并分送", 1, kind="住建")),
            stage(
                "联合现场验收",
                step("消防验收及工程质量监督", 5, kind="住建", site=True),
                step("规划条件核实和土地核验", 5, kind="自然资源", site=True),
                step("竣工测绘成果审核", 3, kind="不动产"),
            ),
            stage("出具意见并备案", step("出具联合验收意见并备案", 2, kind="住建")),
        ],
        form_schema=form(
            "竣工联合验收申请信息",
            {
                "project_name": text("项目名称", max_length=200),
                "project_code": text("项目代码", max_length=30),
                "builder": text("建设单位", max_length=100),
                "credit_code": text("建设单位统一社会信用代码", max_length=18),
                "contact_name": text("联系人", max_length=50),
                "phone": PHONE,
                "floor_area": number("总建筑面积（平方米）", minimum=1),
                "site_visit_date": date("拟现场验收日期"),
            },
            [
                "project_name",
                "builder",
                "credit_code",
                "contact_name",
                "phone",
                "floor_area",
            ],
        ),
        faqs=faq(
            (
                "还需要分别申请消防验收和规划核实吗？",
                "不需要。一次申请，各部门同时现场验收，统一出具意见。",
            ),
        ),
        impls=["kd_zj"],
    ),
    item(
        "000129093000",
        '企业注销"一件事"',
        "20",
        "kd_scjg",
        hot=900,
        themes=("change-close",),
        keywords="公司注销 企业注销 清税 社保注销 简易注销",
        parties=[LEGAL],
        bases=[
            law(ONE_THING),
            law("《中华人民共和国市场主体登记管理条例》", "第三十一条至第三十四条"),
            law("《中华人民共和国公司法》", "第二百三十二条至第二百四十二条"),
        ],
        conditions=[
            "企业已依法清算，或符合简易注销条件（未发生债权债务或已清偿完毕）",
            "已结清应缴税款、社会保险费和住房公积金",
            "不存在被吊销、被列入严重违法失信名单未移出等不得注销的情况",
        ],
        statutory=limit(20),
        promised=limit(5),
        channels=[WINDOW, ONLINE],
        depth=4,
        flags=[1, 2, 3, 4, 5, 6],
        visits=0,
        co_handling="税务部门、人力资源社会保障部门、甘孜州住房公积金管理中心、公安机关",
        results=[result("准予注销登记通知书", kind="审批文书")],
        materials=[
            mat("企业注销登记申请书", medium="electronic", source="government"),
            mat(
                "清算报告或全体投资人承诺书",
                medium="electronic",
                notes="简易注销的提交全体投资人承诺书",
            ),
            licence(notes="交回纸质营业执照正、副本；遗失的在公示系统声明作废"),
        ],
        stages=[
            stage(
                "清税与社保、公积金注销",
                step("清税", 3, kind="税务", action="出具清税文书"),
                step("社会保险注销", 2, kind="人社"),
                step("住房公积金账户注销", 2, dept="gz_gjj"),
            ),
            stage(
                "注销登记",
                step("注销登记", 1, kind="市场监管"),
                step("印章备案注销", 1, kind="公安"),
            ),
        ],
        form_schema=form(
            "企业注销“一件事”申请信息",
            {
                "entity_name": text("企业名称", max_length=100),
                "credit_code": text("统一社会信用代码", max_length=18),
                "mode": choice("注销方式", ["一般注销", "简易注销"]),
                "contact_name": text("联系人", max_length=50),
                "phone": PHONE,
                "liquidation_done": flag("已完成清算", default=False),
            },
            ["entity_name", "credit_code", "mode", "contact_name", "phone"],
        ),
        faqs=faq(
            ("简易注销公示多久？", "简易注销公告期为20日。"),
        ),
        impls=["kd_scjg", "ld_scjg"],
    ),
]
