"""Search quality on a real district's catalog (广安区, 1,135 items): what citizens type against what items are
really called. The queries are written from the item list: colloquial names, pinyin, initials, same-sound typos,
traditional characters and extra words."""

import csv
from pathlib import Path

import pytest

from bianmin.catalog import search
from bianmin.catalog.models import SearchTerm, ServiceItem
from bianmin.catalog.selectors import search_public
from bianmin.org.tests.factories import DepartmentFactory

REAL_NAMES = Path(__file__).parent / "data" / "real-item-names.csv"

# (what a citizen types, the item meant)
QUERIES = [
    # colloquial names and other words
    ("社保卡补办", "社会保障卡补领、换领、换发"),
    ("失业金", "失业保险金申领"),
    ("领失业金", "失业保险金申领"),
    ("低保", "最低生活保障"),
    ("身份证", "居民身份证办理（包括临时）"),
    ("迁户口", "户口迁移审批"),
    ("开无犯罪证明", "无犯罪记录证明"),
    ("养狗证", "犬类准养证核发"),
    ("办护照", "普通护照签发"),
    ("出生证", "《出生医学证明》首次签发"),
    ("疫苗本", "《预防接种证》办理"),
    ("老年证", "申领《四川省老年人优待证》"),
    ("残疾证丢了", "残疾人证挂失补办"),
    ("结婚证丢了补办", "补领结婚证"),
    ("电子医保卡", "医保电子凭证申领"),
    ("慢性病认定", "基本医疗保险参保人员享受门诊慢特病病种待遇认定"),
    ("住院报销", "住院费用报销"),
    ("生孩子报销", "生育医疗费支付"),
    ("产假工资", "生育津贴支付"),
    ("办个体户", "个体工商户设立登记"),
    ("烟草证补办", "烟草专卖零售许可证补办"),
    ("网约车运输证补办", "网络预约出租汽车运输证发放（补办）"),
    ("出租车经营许可", "巡游出租汽车经营许可"),
    ("完税证明", "开具税收完税证明（县级行使）"),
    ("个税纳税记录", "开具个人所得税纳税记录（县级行使）"),
    ("发票丢了", "发票遗失、损毁报告（县级行使）"),
    ("办退休", "企业职工基本养老保险正常退休申请"),
    ("社保缴费记录打印", "个人权益记录查询打印"),
    ("创业贷款", "创业担保贷款申请"),
    ("教师资格证补办", "教师资格证书补发、换发"),
    ("装水表", "供水报装"),
    # pinyin and initials
    ("dbsq", "最低生活保障"),
    ("shebaoka guashi", "社会保障卡挂失"),
    ("sbkgs", "社会保障卡挂失"),
    ("shiyejin", "失业保险金申领"),
    ("wfzjlzm", "无犯罪记录证明"),
    ("jiehunzheng", "补领结婚证"),
    ("canjirenzheng xinban", "残疾人证新办"),
    # same-sound typos
    ("低报", "最低生活保障"),
    ("社宝卡挂失", "社会保障卡挂失"),
    ("失业保险金申零", "失业保险金申领"),
    ("户口签移", "户口迁移审批"),
    # traditional characters, full-width
    ("社會保障卡補領", "社会保障卡补领、换领、换发"),
    ("無犯罪記錄證明", "无犯罪记录证明"),
    ("居民身份證", "居民身份证办理（包括临时）"),
    ("ＤＢＳＱ", "最低生活保障"),
    # extra words
    ("我想申请临时救助金", "临时救助"),
    ("残疾人证新办需要什么材料", "残疾人证新办"),
    ("孤儿基本生活费怎么领", "孤儿救助资格认定及基本生活费发放"),
    ("80岁高龄津贴", "80周岁以上老年人高龄津贴发放"),
]


@pytest.fixture
def real_catalog(world):
    with REAL_NAMES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    departments = {}
    for index, name in enumerate(sorted({r["department"] for r in rows})):
        departments[name] = DepartmentFactory.create(org_unit=world.center, code=f"R{index:02d}", name=name)
    items = ServiceItem.objects.bulk_create(
        ServiceItem(
            owner=world.center,
            name=row["name"],
            code=f"REAL-{i:05d}",
            item_type="public_service",
            department=departments[row["department"]],
            status=ServiceItem.Status.PUBLISHED,
            version=1,
        )
        for i, row in enumerate(rows)
    )
    SearchTerm.objects.bulk_create(
        (
            SearchTerm(item=item, term=term, weight=weight)
            for item in items
            for term, weight in search.index_terms(name=item.name, context=[item.department.name]).items()
        ),
        batch_size=5000,
    )
    return {item.name: item for item in items}


def _rank(world, typed, name):
    names = [h.item.name for h in search_public(center=world.center, text=typed).hits]
    return names.index(name) + 1 if name in names else None, names[:5]


def test_citizen_queries_find_the_item_on_a_real_catalog(world, real_catalog):
    assert len(QUERIES) >= 40
    ranks = {}
    for typed, name in QUERIES:
        assert name in real_catalog, name
        ranks[typed] = _rank(world, typed, name)
    top1 = sum(1 for rank, _ in ranks.values() if rank == 1)
    top5 = sum(1 for rank, _ in ranks.values() if rank is not None and rank <= 5)
    misses = {typed: found for typed, (rank, found) in ranks.items() if rank != 1}

    assert top5 >= 0.95 * len(QUERIES), (top1, top5, misses)
    assert top1 >= 0.80 * len(QUERIES), (top1, top5, misses)
    print(f"top 1: {top1}/{len(QUERIES)}, top 5: {top5}/{len(QUERIES)}; not first: {misses}")


def test_a_query_sharing_a_word_with_an_item_never_comes_back_empty(world, real_catalog):
    # One word of each item name (its first two characters and its last word), with noise around it.
    for name in list(real_catalog)[::25]:
        word = search.precise_words(name)[0]
        result = search_public(center=world.center, text=f"请问{word}怎么弄呀")
        assert result.hits, (name, word)
