"""Finding an item by what people type: Chinese words, colloquial names, full pinyin, pinyin initials, materials.

Pure functions, no ORM. `index_terms` turns an item's text into weighted terms (stored in `SearchTerm`, one row per
term); `parse_query` turns what was typed into groups of alternatives. An item matches a group when it has one of
the group's exact terms or a term starting with its prefix; the selector ranks by groups matched, then weight.

Words are cut with jieba (a private tokenizer, so the global one stays untouched) in search mode for indexing
(every sub-word of a long word, "最低生活保障" → 最低/生活/保障/最低生活保障) and in precise mode for queries.
Colloquial names and official ones are kept as synonym sets ("低保" ↔ "最低生活保障", "户口本" ↔ "户口簿"): an item
whose name contains one is also indexed under the others, and under the pinyin of those variant names, so
"dbsq" (低保申请) finds 最低生活保障申请.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import jieba
from pypinyin import Style, lazy_pinyin

TERM_MAX = 100
PREFIX_MIN = 2  # shorter latin input is matched exactly, or it would match half the catalog

# Each set: words people use for the same thing. The first is the official wording.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("最低生活保障", "低保"),
    ("户口簿", "户口本"),
    ("居民身份证", "身份证"),
    ("残疾人证", "残疾证"),
    ("特困人员", "五保", "五保户"),
    ("基本医疗保险", "医保"),
    ("医疗保险", "医保"),
    ("养老保险", "养老金"),
    ("社会保障卡", "社保卡"),
    ("社会保险", "社保"),
    ("居住证", "暂住证"),
    ("生育登记", "准生证", "生育服务证"),
    ("独生子女父母光荣证", "独生子女证", "光荣证"),
    ("老年人优待证", "老年证", "敬老卡"),
    ("退役军人", "退伍军人", "复员军人"),
    ("就业创业证", "失业证", "就业证"),
    ("高龄津贴", "高龄补贴", "尊老金"),
    ("临时救助", "临时补助", "救急难"),
    ("法律援助", "法援"),
    ("个体工商户", "个体户"),
    ("营业执照", "执照"),
)

# Words that say nothing about which item is meant ("怎么办", "我要办"): dropped from queries.
# fmt: off
STOP_WORDS = frozenset(
    (
        "的", "了", "吗", "呢", "啊", "吧", "和", "与", "及", "或", "要",
        "想", "去", "在", "到", "给", "让", "请", "我", "我要", "我想", "想要",
        "需要", "要求", "怎么", "怎么办", "怎样", "怎么样", "如何", "哪里", "哪儿",
        "在哪", "在哪里", "什么", "哪些", "多少", "多久", "几天", "能", "能否",
        "可以", "可不可以", "办", "去办", "要办", "一下",
    )
)
# fmt: on

_EXTRA_WORDS = (
    "最低生活保障",
    "低保",
    "户口簿",
    "户口本",
    "居民身份证",
    "身份证",
    "残疾人证",
    "残疾证",
    "社保卡",
    "社会保障卡",
    "居住证",
    "暂住证",
    "准生证",
    "光荣证",
    "优待证",
    "老年证",
    "高龄津贴",
    "临时救助",
    "特困人员",
    "就业创业证",
    "失业登记",
    "就业登记",
    "生育登记",
    "参保登记",
    "异地就医",
    "退役军人",
    "无障碍改造",
)

_tokenizer: jieba.Tokenizer | None = None
_lock = threading.Lock()

_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


def _jieba() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                words = set(_EXTRA_WORDS) | {w for group in SYNONYMS for w in group}
                for word in sorted(words):
                    tokenizer.add_word(word, freq=200000)
                _tokenizer = tokenizer
    return _tokenizer


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, collapsed spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _meaningful(word: str) -> bool:
    return bool(_WORD.fullmatch(word)) and word not in STOP_WORDS


def search_words(text: str) -> list[str]:
    """Every word and sub-word of `text` (jieba search mode), without punctuation."""
    words: list[str] = []
    for run in _WORD.findall(normalize(text)):
        if _HAN.match(run):
            words.extend(w for w in _jieba().cut_for_search(run) if _meaningful(w))
        else:
            words.append(run)
    return words


def precise_words(text: str) -> list[str]:
    """The words of `text` as a reader would cut them (jieba precise mode), without punctuation and stop words."""
    words: list[str] = []
    for run in _WORD.findall(normalize(text)):
        if _HAN.match(run):
            words.extend(w for w in _jieba().cut(run) if _meaningful(w))
        elif run not in STOP_WORDS:
            words.append(run)
    return words


def synonyms_of(word: str) -> set[str]:
    found: set[str] = set()
    for group in SYNONYMS:
        if word in group:
            found.update(group)
    found.discard(word)
    return found


def variants(text: str) -> set[str]:
    """`text` with each synonym it contains replaced by the others: 最低生活保障申请 → 低保申请."""
    result: set[str] = set()
    for group in SYNONYMS:
        present = [w for w in group if w in text]
        # "居民身份证" contains "身份证": replace only the longest wording present, never a part of it.
        present = [w for w in present if not any(w != o and w in o for o in present)]
        for word in present:
            result.update(text.replace(word, other) for other in group if other != word)
    result.discard(text)
    return result


def pinyin_full(text: str) -> str:
    return "".join(p for p in lazy_pinyin("".join(_HAN.findall(text))) if p.isascii())


def pinyin_initials(text: str) -> str:
    return "".join(p for p in lazy_pinyin("".join(_HAN.findall(text)), style=Style.FIRST_LETTER) if p.isascii())


# How much a match on each kind of term counts; an exact name beats its words, names beat materials.
W_NAME = 100
W_CODE = 60
W_NAME_WORD = 20
W_VARIANT = 16
W_PINYIN = 12
W_WORD_PINYIN = 8
W_MATERIAL = 6
W_MATERIAL_WORD = 4
W_CONTEXT = 2


@dataclass
class Terms:
    weights: dict[str, int] = field(default_factory=dict)

    def add(self, term: str, weight: int) -> None:
        term = term.strip()[:TERM_MAX]
        if term and weight > self.weights.get(term, 0):
            self.weights[term] = weight

    def add_all(self, terms: Iterable[str], weight: int) -> None:
        for term in terms:
            self.add(term, weight)


def index_terms(
    *,
    name: str,
    codes: Iterable[str] = (),
    materials: Iterable[str] = (),
    context: Iterable[str] = (),
) -> dict[str, int]:
    """Weighted terms of an item: its name (words, synonyms, pinyin), codes, material names, department and themes."""
    terms = Terms()
    name = normalize(name)
    terms.add(name, W_NAME)
    for code in codes:
        if code.strip():
            terms.add(normalize(code), W_CODE)
    names = [name, *sorted(variants(name))]
    for index, text in enumerate(names):
        terms.add(text, W_NAME if index == 0 else W_VARIANT)
        words = search_words(text)
        terms.add_all(words, W_NAME_WORD if index == 0 else W_VARIANT)
        for word in words:
            terms.add_all(synonyms_of(word), W_VARIANT)
        terms.add(pinyin_full(text), W_PINYIN)
        terms.add(pinyin_initials(text), W_PINYIN)
        for word in precise_words(text):
            if len(_HAN.findall(word)) >= 2:
                terms.add(pinyin_full(word), W_WORD_PINYIN)
    for material in materials:
        material = normalize(material)
        terms.add(material, W_MATERIAL)
        for text in [material, *sorted(variants(material))]:
            terms.add(text, W_MATERIAL)
            terms.add(pinyin_full(text), W_MATERIAL_WORD)  # "hukouben" finds items that need 户口簿
            for word in search_words(text):
                terms.add(word, W_MATERIAL_WORD)
                terms.add_all(synonyms_of(word), W_MATERIAL_WORD)
    for text in context:
        terms.add_all(search_words(text), W_CONTEXT)
    return terms.weights


def search_text(weights: dict[str, int]) -> str:
    """The terms as one readable text, strongest first (kept on the item for inspection and fallbacks)."""
    return " ".join(sorted(weights, key=lambda t: (-weights[t], t)))


@dataclass(frozen=True)
class Group:
    """One thing the user typed: matched by any of `exact`, or by a term starting with `prefix`."""

    typed: str
    exact: frozenset[str]
    prefix: str = ""


def parse_query(text: str) -> list[Group]:
    groups: list[Group] = []
    seen: set[str] = set()
    for word in precise_words(text):
        if word in seen:
            continue
        seen.add(word)
        if _HAN.match(word):
            groups.append(Group(word, frozenset({word, *synonyms_of(word)})))
        elif len(word) >= PREFIX_MIN:
            groups.append(Group(word, frozenset({word}), prefix=word))
        else:
            groups.append(Group(word, frozenset({word})))
    return groups


def required_groups(count: int) -> int:
    """How many of the typed words an item must match: all of one or two, two of three, three of four …"""
    if count <= 2:
        return count
    return count - count // 3
