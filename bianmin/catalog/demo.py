"""Demo catalog: the service items 长兴路街道便民服务中心 handles, published and public (§4(6) 六公开).

Items, materials and procedures are modelled on the published guides of Chinese subdistrict centers; codes,
phone numbers and document numbers are illustrative. Idempotent: items are found by their implementation code,
materials by name and steps by position; an item is published again only when its content changed, so the
versions that cases refer to stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth import get_user_model

from bianmin.catalog.models import ItemType, ItemVersion, LimitUnit, Material, Mode, ServiceItem, Step, Theme
from bianmin.catalog.search_upkeep import term_frequencies_refresh
from bianmin.catalog.services import item_publish, item_reindex, item_snapshot, snapshot_content
from bianmin.org.models import Department, OrgUnit, Window

CENTER_CODE = "410108001"
DISTRICT_CODE = "410108"
CONSULTATION_PHONE = "0371-63381234"
COMPLAINT_CHANNEL = "投诉电话 0371-63380000；12345 政务服务便民热线"

THEMES = [
    # code, name, audience
    ("birth", "生育收养", "person"),
    ("employment", "就业创业", "person"),
    ("social_insurance", "社会保险", "person"),
    ("assistance", "社会救助", "person"),
    ("elderly", "养老服务", "person"),
    ("disability", "残疾人服务", "person"),
    ("veterans", "退役军人服务", "person"),
    ("residence", "户籍居住", "person"),
    ("housing", "住房城建", "person"),
    ("legal", "法律服务", "person"),
    ("medical", "医疗保障", "person"),
    ("business", "企业服务", "business"),
]


@dataclass(frozen=True)
class M:
    """A material as the demo describes it."""

    name: str
    kind: str = Material.Kind.MAIN
    form: str = Material.Form.ORIGINAL
    copies: int = 1
    source: str = Material.Source.APPLICANT
    notes: str = ""
    conditional: bool = False
    original: str = Material.Original.KEPT

    def general(self) -> M:
        return replace(self, kind=Material.Kind.GENERAL)


# Materials several items share (身份证 and 户口簿 above all): one definition, the same name everywhere.
# Certificates the applicant keeps: the original is inspected and handed back at once, the copy stays with the case.
ID_CARD = M(
    "居民身份证",
    form=Material.Form.BOTH,
    source=Material.Source.GOVERNMENT,
    notes="查验原件，留存复印件。",
    original=Material.Original.RETURNED,
)
HOUSEHOLD = M(
    "户口簿",
    form=Material.Form.BOTH,
    source=Material.Source.GOVERNMENT,
    notes="户主页及本人页。",
    original=Material.Original.RETURNED,
)
PHOTO = M("近期一寸免冠彩色照片", copies=2, notes="白色背景。")
BANK = M("本人银行卡（存折）", form=Material.Form.COPY, notes="用于发放资金，须为本人名下账户。")
MARRIAGE = M("结婚证", form=Material.Form.BOTH, source=Material.Source.GOVERNMENT, original=Material.Original.RETURNED)
DISABILITY_CARD = M(
    "中华人民共和国残疾人证",
    form=Material.Form.BOTH,
    source=Material.Source.GOVERNMENT,
    original=Material.Original.RETURNED,
)
DISCHARGE = M("退出现役证明（退伍证、转业证或退休证）", form=Material.Form.BOTH, source=Material.Source.GOVERNMENT)
AUTHORIZATION = M(
    "家庭经济状况核对授权书",
    notes="共同生活家庭成员均须签字授权。",
)
INCOME = M("家庭成员收入情况说明", kind=Material.Kind.GENERAL, notes="有工作单位的由单位出具，其余本人书面承诺。")


@dataclass(frozen=True)
class S:
    name: str
    days: int = 0
    description: str = ""
    counts: bool = True


@dataclass
class Demo:
    key: str  # implementation code suffix, unique in the demo
    name: str
    item_type: str
    department: str
    mode: str
    statutory: int
    promised: int
    windows: tuple[int, ...]
    themes: tuple[str, ...]
    main: tuple[M, ...]
    general: tuple[M, ...] = ()
    steps: tuple[S, ...] = ()
    legal_basis: str = ""
    conditions: str = ""
    description: str = ""
    level: str = ServiceItem.Level.SUBDISTRICT
    owner: str = CENTER_CODE
    implementing_body: str = "长兴路街道办事处"
    joint: tuple[str, ...] = ()
    forward: bool = False
    limit_unit: str = LimitUnit.WORKING
    visits: int = 1
    fee_standard: str = ""
    fee_basis: str = ""
    proxy: bool = False
    home_visit: bool = False
    appointment: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


ACCEPT = S("受理", 0, "窗口工作人员查验材料，材料齐全的当场受理；主要材料齐全、一般材料欠缺的，受理并一次性告知补报。")
ON_THE_SPOT = S("办结", 0, "符合条件的当场办结并发放结果。")

# Procedures shared by many items.
FORWARD_STEPS = (
    ACCEPT,
    S("初审", 3, "街道经办部门审核材料，提出初审意见。"),
    S("上报", 1, "报区级主管部门审批，便民服务中心全程代办并跟踪进度。"),
    S("区级审批", 10, "区级主管部门审批。"),
    S("送达", 1, "窗口通知申请人领取结果或按约定送达。"),
)
PROMISED_STEPS = (
    ACCEPT,
    S("审核", 3, "经办部门审核材料，必要时核实情况。"),
    S("办结", 1, "作出决定，通知申请人领取结果。"),
)
DIRECT_STEPS = (ACCEPT, ON_THE_SPOT)

ASSISTANCE_BASIS = "《社会救助暂行办法》（国务院令第649号）；《最低生活保障审核确认办法》（民发〔2021〕57号）"

ITEMS: list[Demo] = [
    # ---- 民政 (window 2) ----
    Demo(
        key="MZ001",
        name="最低生活保障申请",
        item_type=ItemType.PAYMENT,
        department="MZ",
        mode=Mode.FORWARDED,
        statutory=30,
        promised=25,
        windows=(2, 1),
        themes=("assistance",),
        main=(
            M("最低生活保障申请书", notes="申请人或其代理人签字。"),
            ID_CARD,
            HOUSEHOLD,
            AUTHORIZATION,
        ),
        general=(
            INCOME,
            M("残疾人证、病历等特殊情况证明", kind=Material.Kind.GENERAL, form=Material.Form.COPY, conditional=True),
        ),
        steps=(
            ACCEPT,
            S("入户调查", 10, "街道会同社区工作人员入户调查家庭经济状况。"),
            S("民主评议与公示", 7, "在申请人所在社区公示，公示期7日。"),
            S("上报审批", 1, "报区民政局审批，便民服务中心全程代办。"),
            S("区级审批", 7, "区民政局作出审批决定。"),
        ),
        legal_basis=ASSISTANCE_BASIS,
        conditions="持有本区户籍，共同生活的家庭成员人均收入低于当地最低生活保障标准，且家庭财产状况符合规定。",
        implementing_body="惠济区民政局（长兴路街道受理初审）",
        forward=True,
        proxy=True,
        home_visit=True,
    ),
    Demo(
        key="MZ002",
        name="临时救助申请",
        item_type=ItemType.PAYMENT,
        department="MZ",
        mode=Mode.PROMISED,
        statutory=15,
        promised=10,
        windows=(2,),
        themes=("assistance",),
        main=(M("临时救助申请书"), ID_CARD, M("遭遇困难的证明材料", notes="如医疗费用票据、事故证明等。")),
        general=(HOUSEHOLD.general(), BANK.general()),
        steps=PROMISED_STEPS,
        legal_basis=ASSISTANCE_BASIS,
        conditions="因火灾、交通事故等意外事件或家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭或个人。",
        proxy=True,
    ),
    Demo(
        key="MZ003",
        name="特困人员救助供养申请",
        item_type=ItemType.PAYMENT,
        department="MZ",
        mode=Mode.FORWARDED,
        statutory=30,
        promised=20,
        windows=(2,),
        themes=("assistance", "elderly"),
        main=(M("特困人员救助供养申请书"), ID_CARD, HOUSEHOLD, AUTHORIZATION),
        general=(
            PHOTO.general(),
            M("残疾人证或医疗诊断证明", kind=Material.Kind.GENERAL, form=Material.Form.COPY, conditional=True),
        ),
        steps=FORWARD_STEPS,
        legal_basis="《社会救助暂行办法》；《特困人员认定办法》（民发〔2021〕43号）",
        conditions="老年人、残疾人以及未满16周岁的未成年人，无劳动能力、无生活来源且无法定赡养、抚养、扶养义务人。",
        implementing_body="惠济区民政局（长兴路街道受理初审）",
        forward=True,
        proxy=True,
        home_visit=True,
    ),
    Demo(
        key="MZ004",
        name="高龄津贴申领",
        item_type=ItemType.PAYMENT,
        department="MZ",
        mode=Mode.PROMISED,
        statutory=20,
        promised=10,
        windows=(2,),
        themes=("elderly",),
        main=(ID_CARD, HOUSEHOLD, BANK),
        general=(PHOTO.general(),),
        steps=PROMISED_STEPS,
        legal_basis="《中华人民共和国老年人权益保障法》；《河南省高龄津贴发放办法》",
        conditions="具有本区户籍、年满80周岁的老年人。",
        proxy=True,
        home_visit=True,
    ),
    Demo(
        key="MZ005",
        name="老年人优待证办理",
        item_type=ItemType.PUBLIC_SERVICE,
        department="MZ",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(2, 1),
        themes=("elderly",),
        main=(ID_CARD, PHOTO),
        general=(HOUSEHOLD.general(),),
        steps=DIRECT_STEPS,
        legal_basis="《中华人民共和国老年人权益保障法》",
        conditions="年满60周岁的本区户籍老年人及在本区居住的非本区户籍老年人。",
        proxy=True,
    ),
    Demo(
        key="MZ006",
        name="经济困难老年人养老服务补贴申请",
        item_type=ItemType.PAYMENT,
        department="MZ",
        mode=Mode.PROMISED,
        statutory=20,
        promised=15,
        windows=(2,),
        themes=("elderly", "assistance"),
        main=(M("养老服务补贴申请表"), ID_CARD, HOUSEHOLD),
        general=(M("老年人能力评估报告", kind=Material.Kind.GENERAL, source=Material.Source.OTHER_DEPARTMENT),),
        steps=PROMISED_STEPS,
        legal_basis="《关于建立健全经济困难的高龄、失能等老年人补贴制度的通知》（财社〔2014〕113号）",
        proxy=True,
        home_visit=True,
    ),
    Demo(
        key="MZ007",
        name="低收入家庭认定",
        item_type=ItemType.CONFIRMATION,
        department="MZ",
        mode=Mode.PROMISED,
        statutory=30,
        promised=20,
        windows=(2,),
        themes=("assistance",),
        main=(M("低收入家庭认定申请书"), ID_CARD, HOUSEHOLD, AUTHORIZATION),
        general=(INCOME,),
        steps=(
            ACCEPT,
            S("入户调查", 10, "街道会同社区入户调查核实。"),
            S("公示", 7, "在社区公示7日。"),
            S("认定", 3, "作出认定决定。"),
        ),
        legal_basis="《社会救助暂行办法》；《低收入人口动态监测和常态化救助帮扶工作的意见》",
        home_visit=True,
    ),
    Demo(
        key="MZ008",
        name="孤儿基本生活费申领",
        item_type=ItemType.PAYMENT,
        department="MZ",
        mode=Mode.FORWARDED,
        statutory=30,
        promised=20,
        windows=(2,),
        themes=("assistance", "birth"),
        main=(
            M("孤儿基本生活费申请表"),
            M("孤儿及监护人居民身份证或户口簿", form=Material.Form.BOTH, source=Material.Source.GOVERNMENT),
            M("父母死亡或宣告失踪证明", form=Material.Form.BOTH, source=Material.Source.OTHER_DEPARTMENT),
        ),
        general=(BANK.general(),),
        steps=FORWARD_STEPS,
        legal_basis="《国务院办公厅关于加强孤儿保障工作的意见》（国办发〔2010〕54号）",
        implementing_body="惠济区民政局（长兴路街道受理初审）",
        forward=True,
        proxy=True,
    ),
    Demo(
        key="MZ009",
        name="因病致贫家庭医疗救助申请",
        item_type=ItemType.PAYMENT,
        department="MZ",
        mode=Mode.JOINT,
        statutory=30,
        promised=15,
        windows=(2, 3),
        themes=("assistance", "medical"),
        main=(
            M("医疗救助申请表"),
            ID_CARD,
            M("住院费用结算单及发票", form=Material.Form.BOTH, source=Material.Source.OTHER_DEPARTMENT),
        ),
        general=(
            HOUSEHOLD.general(),
            BANK.general(),
            M("出院小结", kind=Material.Kind.GENERAL, form=Material.Form.COPY),
        ),
        steps=(
            ACCEPT,
            S("民政审核", 5, "民政办审核救助对象身份与家庭经济状况。"),
            S("医保核算", 5, "社会保障所核算基本医保报销后个人负担费用。"),
            S("确定救助金额", 2, "中心主任牵头协调，确定救助金额并发放。"),
        ),
        legal_basis="《社会救助暂行办法》；《关于健全重特大疾病医疗保险和救助制度的意见》（国办发〔2021〕42号）",
        joint=("MZ", "SB"),
        proxy=True,
    ),
    # ---- 社会保障 (window 3) ----
    Demo(
        key="SB001",
        name="城乡居民基本医疗保险参保登记",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(3, 1),
        themes=("medical", "social_insurance"),
        main=(ID_CARD,),
        general=(HOUSEHOLD.general(), M("居住证", kind=Material.Kind.GENERAL, form=Material.Form.BOTH)),
        steps=DIRECT_STEPS,
        legal_basis="《中华人民共和国社会保险法》；《国务院关于整合城乡居民基本医疗保险制度的意见》（国发〔2016〕3号）",
        conditions="本区户籍或持有本区居住证、未参加职工基本医疗保险的城乡居民。",
        visits=1,
    ),
    Demo(
        key="SB002",
        name="城乡居民养老保险参保登记",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(3,),
        themes=("social_insurance", "elderly"),
        main=(ID_CARD, HOUSEHOLD),
        general=(M("城乡居民基本养老保险参保登记表", kind=Material.Kind.GENERAL),),
        steps=DIRECT_STEPS,
        legal_basis="《中华人民共和国社会保险法》；《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        conditions="年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险覆盖范围的城乡居民。",
    ),
    Demo(
        key="SB003",
        name="城乡居民养老保险待遇申领",
        item_type=ItemType.PAYMENT,
        department="SB",
        mode=Mode.PROMISED,
        statutory=20,
        promised=10,
        windows=(3,),
        themes=("social_insurance", "elderly"),
        main=(M("城乡居民基本养老保险待遇领取申请表"), ID_CARD, HOUSEHOLD),
        general=(BANK.general(), PHOTO.general()),
        steps=PROMISED_STEPS,
        legal_basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        conditions="年满60周岁、累计缴费满15年，且未领取国家规定的基本养老保障待遇的参保人。",
        proxy=True,
    ),
    Demo(
        key="SB004",
        name="城乡居民养老保险关系转移接续",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.FORWARDED,
        statutory=45,
        promised=30,
        windows=(3,),
        themes=("social_insurance",),
        main=(M("城乡居民基本养老保险关系转入申请表"), ID_CARD, HOUSEHOLD),
        steps=FORWARD_STEPS,
        legal_basis="《城乡养老保险制度衔接暂行办法》（人社部发〔2014〕17号）",
        implementing_body="惠济区社会保险中心（长兴路街道受理）",
        forward=True,
    ),
    Demo(
        key="SB005",
        name="就业登记",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(3,),
        themes=("employment",),
        main=(ID_CARD, M("劳动合同或用工证明", form=Material.Form.COPY)),
        general=(M("就业创业证", kind=Material.Kind.GENERAL),),
        steps=DIRECT_STEPS,
        legal_basis="《中华人民共和国就业促进法》；《就业服务与就业管理规定》（劳动和社会保障部令第28号）",
    ),
    Demo(
        key="SB006",
        name="失业登记",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(3,),
        themes=("employment",),
        main=(ID_CARD,),
        general=(
            M("解除或终止劳动关系证明", kind=Material.Kind.GENERAL, form=Material.Form.COPY),
            HOUSEHOLD.general(),
        ),
        steps=DIRECT_STEPS,
        legal_basis="《中华人民共和国就业促进法》；《就业服务与就业管理规定》",
        conditions="法定劳动年龄内、有劳动能力和就业要求、处于无业状态的城乡劳动者。",
    ),
    Demo(
        key="SB007",
        name="就业创业证申领",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(3,),
        themes=("employment",),
        main=(ID_CARD,),
        general=(PHOTO.general(),),
        steps=DIRECT_STEPS,
        legal_basis="《人力资源社会保障部关于进一步加强就业失业登记管理工作的通知》",
    ),
    Demo(
        key="SB008",
        name="就业困难人员认定",
        item_type=ItemType.CONFIRMATION,
        department="SB",
        mode=Mode.PROMISED,
        statutory=15,
        promised=7,
        windows=(3,),
        themes=("employment", "assistance"),
        main=(M("就业困难人员认定申请表"), ID_CARD, M("就业创业证", form=Material.Form.BOTH)),
        general=(M("困难类别相关证明", kind=Material.Kind.GENERAL, form=Material.Form.COPY),),
        steps=(
            ACCEPT,
            S("审核", 3, "社会保障所审核，必要时入户核实。"),
            S("公示", 5, "在社区公示5个工作日。", counts=True),
            S("认定", 1, "作出认定，录入信息系统。"),
        ),
        legal_basis="《中华人民共和国就业促进法》第五十二条",
    ),
    Demo(
        key="SB009",
        name="灵活就业人员社会保险补贴申领",
        item_type=ItemType.PAYMENT,
        department="SB",
        mode=Mode.FORWARDED,
        statutory=30,
        promised=20,
        windows=(3,),
        themes=("employment", "social_insurance"),
        main=(M("社会保险补贴申请表"), ID_CARD, M("社会保险缴费凭证", form=Material.Form.COPY)),
        general=(BANK.general(),),
        steps=FORWARD_STEPS,
        legal_basis="《就业补助资金管理办法》（财社〔2017〕164号）",
        implementing_body="惠济区人力资源和社会保障局（长兴路街道受理初审）",
        forward=True,
    ),
    Demo(
        key="SB010",
        name="社会保障卡申领",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.PROMISED,
        statutory=20,
        promised=15,
        windows=(3,),
        themes=("social_insurance", "medical"),
        main=(ID_CARD,),
        general=(PHOTO.general(),),
        steps=(
            ACCEPT,
            S("制卡", 12, "信息报送制卡机构制卡。", counts=True),
            S("领卡", 1, "通知申请人到窗口领卡并激活。"),
        ),
        legal_basis="《社会保障卡管理办法》（人社部发〔2011〕47号）",
        level=ServiceItem.Level.DISTRICT,
        owner=DISTRICT_CODE,
        implementing_body="惠济区人力资源和社会保障局",
        visits=2,
    ),
    Demo(
        key="SB011",
        name="社会保障卡挂失与补换",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.PROMISED,
        statutory=20,
        promised=10,
        windows=(3,),
        themes=("social_insurance",),
        main=(ID_CARD,),
        general=(PHOTO.general(),),
        steps=(ACCEPT, S("制卡", 8, "补换卡信息报送制卡。"), S("领卡", 1, "通知申请人领卡。")),
        legal_basis="《社会保障卡管理办法》（人社部发〔2011〕47号）",
        level=ServiceItem.Level.DISTRICT,
        owner=DISTRICT_CODE,
        implementing_body="惠济区人力资源和社会保障局",
        fee_standard="补换卡工本费每张20元；首次申领及卡片质量问题换卡免费。",
        fee_basis="省发展改革委、省财政厅关于社会保障卡工本费收费标准的通知",
        visits=2,
    ),
    Demo(
        key="SB012",
        name="城乡居民医保异地就医备案",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(3,),
        themes=("medical",),
        main=(ID_CARD, M("异地就医备案登记表")),
        general=(M("异地居住证明或转诊证明", kind=Material.Kind.GENERAL, form=Material.Form.COPY),),
        steps=DIRECT_STEPS,
        legal_basis="《关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）",
        level=ServiceItem.Level.DISTRICT,
        owner=DISTRICT_CODE,
        implementing_body="惠济区医疗保障局",
        visits=0,
    ),
    Demo(
        key="SB013",
        name="退休人员社会化管理服务登记",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(3,),
        themes=("social_insurance", "elderly"),
        main=(ID_CARD, M("退休审批表", form=Material.Form.COPY, source=Material.Source.OTHER_DEPARTMENT)),
        general=(HOUSEHOLD.general(),),
        steps=DIRECT_STEPS,
        legal_basis="《关于进一步加强企业退休人员社会化管理服务工作的意见》",
    ),
    Demo(
        key="SB014",
        name="创业担保贷款申请（初审）",
        item_type=ItemType.PUBLIC_SERVICE,
        department="SB",
        mode=Mode.FORWARDED,
        statutory=20,
        promised=15,
        windows=(3,),
        themes=("employment", "business"),
        main=(M("创业担保贷款申请表"), ID_CARD, M("营业执照", form=Material.Form.BOTH)),
        general=(HOUSEHOLD.general(), MARRIAGE.general(), M("创业计划书", kind=Material.Kind.GENERAL)),
        steps=FORWARD_STEPS,
        legal_basis="《创业担保贷款贴息资金管理办法》（财金〔2020〕21号）",
        implementing_body="惠济区人力资源和社会保障局（长兴路街道受理初审）",
        forward=True,
    ),
    # ---- 卫生健康 (window 4) ----
    Demo(
        key="WJ001",
        name="生育登记",
        item_type=ItemType.PUBLIC_SERVICE,
        department="WJ",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(4, 1),
        themes=("birth",),
        main=(M("夫妻双方居民身份证", form=Material.Form.BOTH, source=Material.Source.GOVERNMENT), MARRIAGE),
        general=(HOUSEHOLD.general(), M("生育登记表", kind=Material.Kind.GENERAL)),
        steps=DIRECT_STEPS,
        legal_basis="《中华人民共和国人口与计划生育法》；《河南省人口与计划生育条例》",
        conditions="夫妻双方至少一方为本区户籍或在本区居住。",
        visits=0,
    ),
    Demo(
        key="WJ002",
        name="独生子女父母光荣证办理",
        item_type=ItemType.CONFIRMATION,
        department="WJ",
        mode=Mode.PROMISED,
        statutory=20,
        promised=10,
        windows=(4,),
        themes=("birth",),
        main=(
            M("独生子女父母光荣证申请表"),
            M("夫妻双方居民身份证", form=Material.Form.BOTH, source=Material.Source.GOVERNMENT),
            HOUSEHOLD,
            MARRIAGE,
        ),
        general=(M("子女出生医学证明", kind=Material.Kind.GENERAL, form=Material.Form.COPY), PHOTO.general()),
        steps=PROMISED_STEPS,
        legal_basis="《河南省人口与计划生育条例》",
    ),
    Demo(
        key="WJ003",
        name="农村部分计划生育家庭奖励扶助资格确认",
        item_type=ItemType.CONFIRMATION,
        department="WJ",
        mode=Mode.FORWARDED,
        statutory=40,
        promised=30,
        windows=(4,),
        themes=("birth", "elderly"),
        main=(M("奖励扶助对象申报表"), ID_CARD, HOUSEHOLD, MARRIAGE),
        general=(M("独生子女父母光荣证", kind=Material.Kind.GENERAL, form=Material.Form.COPY),),
        steps=(
            ACCEPT,
            S("社区评议公示", 7, "村（社区）民主评议并公示。"),
            S("街道初审", 5, "卫生健康办初审并上报。"),
            S("区级确认", 15, "区卫生健康委确认资格。"),
        ),
        legal_basis="《农村部分计划生育家庭奖励扶助制度试点方案》（国办发〔2004〕21号）",
        conditions="本人及配偶均为农业户口，只生育一个子女或两个女孩，年满60周岁。",
        implementing_body="惠济区卫生健康委员会（长兴路街道受理初审）",
        forward=True,
    ),
    Demo(
        key="WJ004",
        name="计划生育家庭特别扶助资格确认",
        item_type=ItemType.CONFIRMATION,
        department="WJ",
        mode=Mode.FORWARDED,
        statutory=40,
        promised=30,
        windows=(4,),
        themes=("birth", "assistance"),
        main=(M("特别扶助对象申报表"), ID_CARD, HOUSEHOLD, M("子女死亡证明或伤残证明", form=Material.Form.BOTH)),
        general=(MARRIAGE.general(),),
        steps=FORWARD_STEPS,
        legal_basis="《全国独生子女伤残死亡家庭扶助制度试点方案》（国人口发〔2007〕78号）",
        implementing_body="惠济区卫生健康委员会（长兴路街道受理初审）",
        forward=True,
        home_visit=True,
    ),
    Demo(
        key="WJ005",
        name="计划生育家庭独生子女父母奖励金申领",
        item_type=ItemType.AWARD,
        department="WJ",
        mode=Mode.PROMISED,
        statutory=20,
        promised=15,
        windows=(4,),
        themes=("birth",),
        main=(ID_CARD, M("独生子女父母光荣证", form=Material.Form.BOTH)),
        general=(BANK.general(),),
        steps=PROMISED_STEPS,
        legal_basis="《河南省人口与计划生育条例》",
    ),
    # ---- 残联 (window 5) ----
    Demo(
        key="CL001",
        name="残疾人证办理（新办）",
        item_type=ItemType.CONFIRMATION,
        department="CL",
        mode=Mode.FORWARDED,
        statutory=30,
        promised=20,
        windows=(5,),
        themes=("disability",),
        main=(M("残疾人证申请表"), ID_CARD, HOUSEHOLD, PHOTO),
        general=(M("相关病历资料", kind=Material.Kind.GENERAL, form=Material.Form.COPY),),
        steps=(
            ACCEPT,
            S("残疾评定", 10, "到指定医疗机构进行残疾评定，评定时间不计入办理时限。", counts=False),
            S("街道审核", 3, "残联审核评定结果。"),
            S("区残联审批发证", 15, "区残联审批并制发残疾人证。"),
        ),
        legal_basis="《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》（残联发〔2017〕29号）",
        implementing_body="惠济区残疾人联合会（长兴路街道受理）",
        forward=True,
        proxy=True,
        home_visit=True,
    ),
    Demo(
        key="CL002",
        name="残疾人证换领、补领",
        item_type=ItemType.CONFIRMATION,
        department="CL",
        mode=Mode.PROMISED,
        statutory=20,
        promised=10,
        windows=(5,),
        themes=("disability",),
        main=(ID_CARD, DISABILITY_CARD, PHOTO),
        general=(HOUSEHOLD.general(),),
        steps=PROMISED_STEPS,
        legal_basis="《中华人民共和国残疾人证管理办法》",
        proxy=True,
    ),
    Demo(
        key="CL003",
        name="困难残疾人生活补贴和重度残疾人护理补贴申请",
        item_type=ItemType.PAYMENT,
        department="CL",
        mode=Mode.JOINT,
        statutory=30,
        promised=15,
        windows=(5, 2),
        themes=("disability", "assistance"),
        main=(M("残疾人两项补贴申请审批表"), ID_CARD, DISABILITY_CARD),
        general=(HOUSEHOLD.general(), BANK.general()),
        steps=(
            ACCEPT,
            S("残联审核", 5, "残联审核残疾等级与类别。"),
            S("民政核对", 5, "民政办核对家庭经济状况。"),
            S("联合审定", 3, "中心主任牵头，残联、民政联合审定并报区级发放。"),
        ),
        legal_basis="《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        joint=("CL", "MZ"),
        proxy=True,
        home_visit=True,
    ),
    Demo(
        key="CL004",
        name="残疾人辅助器具适配申请",
        item_type=ItemType.PUBLIC_SERVICE,
        department="CL",
        mode=Mode.PROMISED,
        statutory=30,
        promised=20,
        windows=(5,),
        themes=("disability",),
        main=(M("辅助器具适配申请表"), ID_CARD, DISABILITY_CARD),
        steps=(
            ACCEPT,
            S("需求评估", 10, "评估适配需求。"),
            S("适配发放", 10, "配发辅助器具。"),
        ),
        legal_basis="《残疾预防和残疾人康复条例》",
        home_visit=True,
    ),
    Demo(
        key="CL005",
        name="残疾人家庭无障碍改造申请",
        item_type=ItemType.PUBLIC_SERVICE,
        department="CL",
        mode=Mode.JOINT,
        statutory=60,
        promised=45,
        windows=(5, 7),
        themes=("disability", "housing"),
        main=(M("无障碍改造申请表"), ID_CARD, DISABILITY_CARD, M("房屋产权证明或租赁合同", form=Material.Form.COPY)),
        steps=(
            ACCEPT,
            S("入户评估", 10, "残联会同城建办入户评估改造需求。"),
            S("方案确定", 5, "确定改造方案，中心主任牵头协调。"),
            S("施工验收", 30, "组织施工并验收。"),
        ),
        legal_basis="《无障碍环境建设法》",
        joint=("CL", "CJ"),
        home_visit=True,
    ),
    # ---- 退役军人 (window 6) ----
    Demo(
        key="TY001",
        name="退役军人优待证申领",
        item_type=ItemType.PUBLIC_SERVICE,
        department="TY",
        mode=Mode.FORWARDED,
        statutory=30,
        promised=20,
        windows=(6,),
        themes=("veterans",),
        main=(ID_CARD, DISCHARGE, M("近期二寸免冠彩色照片", notes="白色背景，或提供电子照片。")),
        general=(HOUSEHOLD.general(),),
        steps=FORWARD_STEPS,
        legal_basis="《中华人民共和国退役军人保障法》；《退役军人、其他优抚对象优待证管理办法（试行）》",
        implementing_body="惠济区退役军人事务局（长兴路街道受理）",
        forward=True,
        proxy=True,
    ),
    Demo(
        key="TY002",
        name="退役军人信息采集",
        item_type=ItemType.PUBLIC_SERVICE,
        department="TY",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(6,),
        themes=("veterans",),
        main=(ID_CARD, DISCHARGE),
        general=(HOUSEHOLD.general(),),
        steps=DIRECT_STEPS,
        legal_basis="《中华人民共和国退役军人保障法》",
    ),
    Demo(
        key="TY003",
        name="光荣牌悬挂",
        item_type=ItemType.PUBLIC_SERVICE,
        department="TY",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(6,),
        themes=("veterans",),
        main=(ID_CARD, DISCHARGE),
        steps=(ACCEPT, S("悬挂", 0, "登记后按约定时间上门悬挂。", counts=False)),
        legal_basis="《为烈属、军属和退役军人等家庭悬挂光荣牌工作实施办法》",
        home_visit=True,
    ),
    Demo(
        key="TY004",
        name="义务兵家庭优待金申领",
        item_type=ItemType.PAYMENT,
        department="TY",
        mode=Mode.JOINT,
        statutory=30,
        promised=20,
        windows=(6, 2),
        themes=("veterans",),
        main=(M("义务兵家庭优待金申请表"), M("入伍通知书", form=Material.Form.COPY), HOUSEHOLD),
        general=(ID_CARD.general(), BANK.general()),
        steps=(
            ACCEPT,
            S("退役军人服务站审核", 5, "审核入伍信息。"),
            S("民政核拨", 10, "民政办核定优待金标准并核拨。"),
        ),
        legal_basis="《军人抚恤优待条例》",
        joint=("TY", "MZ"),
    ),
    Demo(
        key="TY005",
        name="重点优抚对象定期抚恤补助申请",
        item_type=ItemType.PAYMENT,
        department="TY",
        mode=Mode.FORWARDED,
        statutory=30,
        promised=20,
        windows=(6,),
        themes=("veterans", "assistance"),
        main=(M("定期抚恤补助申请表"), ID_CARD, HOUSEHOLD, DISCHARGE),
        general=(BANK.general(),),
        steps=FORWARD_STEPS,
        legal_basis="《军人抚恤优待条例》",
        implementing_body="惠济区退役军人事务局（长兴路街道受理初审）",
        forward=True,
    ),
    # ---- 城建 (window 7) ----
    Demo(
        key="CJ001",
        name="居住证办理",
        item_type=ItemType.CONFIRMATION,
        department="CJ",
        mode=Mode.FORWARDED,
        statutory=15,
        promised=10,
        windows=(7, 1),
        themes=("residence",),
        main=(ID_CARD, M("居住登记满半年的证明"), M("合法稳定就业、住所或连续就读的证明", form=Material.Form.COPY)),
        general=(PHOTO.general(),),
        steps=(
            ACCEPT,
            S("信息核验", 2, "核验居住登记与住所信息。"),
            S("转派出所制证", 7, "报公安机关审核制证，中心代为转交。"),
            S("领证", 1, "通知申请人领证。"),
        ),
        legal_basis="《居住证暂行条例》（国务院令第663号）",
        conditions="离开常住户口所在地，到本区居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一。",
        implementing_body="惠济区公安分局（长兴路街道代办）",
        forward=True,
        proxy=True,
        visits=2,
        fee_standard="首次申领免费；换领、补领每证工本费20元。",
        fee_basis="《居住证暂行条例》；省发展改革委、省财政厅关于居住证工本费标准的规定",
    ),
    Demo(
        key="CJ002",
        name="房屋租赁登记备案",
        item_type=ItemType.PUBLIC_SERVICE,
        department="CJ",
        mode=Mode.DIRECT,
        statutory=3,
        promised=0,
        windows=(7,),
        themes=("housing", "residence"),
        main=(
            M("房屋租赁合同", form=Material.Form.BOTH),
            ID_CARD,
            M("房屋所有权证或不动产权证书", form=Material.Form.COPY),
        ),
        general=(M("出租人委托书", kind=Material.Kind.GENERAL, notes="委托他人办理时提供。"),),
        steps=DIRECT_STEPS,
        legal_basis="《商品房屋租赁管理办法》（住房和城乡建设部令第6号）",
    ),
    Demo(
        key="CJ003",
        name="市政设施报修受理",
        item_type=ItemType.PUBLIC_SERVICE,
        department="CJ",
        mode=Mode.PROMISED,
        statutory=5,
        promised=3,
        windows=(7, 1),
        themes=("housing",),
        main=(M("报修登记（窗口现场填写）"),),
        general=(M("现场照片", kind=Material.Kind.GENERAL, form=Material.Form.ELECTRONIC),),
        steps=(ACCEPT, S("派单", 1, "派发维修单位。"), S("维修回访", 2, "维修完成后回访报修人。")),
        legal_basis="《城市道路管理条例》",
        visits=0,
    ),
    Demo(
        key="CJ004",
        name="临时占用城市道路审批（初审）",
        item_type=ItemType.LICENSE,
        department="CJ",
        mode=Mode.FORWARDED,
        statutory=20,
        promised=15,
        windows=(7,),
        themes=("housing", "business"),
        main=(M("临时占用城市道路申请表"), ID_CARD, M("占道位置示意图")),
        general=(M("营业执照", kind=Material.Kind.GENERAL, form=Material.Form.COPY),),
        steps=FORWARD_STEPS,
        legal_basis="《城市道路管理条例》第三十一条",
        implementing_body="惠济区城市管理局（长兴路街道受理初审）",
        forward=True,
    ),
    Demo(
        key="CJ005",
        name="城镇老旧小区改造居民意愿登记",
        item_type=ItemType.PUBLIC_SERVICE,
        department="CJ",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(7,),
        themes=("housing",),
        main=(ID_CARD, M("房屋所有权证或不动产权证书", form=Material.Form.COPY)),
        steps=DIRECT_STEPS,
        legal_basis="《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》（国办发〔2020〕23号）",
    ),
    # ---- 综合受理 (window 1) ----
    Demo(
        key="ZH001",
        name="法律援助申请（代为转交）",
        item_type=ItemType.PUBLIC_SERVICE,
        department="ZH",
        mode=Mode.FORWARDED,
        statutory=7,
        promised=5,
        windows=(1,),
        themes=("legal",),
        main=(M("法律援助申请表"), ID_CARD, M("经济困难状况说明表", notes="申请人书面承诺。")),
        general=(M("与所申请法律援助事项有关的证件、证明材料", kind=Material.Kind.GENERAL, form=Material.Form.COPY),),
        steps=(
            ACCEPT,
            S("转交", 1, "自收到申请之日起五日内转交区法律援助中心。"),
            S("区法律援助中心审查", 7, "区法律援助中心审查，时间不计入本中心时限。", counts=False),
        ),
        legal_basis="《中华人民共和国法律援助法》第四十条",
        implementing_body="惠济区法律援助中心（长兴路街道代为转交）",
        forward=True,
        proxy=True,
    ),
    Demo(
        key="ZH002",
        name="人民调解申请",
        item_type=ItemType.PUBLIC_SERVICE,
        department="ZH",
        mode=Mode.PROMISED,
        statutory=30,
        promised=30,
        windows=(1,),
        themes=("legal",),
        main=(M("人民调解申请书"), ID_CARD),
        general=(M("与纠纷有关的证据材料", kind=Material.Kind.GENERAL, form=Material.Form.COPY),),
        steps=(ACCEPT, S("调解", 25, "人民调解委员会组织调解。"), S("结案", 1, "制作调解协议书或终止调解。")),
        legal_basis="《中华人民共和国人民调解法》",
        limit_unit=LimitUnit.CALENDAR,
    ),
    Demo(
        key="ZH003",
        name="代办服务登记",
        item_type=ItemType.PUBLIC_SERVICE,
        department="ZH",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(1,),
        themes=("elderly", "disability"),
        main=(ID_CARD, M("代办委托书", notes="委托人签字或捺印。")),
        general=(M("代办人居民身份证", kind=Material.Kind.GENERAL, form=Material.Form.BOTH, conditional=True),),
        steps=(ACCEPT, S("登记派单", 0, "登记代办需求，指派代办员。")),
        legal_basis="《长兴路街道办事处关于进一步加强便民服务中心管理的实施意见》（长兴〔2013〕1号）第四条第七项",
        proxy=True,
        home_visit=True,
    ),
    Demo(
        key="ZH004",
        name="上门服务预约",
        item_type=ItemType.PUBLIC_SERVICE,
        department="ZH",
        mode=Mode.DIRECT,
        statutory=0,
        promised=0,
        windows=(1,),
        themes=("elderly", "disability"),
        main=(M("上门服务预约登记（电话或窗口登记）"),),
        steps=(ACCEPT, S("上门办理", 0, "按约定时间上门办理。", counts=False)),
        legal_basis="《长兴路街道办事处关于进一步加强便民服务中心管理的实施意见》（长兴〔2013〕1号）第四条第七项",
        home_visit=True,
        visits=0,
    ),
    Demo(
        key="ZH005",
        name="个体工商户登记代办",
        item_type=ItemType.LICENSE,
        department="ZH",
        mode=Mode.FORWARDED,
        statutory=15,
        promised=3,
        windows=(1,),
        themes=("business", "employment"),
        main=(M("个体工商户登记（备案）申请书"), ID_CARD, M("经营场所使用证明", form=Material.Form.COPY)),
        steps=(*FORWARD_STEPS[:3], S("区级核准", 1, "区市场监督管理局核准登记。"), FORWARD_STEPS[4]),
        legal_basis="《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》",
        implementing_body="惠济区市场监督管理局（长兴路街道代办）",
        forward=True,
        proxy=True,
    ),
]

DEPT_CREDIT = {
    "ZH": "11410108MB0001001X",
    "MZ": "11410108MB0001002Y",
    "SB": "11410108MB0001003A",
    "WJ": "11410108MB0001004B",
    "CL": "11410108MB0001005C",
    "TY": "11410108MB0001006D",
    "CJ": "11410108MB0001007E",
}


def implementation_code(demo: Demo) -> str:
    area = (demo.owner + "000000000000")[:12]
    return f"CX{demo.key}-{area}-000-{DEPT_CREDIT[demo.department]}-1-00"


def _sync_materials(item: ServiceItem, materials: list[M]) -> None:
    keep = []
    for order, m in enumerate(materials):
        obj, _ = Material.objects.update_or_create(
            item=item,
            name=m.name,
            defaults={
                "kind": m.kind,
                "form": m.form,
                "copies": m.copies,
                "source": m.source,
                "conditional": m.conditional,
                "original": m.original,
                "notes": m.notes,
                "sort_order": order,
            },
        )
        keep.append(obj.pk)
    item.materials.exclude(pk__in=keep).delete()


def _sync_steps(item: ServiceItem, steps: tuple[S, ...]) -> None:
    keep = []
    for order, s in enumerate(steps):
        obj, _ = Step.objects.update_or_create(
            item=item,
            sort_order=order,
            defaults={
                "name": s.name,
                "description": s.description,
                "duration_days": s.days,
                "counts_toward_limit": s.counts,
            },
        )
        keep.append(obj.pk)
    item.steps.exclude(pk__in=keep).delete()


def load(stdout: Any) -> None:
    center = OrgUnit.objects.get(code=CENTER_CODE)
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    owners = {CENTER_CODE: center, DISTRICT_CODE: district}
    departments = {d.code: d for d in Department.objects.filter(org_unit=center)}
    windows = {w.number: w for w in Window.objects.filter(center=center)}
    actor = get_user_model().objects.filter(username="admin").first()

    themes: dict[str, Theme] = {}
    for order, (code, name, audience) in enumerate(THEMES):
        themes[code], _ = Theme.objects.update_or_create(
            code=code, defaults={"name": name, "audience": audience, "sort_order": order}
        )

    published = 0
    for demo in ITEMS:
        item, _ = ServiceItem.objects.update_or_create(
            code=implementation_code(demo),
            defaults={
                "owner": owners[demo.owner],
                "name": demo.name,
                "basic_code": f"CX{demo.key}",
                "item_type": demo.item_type,
                "department": departments[demo.department],
                "implementing_level": demo.level,
                "implementing_body": demo.implementing_body,
                "legal_basis": demo.legal_basis,
                "description": demo.description,
                "conditions": demo.conditions,
                "default_mode": demo.mode,
                "forward_to": district if demo.forward else None,
                "statutory_limit": demo.statutory,
                "promised_limit": demo.promised,
                "limit_unit": demo.limit_unit,
                "visits": demo.visits,
                "is_free": not demo.fee_standard,
                "fee_standard": demo.fee_standard,
                "fee_basis": demo.fee_basis,
                "consultation_phone": CONSULTATION_PHONE,
                "complaint_channel": COMPLAINT_CHANNEL,
                "offers_appointment": demo.appointment,
                "offers_proxy": demo.proxy,
                "offers_home_visit": demo.home_visit,
            },
        )
        item.joint_departments.set([departments[code] for code in demo.joint])
        item.windows.set([windows[n] for n in demo.windows])
        item.themes.set([themes[code] for code in demo.themes])
        _sync_materials(item, [*demo.main, *(m.general() for m in demo.general)])
        _sync_steps(item, demo.steps)

        current = ItemVersion.objects.filter(item=item, number=item.version).first()
        changed = current is None or snapshot_content(current.snapshot) != snapshot_content(item_snapshot(item))
        if item.status != ServiceItem.Status.PUBLISHED or changed:
            item_publish(item=item, actor=actor, note="演示目录")
            published += 1
        else:
            item_reindex(item=item)
    term_frequencies_refresh()
    stdout.write(f"服务事项目录：{len(ITEMS)} 个事项，{len(THEMES)} 个主题（本次发布 {published} 个）。")
