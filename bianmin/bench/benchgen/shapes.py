"""The shapes of the data set per scale, and the names it draws from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ITEM_NAMES_FILE = Path(__file__).parent.parent / "bench_items.txt"
# Above this many cases the PostgreSQL load drops and rebuilds secondary indexes (cheaper than maintaining them).
INDEX_REBUILD_FROM = 100_000
CHUNK = 50_000


@dataclass(frozen=True)
class Shape:
    districts: int
    centers: int  # per district
    points: int  # per center
    staff: int  # per center
    windows: int  # per center
    items: int  # per district
    cases: int  # in all
    # Items the first district publishes in all (its catalog, then the same names with the qualifiers real catalogs
    # add): `catalog_search` ranks over them at the bench's center. 0: just `items`.
    search_items: int = 0


SHAPES = {
    "micro": Shape(districts=1, centers=2, points=3, staff=12, windows=4, items=60, cases=500),
    "small": Shape(
        districts=2, centers=5, points=20, staff=50, windows=12, items=1000, cases=50_000, search_items=10_000
    ),
    "city": Shape(
        districts=10, centers=10, points=20, staff=50, windows=12, items=1000, cases=2_000_000, search_items=10_000
    ),
}

# The accounts the bench measures with (all in the first center of the first district).
FIRST_DISTRICT = "511601"
FIRST_CENTER = "511601001"
BENCH_DIRECTOR = "bench_director"
BENCH_WINDOW = "bench_window"
BENCH_DISTRICT = "bench_district"
BENCH_PASSWORD = "bench-only"  # noqa: S105 - synthetic accounts in a throwaway database

STAFF_NAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN_NAMES = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
]
MATERIAL_SETS = [
    ("居民身份证", "户口簿"),
    ("居民身份证", "申请表"),
    ("营业执照", "法定代表人身份证明"),
    ("居民身份证", "结婚证"),
    ("居民身份证", "残疾人证"),
]
WINDOW_NAMES = ["综合受理", "民政", "社会保障", "卫生健康", "残联", "退役军人", "城建", "农业农村", "市场监管", "司法"]


# What `catalog_search` types, one query per repetition in turn: words most items have (身份证 is in the materials of
# 6 items in 10), a word in a thousand names (补办, 变更), several words, pinyin, initials, a two-letter prefix, a
# same-sound typo, traditional characters, a sentence.
SEARCH_QUERIES = (
    "身份证",
    "住房",
    "社保卡补办",
    "营业执照变更",
    "我想办理居民身份证",
    "结婚证丢了补办",
    "申请",
    "dbsq",
    "shenfen",
    "sh",
    "低报",
    "殘疾人證",
)

# How real catalogs tell apart items of one name (counts in the district's own catalog: 变更 8, 注销 9, 补办 5, …).
QUALIFIERS = ("", "（新办）", "（变更）", "（注销）", "（延续）", "（补办）", "（换发）", "（备案）", "（承诺件）")


def catalog_names(count: int) -> list[tuple[str, str]]:
    """`count` (department, item name) pairs: the real names, then the real names again with each qualifier."""
    names = item_names()
    if count > len(names) * len(QUALIFIERS):
        raise ValueError(f"bench: at most {len(names) * len(QUALIFIERS)} distinct item names")
    return [(names[k % len(names)][0], names[k % len(names)][1] + QUALIFIERS[k // len(names)]) for k in range(count)]


def item_names() -> list[tuple[str, str]]:
    """(department, item name) pairs from the real district catalog."""
    rows = []
    for line in ITEM_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            dept, name = line.split("\t", 1)
            rows.append((dept, name))
    return rows
