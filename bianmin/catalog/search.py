"""Finding an item by what people type: Chinese words, colloquial names, full pinyin, pinyin initials, materials.

Pure functions, no ORM. `index_terms` turns an item's text into weighted terms (stored in `SearchTerm`, one row per
term); `parse_query` turns what was typed into groups of alternatives. The selector ranks items BM25-style: each
group the item matches adds the group's rarity (inverse document frequency) times the weight of the best term it
matched, so a query with one unmatched word still finds the item that matches the rest, and rare words count more.

Text is folded before anything else: traditional to simplified characters (OpenCC's maintained tables),
full-width to half-width, lower case, collapsed spaces. Words are cut with jieba (a private tokenizer, so the
global one stays untouched) in search mode for indexing (every sub-word of a long word, "最低生活保障" →
最低/生活/保障/最低生活保障) and in precise mode for queries.

Colloquial names and official ones are kept as synonym sets ("低保" ↔ "最低生活保障", "户口本" ↔ "户口簿"), shipped
in `data/synonyms.txt` and edited by catalog managers (the database holds the current sets; `use_synonyms`
installs them). A query word also matches its synonyms; an item whose name contains one is also indexed under the
others, and under the pinyin of those variant names, so "dbsq" (低保申请) finds 最低生活保障申请. A Chinese word
also matches by its pinyin, so a same-sound typo ("低报") finds the word meant (低保).
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin

from bianmin.catalog._jieba import jieba

TERM_MAX = 100
PREFIX_MIN = 2  # shorter latin input is matched exactly, or it would match half the catalog
SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"


def parse_synonyms(text: str) -> list[tuple[str, ...]]:
    """Synonym sets from text: one set a line, words separated by spaces (or commas), `#` starts a comment."""
    groups: list[tuple[str, ...]] = []
    for line in text.splitlines():
        words = [normalize(w) for w in re.split(r"[\s,，、;；]+", line.split("#", 1)[0])]
        words = list(dict.fromkeys(w for w in words if w))
        if len(words) >= 2:
            groups.append(tuple(words))
    return groups


def shipped_synonyms() -> list[tuple[str, ...]]:
    return parse_synonyms(SYNONYMS_FILE.read_text(encoding="utf-8"))


# Words that say nothing about which item is meant ("怎么办", "我要办"): dropped from queries.
# fmt: off
STOP_WORDS = frozenset(
    (
        "的", "了", "吗", "呢", "啊", "吧", "和", "与", "及", "或", "要", "个", "一个",
        "想", "去", "在", "到", "给", "让", "请", "我", "我要", "我想", "想要", "我的", "我家", "家里",
        "需要", "要求", "怎么", "怎么办", "怎样", "怎么样", "如何", "哪里", "哪儿", "咋办", "咋",
        "在哪", "在哪里", "什么", "哪些", "多少", "多久", "几天", "能", "能否", "应该",
        "可以", "可不可以", "办", "去办", "要办", "一下", "手续", "流程", "需要什么", "材料",
    )
)
# fmt: on

# Words the segmenter must keep whole, beyond the synonym sets ("身份证明" is not 身份证 + 明).
_EXTRA_WORDS = (
    "身份证明",
    "失业登记",
    "就业登记",
    "参保登记",
    "无障碍改造",
    "网约车",
    "小吃店",
    "补办",
    "补领",
    "换领",
)

_tokenizer: jieba.Tokenizer | None = None
_converter: opencc.OpenCC | None = None
_lock = threading.Lock()

_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Thesaurus:
    groups: tuple[tuple[str, ...], ...]
    others: dict[str, frozenset[str]]

    @classmethod
    def of(cls, groups: Iterable[Sequence[str]]) -> Thesaurus:
        kept = tuple(tuple(g) for g in groups if len(g) >= 2)
        others: dict[str, set[str]] = {}
        for group in kept:
            for word in group:
                others.setdefault(word, set()).update(w for w in group if w != word)
        return cls(kept, {w: frozenset(o) for w, o in others.items()})


_thesaurus: Thesaurus | None = None


def thesaurus() -> Thesaurus:
    global _thesaurus
    if _thesaurus is None:
        _thesaurus = Thesaurus.of(shipped_synonyms())
    return _thesaurus


def use_synonyms(groups: Iterable[Sequence[str]]) -> None:
    """Install the synonym sets the catalog managers keep; the segmenter learns their words."""
    global _thesaurus
    new = Thesaurus.of(groups)
    if _thesaurus is not None and new.groups == _thesaurus.groups:
        return
    if _tokenizer is not None:
        for word in sorted(_dictionary_words(new) - _dictionary_words(thesaurus())):
            _tokenizer.add_word(word, freq=200000)
    _thesaurus = new


def _dictionary_words(thesaurus: Thesaurus) -> set[str]:
    """The words of the synonym sets the segmenter must keep whole; not phrases made of other words of the sets
    ("失业保险金申领" stays 失业保险金 + 申领, so each part is found on its own)."""
    words = {w for w in thesaurus.others if _HAN.match(w)}
    # A word is left out when another word of the sets, at least two characters shorter, is part of it: look its
    # parts up (a few dozen per word) rather than compare every pair of words.
    return {
        w for w in words if not any(w[i : i + n] in words for n in range(2, len(w) - 1) for i in range(len(w) - n + 1))
    }


def _jieba() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in sorted(set(_EXTRA_WORDS) | _dictionary_words(thesaurus())):
                    tokenizer.add_word(word, freq=200000)
                _tokenizer = tokenizer
    return _tokenizer


def _opencc() -> opencc.OpenCC:
    global _converter
    if _converter is None:
        _converter = opencc.OpenCC("t2s")
    return _converter


def warm() -> None:
    """Load the segmenter's dictionary and the conversion tables now (at worker start), not on the first search,
    and run a query through every step once (the segmenter's model for unknown words loads on first use)."""
    _jieba()
    _opencc()
    parse_query("我想办社保卡补办 dbsq 低報")
    index_terms(name="最低生活保障申请", materials=["居民身份证"])


def normalize(text: str) -> str:
    """Traditional to simplified, full-width to half-width, lower case, collapsed spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    if _HAN.search(text):
        text = _opencc().convert(text)
    return " ".join(text.split())


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
    return set(thesaurus().others.get(word, ()))


def _boundaries(text: str) -> set[int]:
    """Where the words of `text` start and end, as the segmenter cuts it."""
    offsets = {0}
    position = 0
    for token in _jieba().cut(text):
        position += len(token)
        offsets.add(position)
    return offsets


def variants(text: str) -> set[str]:
    """`text` with each synonym it contains replaced by the others: 最低生活保障申请 → 低保申请.

    Only whole words are replaced: "身份证" in 临时身份证明 is part of 身份证明, not a 身份证."""
    result: set[str] = set()
    boundaries: set[int] | None = None
    for group in thesaurus().groups:
        present = [w for w in group if len(w) >= 2 and w in text]
        if not present:
            continue
        # "居民身份证" contains "身份证": replace only the longest wording present, never a part of it.
        present = [w for w in present if not any(w != o and w in o for o in present)]
        if boundaries is None:
            boundaries = _boundaries(text)
        for word in present:
            start = text.find(word)
            if start not in boundaries or start + len(word) not in boundaries:
                continue
            result.update(text.replace(word, other) for other in group if other != word)
    result.discard(text)
    return result


def pinyin_full(text: str) -> str:
    return _pinyin("".join(_HAN.findall(text)), Style.NORMAL)


def pinyin_initials(text: str) -> str:
    return _pinyin("".join(_HAN.findall(text)), Style.FIRST_LETTER)


@functools.lru_cache(maxsize=65536)  # names share most of their words and variants: indexing a catalog repeats them
def _pinyin(han: str, style: Style) -> str:
    return "".join(p for p in lazy_pinyin(han, style=style) if p.isascii())


# How much a match on each kind of term counts; an exact name beats its words, names beat materials.
W_NAME = 100
W_CODE = 60
W_NAME_WORD = 20
W_VARIANT = 18  # the colloquial name of a word of the name counts nearly as the word itself
W_SUB_WORD = 12  # a part of a longer word ("身份证" in 身份证明) counts less than a whole word
W_PINYIN = 12
W_WORD_PINYIN = 8
W_MATERIAL = 6
W_MATERIAL_WORD = 4
W_CONTEXT = 2

# Length normalization (BM25's b): words of a short name say more about the item than words of a long one.
NAME_LENGTH_AVERAGE = 14
NAME_LENGTH_B = 0.4


_QUALIFIER = re.compile(r"[(（][^()（）]*[)）]")


def _length_factor(name: str) -> float:
    # Qualifiers in brackets ("（县级行使）", "（包括临时）") do not make the item's own name longer.
    core = _QUALIFIER.sub("", name) or name
    length = len(_HAN.findall(core)) or len(core)
    return 1 / (1 - NAME_LENGTH_B + NAME_LENGTH_B * length / NAME_LENGTH_AVERAGE)


@dataclass
class Terms:
    weights: dict[str, int] = field(default_factory=dict)
    factor: float = 1.0

    def add(self, term: str, weight: int) -> None:
        term = term.strip()[:TERM_MAX]
        scaled = max(1, round(weight * self.factor))
        if term and scaled > self.weights.get(term, 0):
            self.weights[term] = scaled

    def add_all(self, terms: Iterable[str], weight: int) -> None:
        for term in terms:
            self.add(term, weight)


def _name_terms(terms: Terms, text: str, *, primary: bool) -> None:
    whole = set(precise_words(text))
    for word in search_words(text):
        # A word as a reader cuts it counts fully; a part of a longer word ("身份证" in 身份证明) counts less.
        if word in whole:
            terms.add(word, W_NAME_WORD if primary else W_VARIANT)
            terms.add_all(synonyms_of(word), W_VARIANT)
        else:
            terms.add(word, W_SUB_WORD)
        if len(word) >= 2 and _HAN.match(word):
            terms.add(pinyin_full(word), W_WORD_PINYIN)
    terms.add(pinyin_full(text), W_PINYIN)
    terms.add(pinyin_initials(text), W_PINYIN)


def index_terms(
    *,
    name: str,
    codes: Iterable[str] = (),
    materials: Iterable[str] = (),
    context: Iterable[str] = (),
) -> dict[str, int]:
    """Weighted terms of an item: its name (words, synonyms, pinyin), codes, material names, department and themes."""
    name = normalize(name)
    terms = Terms(factor=_length_factor(name))
    terms.add(name, W_NAME)
    for code in codes:
        if code.strip():
            terms.add(normalize(code), W_CODE)
    _name_terms(terms, name, primary=True)
    for text in sorted(variants(name)):
        terms.add(text, W_VARIANT)
        _name_terms(terms, text, primary=False)
    terms.factor = 1.0
    for material in materials:
        material = normalize(material)
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


# What a match counts, in tenths of the term's weight: the word or its synonym, its sound, a latin prefix.
EXACT = 10
SOUND = 5
PREFIX = 8
PART = 5


@dataclass(frozen=True)
class Group:
    """One thing the user typed: matched by any of `exact`, by a term sounding the same (`sound`, its pinyin), by a
    term starting with `prefix`, or (latin input) by a term that is the start of what was typed (`parts`: "dbsq"
    typed for 低保申请 finds 低保 when the item says nothing of 申请)."""

    typed: str
    exact: frozenset[str]
    prefix: str = ""
    sound: frozenset[str] = frozenset()
    parts: frozenset[str] = frozenset()
    whole: bool = False  # the whole text typed, matched only as a whole name: a bonus, not a word


def _han_groups(run: str) -> list[str]:
    """The query words of a Chinese run; single characters the segmenter left alone stay together ("低报")."""
    words: list[str] = []
    single = ""
    for word in _jieba().cut(run):
        if len(word) == 1 and word not in STOP_WORDS and _HAN.match(word):
            single += word
            continue
        if single:
            words.append(single)
            single = ""
        if _meaningful(word):
            words.append(word)
    if single:
        words.append(single)
    return words


def _words(text: str) -> list[str]:
    words: list[str] = []
    for run in _WORD.findall(normalize(text)):
        if _HAN.match(run):
            words.extend(_han_groups(run))
        elif run not in STOP_WORDS:
            words.append(run)
    return words


def _han_group(word: str) -> Group:
    exact = {word, *synonyms_of(word)}
    sound = {pinyin_full(word)} if len(word) >= 2 else set()
    if len(word) >= 4 and word not in thesaurus().others:
        # A word the segmenter did not know ("失业金"): its parts, with their synonyms, still match.
        for part in _jieba().cut_for_search(word):
            if len(part) >= 2 and part != word:
                exact.add(part)
                exact.update(synonyms_of(part))
    elif len(word) == 3 and word not in thesaurus().others:
        exact.update(w for w in (word[:2], word[1:]) if w in thesaurus().others)
    return Group(word, frozenset(exact), sound=frozenset(sound))


def parse_query(text: str) -> list[Group]:
    groups: list[Group] = []
    seen: set[str] = set()
    for word in _words(text):
        if word in seen:
            continue
        seen.add(word)
        if _HAN.match(word):
            groups.append(_han_group(word))
        elif len(word) >= PREFIX_MIN:
            parts = frozenset(word[:n] for n in range(PREFIX_MIN, len(word)))
            groups.append(Group(word, frozenset({word}), prefix=word, parts=parts))
        else:
            groups.append(Group(word, frozenset({word})))
    whole = "".join(normalize(text).split())
    if len(groups) > 1 and whole:
        # The whole text, or its sound, as a whole name: "社宝卡挂失" sounds as 社保卡挂失, a variant name.
        sound = pinyin_full(whole) if _HAN.search(whole) else ""
        groups.append(
            Group(
                whole,
                frozenset({whole}),
                prefix=sound if len(sound) >= 6 else "",
                sound=frozenset({sound} if sound else ()),
                whole=True,
            )
        )
    return groups


def idf(documents: int, matching: int) -> float:
    """BM25's inverse document frequency: how much matching a word says, by how few items have it."""
    return math.log(1 + (documents - matching + 0.5) / (matching + 0.5))
