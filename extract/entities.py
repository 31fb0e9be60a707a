"""Entities in an article: places, organizations, people, projects, policies.

`EntityExtractor` is a pipeline component `Article -> Article`: it fills
`article.entities` (`extract.entity_records.Entity`) and `article.projects`
(`extract.entity_records.Project`), and sets each metric's `subject` to the
canonical name of the entity it names.

How names are found (general rules, no article-specific lists):
- places: the national gazetteer (`extract.gazetteer`), full names and short
  forms; towns only under a county the article names; named zones through
  place suffixes (地区, 街道, 科学城, 地块 …);
- projects, organizations, policies: a domain suffix table
  (`extract/data/suffixes.tsv`) whose suffix word is extended to the left over
  name-like tokens of the segmenter; 《…》 titles are policies; a quoted term
  with a suffix is a coined name (“北四村”); a description is not a name
  (全国领先的生命科学研发生产基地, “产教科融汇”发展新模式, 一镇六街道);
- malls named by a city and a brand or proper word, no suffix (广州太古汇, 深圳万象城,
  广州K11, 广州ICC 环贸天地; endings and stop words in `data/brand_cues.tsv`);
- lists closed by 等 and a head noun type their items, suffix or not
  (华夏英泰、可瑞生物等13家企业 → org);
- organizations and regions named without a suffix from `data/known_names.tsv`
  (国家发改委, 万科, 界面新闻, 粤港澳大湾区), at word boundaries; government and party
  bodies after a place (中共广东省委, 深圳市发改委, `data/government_bodies.tsv`), and
  bare ones (市政府) folded into the article's full body;
- people: a surname-initial name the segmenter tags `nr` next to a role word
  (总经理王颖, 负责人张多, 记者 巩静) or a speech verb, before a title (王颖院士),
  in credit lines (撰写丨王颖 李超) and in lists of people (`data/person_cues.tsv`).
Short forms resolve to the full form in the article (清华南口国重基地 →
清华南口国家重点实验室基地, 昌平园 → 中关村昌平园); a named zone in 地区 has
its stem as an alias (回天地区 → 回天), as the gazetteer's towns do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from functools import lru_cache
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import Callable, Iterable, Protocol

from urbandb.extract.entity_records import Entity, Mention
from urbandb.extract.gazetteer import FormMatcher, Gazetteer, Place, load_gazetteer, short_forms
from urbandb.extract.wordlists import word_table

ENTITY_EXTRACTOR_VERSION = "1.6"

Token = tuple[str, str]  # (word, POS)


class Segmenter(Protocol):
    def __call__(self, text: str) -> list[Token]: ...


class RjiebaSegmenter:
    """rjieba word + POS tagging with the domain suffixes as words; built lazily, once."""

    def __init__(self, extra_words: Iterable[str] = ()):
        self._words = list(extra_words)
        self._jieba = None

    def __call__(self, text: str) -> list[Token]:
        if self._jieba is None:
            import rjieba

            jieba = rjieba.Jieba()
            for word in self._words:
                jieba.add_word(word, 100000, "n")
            self._jieba = jieba
        return self._jieba.tag(text)


def read_table(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file under `extract/data/` (comments and blank lines left out)."""
    text = resources.files("urbandb.extract").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [[field.strip() for field in line.split("\t")] for line in text.splitlines() if line.strip() and not line.startswith("#")]


def read_suffixes() -> dict[str, str]:
    """The domain suffix table: suffix -> entity type."""
    text = resources.files("urbandb.extract").joinpath("data/suffixes.tsv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        suffix, kind = line.split("\t")[:2]
        out[suffix.strip()] = kind.strip()
    return out


# Tokens that may be part of a name to the left of its suffix.
NAME_POS = {"n", "t", "q", "k", "h", "zg", "z", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng", "vn", "an", "b", "l", "s", "f", "a", "m", "ng"}
PROPER_POS = {"nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng"}
NAME_TAGS = PROPER_POS - {"j"}  # abbreviations (研发, 央企) are as often common words
# The word lists of the rules below, one kind each; data/name_words.tsv says what each kind is.
NAME_WORDS = word_table("name_words")
STOP_WORDS = set(NAME_WORDS["stop"])
REGISTERED_NAME_WORDS = set(NAME_WORDS["registered_name_word"])
BODY_SUFFIXES = tuple(NAME_WORDS["body_suffix"])
GENERIC_NAMES = set(NAME_WORDS["generic_name"])
ONE_CHAR_SUFFIX_WORDS = set(NAME_WORDS["one_char_suffix_word"])
LEADING_FUNCTION_CHARS = "由在与和及将把对从为向于以据让"
COMMON_NOUNS = set(NAME_WORDS["common_noun"])
DOMAIN_VERBS = set(NAME_WORDS["domain_verb"])
_RETAGGED_WORDS = COMMON_NOUNS | DOMAIN_VERBS  # besides marks, the only tokens `_retag` may change
PERSON_CUES: dict[str, list[str]] = {}
for _word, _cue in read_table("person_cues.tsv"):
    PERSON_CUES.setdefault(_cue, []).append(_word)
PERSON_ROLES = tuple(PERSON_CUES["role"])
SPEECH_VERBS = tuple(PERSON_CUES["speech"])
SURNAMES = set("".join(PERSON_CUES["surnames"]))
_ROLE_BEFORE = re.compile("(?:" + "|".join(sorted(PERSON_ROLES, key=len, reverse=True)) + ")$")
_SPEECH_AFTER = re.compile("|".join(SPEECH_VERBS))
_TITLE_WORDS = FormMatcher(PERSON_CUES["role_after"])  # titles after a name: 某某院士
# A credit line: 记者|王颖, 撰写丨王颖 李超, 作者：王颖 (the names run to the end of the line or the next credit).
_BYLINE = re.compile("(?:" + "|".join(sorted(PERSON_CUES["byline"], key=len, reverse=True)) + r")\s*[丨|｜:：/]\s*")
_CREDIT_MARKS = re.compile(r"[丨|｜:：/]")
# A credit in brackets after a dateline: (记者郭敬丹 史依灵), （记者 张三 通讯员 李四 王五）.
_BRACKET_CREDIT = re.compile(r"[（(]\s*(?=(?:" + "|".join(sorted(PERSON_CUES["byline"], key=len, reverse=True)) + "))")
_BYLINE_WORDS = set(PERSON_CUES["byline"])
_BYLINE_WORD_OR_NAME = re.compile("(?:" + "|".join(sorted(PERSON_CUES["byline"], key=len, reverse=True)) + r")|[\u4e00-\u9fff]{2,3}(?=[\s、，,）)]|(?:" + "|".join(PERSON_CUES["byline"]) + "))")
_BYLINE_NAME = re.compile(r"([\u4e00-\u9fff]{2,3}|[A-Za-z][A-Za-z.]{1,15})(?=[\s、，,；;）)]|$)")
# A name right after a role word, closed by a mark, 等 or a verb of speech or attendance.
_ROLE_WORDS = FormMatcher(PERSON_ROLES)  # one pass over a paragraph finds every role word
_NAME_AFTER_ROLE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?=[、，。；：,;:\s（(等]|" + "|".join(SPEECH_VERBS) + "|出席|参加|主持|到会|一行|在|作)")
_LISTED_NAME_BEFORE = re.compile(r"(?:^|[、，：:\s])([\u4e00-\u9fff]{2,3})、$")
_NOT_IN_NAME = re.compile(r"[在曾如将已也还就都是的了与及等说称为被把对向于从由作]")  # function words end a name
_LISTED_NAME = re.compile(r"、([\u4e00-\u9fff]{2,3}?)(?=[、，。；,;等\s])")
AWARD = re.compile(r"(?:获评|评为|入选|荣获|获批)[^，。；、“”]{0,6}$")
_PHASE_END = re.compile(r"[一二三四五六七八九十\d]+期$")
_PHASE_SECTION_END = re.compile(r"[一二三四五六七八九十\d]+期(?:[\u4e00-\u9fff]{2}段)?$")
_PHASE_AFTER = re.compile(r"(?:[\u4e00-\u9fff]{2,5}?)?(?:[一二三四五六七八九十\d]+期)(?:[\u4e00-\u9fff]{2}段)?")  # 二期, 二期昌平段
_ASIDE_AFTER = re.compile(r"（([^（）]{1,6})）(?:项目)?")
_BRANCH_AFTER = re.compile(r"·[\u4e00-\u9fffA-Za-z0-9]{1,8}(?![\u4e00-\u9fffA-Za-z0-9])|[\u4e00-\u9fff]{2,4}?店")
ROAD_ENDINGS = tuple(NAME_WORDS["road_ending"])  # a street before a house number (某某路500号)
SHOP_SUFFIXES = set(NAME_WORDS["shop_suffix"])
_NOT_IN_PHASE = re.compile(r"[年月日将已于在和与及]")
_SUB_AREA_AFTER = re.compile(r"[一二三四五六七八九十\d]{1,2}区(?![\u4e00-\u9fff])")  # 天通中苑二区
_COUNT = re.compile(r"\d+[项个家处条座批大片类]|^[一二两三四五六七八九十]大|[一二两三四五六七八九十]+[个大片类座条]")
_QUOTED = re.compile(r"“[^”]*”")
_COUNT_BEFORE = re.compile(r"(?<![第号])[0-9０-９一二两三四五六七八九十百千]+[个条项家座处所批片栋]$")
_COUNT_AFTER = re.compile(r"(?:约|共|达|超|近)?[0-9０-９一二两三四五六七八九十百千]+[个项批]")
_QUOTED_WHOLE = re.compile(r"“([^“”]{2,})”(?:项目)?")  # a name quoted whole, 项目 after it or not
_SIZE_BEFORE_SUFFIX = re.compile(r"(?:(?:[\d.]+|[一二两三四五六七八九十百千]+)[万亿]|[万亿]元)(?:元|美元)?(?:级|以上)?$")
_UNIT_COUNTS = re.compile(r"(?:[一二三四五六七八九十两\d]+[\u4e00-\u9fff]{1,2}){2,}")
_NAME_MARK = re.compile(r"[A-Za-z0-9“《]")
_QUOTE_TITLE = re.compile(r"《[^《》\n]{2,40}》")
_RANK_BEFORE = re.compile(r"第[一二三四五六七八九十\d]+$")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


class KnownNames:
    """Organizations a text names without a suffix (data/known_names.tsv): each form found
    where words begin and end, so that 万科 is not read inside another word."""

    def __init__(self, rows: list[list[str]]):
        self.canonical: dict[str, tuple[str, str]] = {}
        for row in rows:
            name, kind = row[0], row[1]
            for form in (name, *(f for f in (row[2].split(",") if len(row) > 2 else ()) if f)):
                self.canonical[form] = (name, kind)
        self._matcher = None

    def spans(self, text: str, cuts: list[int]) -> list[Span]:
        """`cuts`: the offsets where words begin, in order."""
        if self._matcher is None:
            self._matcher = FormMatcher(self.canonical)
        out = []
        for start, end, form in self._matcher.find(text):
            if form.isascii():
                if text[start - 1:start].isascii() and text[start - 1:start].isalnum() or text[end:end + 1].isascii() and text[end:end + 1].isalnum():
                    continue  # part of a longer Latin word
            elif len(form) < 3 and not (_is_cut(cuts, start) and _is_cut(cuts, end)):
                continue
            name, kind = self.canonical[form]
            out.append(Span(start, end, form, kind, canonical=name))
        return out


_HEAD_ROLE = re.compile("副?书记")
NOT_BEFORE_BARE_BODY = set("各全每城都本该")  # 各区政府, 城市委: no one body
BARE_BODY = "bare body"


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _token_index(offsets: list[int], start: int) -> int | None:
    """The index of the token that begins at `start`, if one does."""
    k = bisect_left(offsets, start)
    return k if k < len(offsets) and offsets[k] == start else None


def _token_tag_at(tokens: list[Token], offsets: list[int], start: int) -> str | None:
    k = _token_index(offsets, start)
    return None if k is None else tokens[k][1]


def _token_at(tokens: list[Token], offsets: list[int], start: int, word: str) -> str | None:
    """The tag of the token `word` at `start`, if the text is cut so."""
    k = _token_index(offsets, start)
    return tokens[k][1] if k is not None and tokens[k][0] == word else None


def _is_cut(cuts: list[int], offset: int) -> bool:
    k = bisect_left(cuts, offset)
    return k < len(cuts) and cuts[k] == offset  # Span.role of 市政府, 省委: a body named by its level alone


@dataclass
class Span:
    start: int
    end: int
    text: str
    type: str
    place: Place | None = None
    role: str | None = None
    org: str | None = None
    canonical: str | None = None  # the full name of a known short form (国家发改委 -> 国家发展改革委)
    fuller: str | None = None  # the name with the places the text writes before it (杭州钱塘区临江高科园)
    bare: str | None = None  # a zone's name without the division written at its start (黄埔新溪片区 → 新溪片区)


class EntityExtractor:
    """Configured once (segmenter, gazetteer, suffix table); `__call__(article) -> article`."""

    def __init__(
        self,
        segmenter: Segmenter | None = None,
        gazetteer: Gazetteer | Callable[[], Gazetteer] = load_gazetteer,
        suffixes: dict[str, str] | None = None,
    ):
        self.suffixes = suffixes if suffixes is not None else read_suffixes()
        self.segmenter = segmenter if segmenter is not None else RjiebaSegmenter(self.suffixes)
        self._gazetteer = gazetteer
        # suffixes by their last character, longest first: the longest suffix wins
        self._suffixes_ending: dict[str, list[tuple[str, str]]] = {}
        for suffix, kind in sorted(self.suffixes.items(), key=lambda item: -len(item[0])):
            self._suffixes_ending.setdefault(suffix[-1], []).append((suffix, kind))
        self._suffix_last_chars = set(self._suffixes_ending)
        # the suffix lengths to try by last character, longest first: one dict look-up each
        self._suffix_lengths = {last: sorted({len(suffix) for suffix, _ in found}, reverse=True) for last, found in self._suffixes_ending.items()}
        self._suffix_found = {suffix: (suffix, kind) for suffix, kind in self.suffixes.items()}
        self._glued_verbs: dict[str, bool] = {}
        self.known_names = KnownNames(read_table("known_names.tsv"))
        bodies = read_table("government_bodies.tsv")
        self._bodies_after_place: dict[str, list[str]] = {}  # by first character, longest first
        for body, _ in sorted(bodies, key=lambda row: -len(row[0])):
            self._bodies_after_place.setdefault(body[0], []).append(body)
        self._bare_bodies = re.compile("|".join(sorted((b for b, kind in bodies if kind == "bare"), key=len, reverse=True)))

    @property
    def gazetteer(self) -> Gazetteer:
        if callable(self._gazetteer) and not isinstance(self._gazetteer, Gazetteer):
            self._gazetteer = self._gazetteer()
        return self._gazetteer

    def __call__(self, article):
        from urbandb.extract.projects import describe_projects

        paragraphs = [p for p in article.paragraphs if p.kind != "boilerplate"]
        tagging = self.tag_paragraphs([p.text for p in paragraphs])
        boundaries = {p.seq: dict(zip(tagged[1], tagged[0])) for p, tagged in zip(paragraphs, tagging) if tagged}
        spans_by_seq = find_places(self.gazetteer, [(p.seq, p.text) for p in paragraphs], boundaries)
        for p, tagged in zip(paragraphs, tagging):
            tokens, offsets = tagged or (None, None)
            named = self.named_spans(p.text, spans_by_seq.get(p.seq, []), tokens, offsets)
            spans_by_seq[p.seq] = [s for s in merge_spans(spans_by_seq.get(p.seq, []), named) if s.type != "headline"]
            _name_with_parent(spans_by_seq[p.seq])
        entities = resolve_entities(spans_by_seq)
        article.entities = entities
        article.enclosing_places = enclosing_places(spans_by_seq, entities)
        article.projects = describe_projects(article, entities, spans_by_seq)
        return article

    # --- names from the suffix table and the segmenter ---

    def suffix_type(self, text: str) -> tuple[str, str] | None:
        lengths = self._suffix_lengths.get(text[-1]) if text else None
        for length in lengths or ():
            found = self._suffix_found.get(text[-length:])
            if found is not None:
                return found
        return None

    def tag_paragraphs(self, texts: list[str]) -> list[tuple[list[Token], list[int]] | None]:
        """Every paragraph tagged in one call of the segmenter (a call costs more than its
        text): its tokens and their offsets; None for a paragraph whose tokens do not add
        up to its text."""
        if not texts:
            return []
        tagged = self._retag(self.segmenter("\n".join(texts)))
        breaks = [i for i, (word, _) in enumerate(tagged) if word == "\n"]
        if len(breaks) != len(texts) - 1:
            return [None] * len(texts)
        out: list[tuple[list[Token], list[int]] | None] = []
        for text, first, end in zip(texts, [0] + [b + 1 for b in breaks], breaks + [len(tagged)]):
            tokens = tagged[first:end]
            offsets = list(accumulate([len(word) for word, _ in tokens], initial=0))
            out.append((tokens, offsets[:-1]) if offsets[-1] == len(text) else None)
        return out

    def tokens(self, text: str, places: list[Span], tagged: list[Token] | None = None, offsets: list[int] | None = None) -> tuple[list[Token], list[int]]:
        """The paragraph's tokens with the gazetteer places as one `ns` token each: its
        tagging in context (`offsets`: where each tagged token starts) where every place
        falls on token boundaries, else segmented around the places."""
        places = sorted(places, key=lambda s: s.start)
        if tagged:
            if offsets is None:
                offsets = list(accumulate([len(w) for w, _ in tagged[:-1]], initial=0))
            merged = _overlay_places(tagged, offsets, places)
            if merged is not None:
                return merged
        tokens: list[Token] = []
        offsets = []
        pos = 0
        for place in places:
            if place.start < pos:
                continue
            self._segment(text, pos, place.start, tokens, offsets)
            tokens.append((place.text, "ns"))
            offsets.append(place.start)
            pos = place.end
        self._segment(text, pos, len(text), tokens, offsets)
        return tokens, offsets

    def _segment(self, text: str, start: int, end: int, tokens: list, offsets: list) -> None:
        if start >= end:
            return
        tagged = self._retag(self.segmenter(text[start:end]))
        tokens.extend(tagged)
        offsets.extend(accumulate([len(word) for word, _ in tagged[:-1]], initial=start))

    @staticmethod
    def _retag(tagged: list[Token]) -> list[Token]:
        """DOMAIN_VERBS read as verbs, COMMON_NOUNS as nouns (城中村, 零部件 the dictionary reads as a
        place or a number); a word the dictionary does not know (星煜空天) is a name, not a mark."""
        return [
            token if token[1] != "x" and token[0] not in _RETAGGED_WORDS  # (most tokens, at one look-up)
            else token if token[1] not in ("x", "ns", "mq") and token[0] not in DOMAIN_VERBS or token[1] in ("ns", "mq") and token[0] not in COMMON_NOUNS
            else (token[0], "n") if token[0] in COMMON_NOUNS
            else (token[0], "v") if token[0] in DOMAIN_VERBS else (token[0], "nz") if "\u4e00" <= token[0][0] <= "\u9fff" else token
            for token in tagged
        ]

    def named_spans(self, text: str, places: list[Span] = (), tagged: list[Token] | None = None, offsets: list[int] | None = None) -> list[Span]:
        tokens, offsets = self.tokens(text, list(places), tagged, offsets)
        places_text = {p.text: p for p in places}
        spans: list[Span] = [self._title_span(m.start(), m.end(), m.group()) for m in _QUOTE_TITLE.finditer(text)]
        orgs_ending: dict[int, list[Span]] = {}  # org spans by end offset: a project's owner is looked up near it

        def add(span: Span) -> None:
            spans.append(span)
            if span.type == "org":
                orgs_ending.setdefault(span.end, []).append(span)

        last_chars = self._suffix_last_chars
        may_end_suffix = [i for i, (word, _) in enumerate(tokens) if word[-1] in last_chars]  # most tokens end no suffix
        for i in [i for i in may_end_suffix if tokens[i][1] == "nt"]:  # (an org's suffix ends the word)
            word = tokens[i][0]
            if len(word) >= 3 and word not in GENERIC_NAMES and (self.suffix_type(word) or ("", ""))[1] == "org":
                add(Span(offsets[i], offsets[i] + len(word), word, "org"))
        for span in self.known_names.spans(text, [*offsets, len(text)]):
            add(span)
        for span in self.government_bodies(text, places):
            add(span)
        for found in _SOURCE.finditer(text):
            name = found.group(1).strip("“”")
            if name and name[0] not in "其该此这本各" and not _NOT_IN_NAME.search(name) and not self.suffix_type(name) and name not in GENERIC_NAMES and not name.startswith(GENERIC_PREFIXES):
                start = found.start(1) + found.group(1).index(name)
                add(Span(start, start + len(name), name, "org"))
        agency = _DATELINE_AGENCY.match(text)
        if agency and not self.known_names.canonical.get(agency.group(1)):
            add(Span(agency.start(1), agency.end(1), agency.group(1), "org"))
        if "店" in text or "牌" in text:
            for span in brand_spans(text, tokens, offsets):
                add(span)
        for span in mall_spans(text, tokens, offsets, places_text):
            add(span)
        if "地块" in text or "宗地" in text:
            for span in parcel_code_spans(text):
                add(span)
        for i in may_end_suffix:
            word, tag = tokens[i]
            end = offsets[i] + len(word)
            found = self.suffix_type(text[max(0, end - 8):end])
            if found is None or word in places_text and found[1] != "place":  # a gazetteer place is no project
                continue
            suffix, kind = found
            if kind == "policy" and i + 1 < len(tokens) and tokens[i + 1][1] in ("n", "vn", "nz", "v") and len(tokens[i + 1][0]) >= 2 \
                    and tokens[i + 1][0] not in DOCUMENT_VERBS:
                continue  # 规划占地面积: a modifier, not a plan's name
            if kind == "policy" and len(suffix) <= 2 and i + 1 < len(tokens) and (tokens[i + 1][1] in ("t", "m", "d", "p") or tokens[i + 1][0] in ("于", "在", "将")):
                continue  # 计划明年投用, 计划于…: the verb, not a plan's name (行动计划 is never one)
            if kind == "policy" and len(suffix) <= 2 and i + 2 < len(tokens) and tokens[i + 1][0] == "、" and tokens[i + 2][1] in ("v", "vn"):
                continue  # 示范区规划、建设、治理: one of a list of acts, not a plan's name
            if len(suffix) == 1 and (word in ONE_CHAR_SUFFIX_WORDS or len(word) > 3):
                continue
            if len(suffix) == 1 and i + 1 < len(tokens) and tokens[i + 1][0] in self.suffixes:
                continue  # 昌艺园社区: the name goes on
            head = i
            while head > 0 and offsets[head] > end - len(suffix):
                head -= 1
            # absorb 二期/三期 and a section (昌平段) after the name
            tail = _PHASE_AFTER.match(text, end)
            if tail and _NOT_IN_PHASE.search(tail.group()):
                tail = None
            if kind == "place":
                tail = _SUB_AREA_AFTER.match(text, end)  # 天通中苑二区
                end = tail.end() if tail else end
                tail = None
            aside = _ASIDE_AFTER.match(text, end) if kind == "project" else None
            if aside and (aside.group(1) in places_text or self.gazetteer.by_form.get(aside.group(1)) or _PHASE_END.fullmatch(aside.group(1))
                          or _token_at(tokens, offsets, aside.start(1), aside.group(1)) == "ns"):
                end = aside.end()  # 某某工业园（深汕）项目, 某某天地（二期）: a place or phase in brackets is part of the name
            if kind == "project" and not tail:
                branch = _BRANCH_AFTER.match(text, end)  # 某某广场·云尚, 某某百货花地湾店
                if branch and (branch.group()[0] == "·" or suffix in SHOP_SUFFIXES and (
                        not _CJK.match(text, branch.end()) or _token_tag_at(tokens, offsets, end) in PROPER_POS)):
                    end = branch.end()
            if tail and kind in ("project", "org"):
                if kind == "org":
                    org_start = offsets[self._extend_left(tokens, head)]
                    add(Span(org_start, end, text[org_start:end], "org"))
                end = tail.end()
                kind = "project"
            start_index = self._extend_left(tokens, head, allow_verbs=(kind == "policy"), project=(kind == "project"), landmark_named=suffix in LANDMARK_NAMED, kind=kind,
                                            works=suffix in WORKS_SUFFIXES,
                                            adjacent=text[offsets[head]:end] == suffix and (kind != "place" or suffix == "地区" or suffix in PARCEL_SUFFIXES),
                                            legal=suffix.endswith("有限公司") or suffix.endswith("有限责任公司"))
            name_start = offsets[start_index]  # an owner org holds the name's start and ends within the name
            owner = next((s for e in range(name_start, end + 1) for s in orgs_ending.get(e, ()) if s.start < name_start), None) if orgs_ending else None
            if kind == "project" and owner is not None and owner.start in offsets and tokens[start_index][1] != "v":  # (X公司|签署项目: an act)
                start_index = bisect_left(offsets, owner.start)  # 中西医结合医院住院楼: a building of the hospital
            while start_index < head and (_strippable(tokens[start_index], places_text) or kind == "place" and self._glued_verb(tokens[start_index])) \
                    and not (suffix == "地区" and start_index == head - 1 and tokens[start_index][1] in ("v", "vn") and len(tokens[start_index][0]) == 2):
                start_index += 1
            start = offsets[start_index]
            name = text[start:end]
            while name and name[0] in LEADING_FUNCTION_CHARS and len(name) > 3:
                name, start = name[1:], start + 1
            name, start, end = _balance_quotes(name, start, end)
            cut = next((s for s in reversed(spans[-RECENT_SPANS:]) if s.start < start < s.end <= end and s.type == "place"), None)
            if cut is not None and (k := _token_index(offsets, cut.start)) is not None:
                start, start_index, name = cut.start, k, text[cut.start:end]  # 回天|地区三年行动计划: a name does not start inside a zone's
            opener = next((w for w in LEADING_WORDS if name.startswith(w) and len(name) - len(w) >= 4), None) if name.startswith(LEADING_WORDS) else None
            if opener:  # 推进|机荷高速公路…: an opener the segmenter glued to the name
                name, start = name[len(opener):], start + len(opener)
            if kind == "project" and (_COUNT_BEFORE.search(text, max(0, start - 8), start) or name.endswith("项目") and _COUNT_AFTER.match(text, end)
                                     and text[start - 1:start] not in "、和及与"):
                continue  # 6条|PPP道路项目, 12个|城市更新项目, 国内500强项目|4个 (not A项目、B项目2项): what a count counts is a kind, not one project
            k = start_index
            fuller = None
            while k < head and tokens[k][0] in places_text and places_text[tokens[k][0]].place is not None \
                    and (tokens[k][0] == places_text[tokens[k][0]].place.name or kind == "project" and tokens[k + 1][0] in places_text) \
                    and (places_text[tokens[k][0]].place.level != "town" or suffix in ADMIN_SUFFIXES):
                k += 1
            if k > start_index:
                rest = text[offsets[k]:end]
                if kind in ("place", "project") and is_specific(rest, suffix, tokens[k:head]):
                    fuller = name if kind == "project" else None  # 杭州钱塘区临江高科园 is a form of 临江高科园
                    name, start, start_index = rest, offsets[k], k
                elif not is_specific(rest, suffix, tokens[k:head]) and not (kind == "policy" and rest == suffix and len(suffix) >= 4) \
                        and not (kind == "org" and suffix.endswith(BODY_SUFFIXES)):
                    continue  # (深圳市政府工作报告: a place's own document is named by the place; 昌平区城市管理委员会 is a body of it)
            verb_named_zone = suffix == "地区" and head - start_index == 1 and tokens[start_index][1] == "v" \
                and name == tokens[start_index][0] + suffix  # 回天地区: a name the dictionary reads as a verb
            quoted = text[start - 1:start] == "“" and text[end:end + 1] == "”" and _quoted_name(name, suffix)
            if name.startswith(GENERIC_PREFIXES):
                continue
            if not (verb_named_zone or quoted) and not is_specific(name, suffix, tokens[start_index:head]):
                continue
            generic_end = next((g for g in LONG_GENERIC_NAMES if name.endswith(g) and len(name) > len(g)), None) \
                if name.endswith(LONG_GENERIC_TUPLE) else None
            if generic_end and not quoted and not _has_proper(tokens[start_index:bisect_left(offsets, end - len(generic_end))], name, places_text, NAME_TAGS) \
                    and not any(s.type == "place" and s.start == start and s.end == end - len(generic_end) for s in spans[-RECENT_SPANS:]):
                continue  # 超额完成|老旧小区: common words before a generic phrase make no name (a zone named there does: 水井坊片区|城市更新项目)
            if kind == "place" and suffix in PART_SUFFIXES and (head - start_index == 1 and tokens[start_index][0] in places_text
                                                               or (self.suffix_type(name[:-len(suffix)]) or ("", ""))[1] == "place"):
                continue  # 广州中心区, 新城东区中心区: a part of a place, not a zone of its own
            if kind == "place" and _RANK_BEFORE.search(name[:-len(suffix)]):
                continue  # 华南第一商圈: a rank, not a zone's name
            if kind == "place" and "“" in name and not quoted:
                continue  # 全省“一主引领、两翼驱动”区域: a slogan, not a zone
            if kind == "policy" and suffix in ("规划", "计划") and all(w in places_text for w, _ in tokens[start_index:head]):
                continue  # 某某村规划, 榆林计划实施…: a place's planning, or a place that plans, no named plan
            if kind == "place" and head > start_index and tokens[head - 1][0] in AREA_PARTS and suffix not in DESIGNATED_ZONES:
                continue  # 三期核心区域, 新城东区中心区域: a part of a place named before
            if suffix in STRICT_SUFFIXES and not verb_named_zone and not _has_proper(tokens[start_index:head], name, places_text):
                continue
            if kind == "project" and name.endswith("项目") and self.suffix_type(name[:-2]) and len(name) >= 6:
                add(Span(start, end, name, kind, role="项目"))  # marks a 项目-suffixed variant
                continue
            if AWARD.search(text[max(0, start - 10):start]) and kind != "policy":
                continue  # 获评…“两业融合”示范园: a title awarded, not a project
            if not _quote_closes_before_suffix(name, suffix):
                continue  # “产教科融汇”发展新模式: a description around a quoted slogan
            if text[start - 1:start] == "的" and (not _has_proper(tokens[start_index:head], name, places_text, NAME_TAGS)
                                                 or tokens[start_index][0] in DESCRIPTORS):
                continue  # 全国领先的生命科学研发生产基地, 打造的大型…综合体: a description, not a name
            if kind == "place" and suffix in PARCEL_SUFFIXES and _dealt_in(text, start, end):
                kind = "project"  # 某某地块楼面价…竞得: a parcel sold for building, not a place
            add(Span(start, end, name, kind, canonical=None, fuller=fuller))
        spans = listed_spans(text, tokens, offsets, spans, self.suffix_type)
        people = person_spans(text, tokens, offsets, spans)
        if people:  # 市长某某作招商项目: a clause about a person, not a name
            by_start = sorted(people, key=lambda p: p.start)
            spans = [s for s in spans if not (s.type in ("project", "policy") and _holds_any(by_start, s))]
        return spans + people

    def _glued_verb(self, token: Token) -> bool:
        """A two-character word the segmenter read as a noun whose characters are an adverb and
        a verb (均|居 of 均居平原新城首位): a clause before a zone, no part of its name."""
        word, tag = token
        if len(word) != 2 or tag not in ("n", "nz"):
            return False
        if word not in self._glued_verbs:
            self._glued_verbs[word] = [t for char in word for _, t in self.segmenter(char)] == ["d", "v"]
        return self._glued_verbs[word]

    def _title_span(self, start: int, end: int, title: str) -> Span:
        """《…》 names a document (a policy), or a newspaper when its name ends as one (《浙江日报》)."""
        inner = title[1:-1].strip()
        if _HEADLINE.search(inner):
            return Span(start, end, title, "headline")  # 《…，…》: an article's headline, no entity
        if (self.suffix_type(inner) or ("", ""))[1] == "org" or self.known_names.canonical.get(inner, ("", ""))[1] == "org":
            return Span(start, end, title, "org", canonical=inner)
        return Span(start, end, title, "policy")

    def government_bodies(self, text: str, places: list[Span]) -> list[Span]:
        """A body named after a place (广东省自然资源厅, 中共黄石市委, 坪山区委宣传部), and a
        bare body (市政府, 省委) that `resolve_entities` folds into the article's full one."""
        out = []
        for place in places:
            body = next((b for b in self._bodies_after_place.get(text[place.end:place.end + 1], ()) if text.startswith(b, place.end)), None)
            if body is None or _HEAD_ROLE.match(text, place.end + len(body)):
                continue  # 阳新县委书记: a role of the place, not the body (as 区长)
            start = place.start - 2 if text[max(0, place.start - 2):place.start] == "中共" else place.start
            out.append(Span(start, place.end + len(body), text[start:place.end + len(body)], "org"))
        for found in self._bare_bodies.finditer(text):
            if text[found.start() - 1:found.start()] in NOT_BEFORE_BARE_BODY or _HEAD_ROLE.match(text, found.end()):
                continue
            out.append(Span(found.start(), found.end(), found.group(), "org", role=BARE_BODY))
        return out

    def _extend_left(self, tokens: list[Token], i: int, allow_verbs: bool = False, project: bool = False, adjacent: bool = True,
                     landmark_named: bool = False, kind: str | None = None, legal: bool = False, works: bool = False) -> int:
        """Index of the first token of the name whose suffix ends token `i`. `adjacent`: verbs
        right before the suffix may belong to the name (改造提升工程). `legal`: a company's
        registered name (…有限公司), which may hold coined words and its seat in brackets.
        `works`: works on a facility, whose name holds the facility's (某某博物馆布展工程)."""
        j, chars = i, len(tokens[i][0])
        verbs_crossed = acts_crossed = False
        while j > 0:
            word, tag = tokens[j - 1]
            if word == "”":  # a quoted part of the name: “3个100”重点工程
                k = j - 2
                while k >= 0 and tokens[k][0] != "“" and j - k < 10:
                    k -= 1
                if k < 0 or tokens[k][0] != "“":
                    break
                chars += sum(len(w) for w, _ in tokens[k:j])
                j = k
                allow_verbs = adjacent = False  # 采用“政府主导+国企参与”模式: the verb is not part of the name
                continue
            if (legal or project) and word in (")", "）") and j >= 3 and tokens[j - 2][1] == "ns" and tokens[j - 3][0] in ("(", "（"):
                chars += sum(len(w) for w, _ in tokens[j - 3:j])
                j -= 3
                continue  # 天顺风能(苏州)股份有限公司, 深圳北(龙华)商务中心: the seat or district in brackets
            if project and word in (")", "）") and (k := _section_opening(tokens, j - 1)) is not None:
                chars += sum(len(w) for w, _ in tokens[k:j])
                j = k
                continue  # 桂月路（樟阁路-桂花路）拓宽改造工程, 滨江路（南湖段）改造工程: the section in brackets
            if word in NAME_DASHES and j >= 2 and tokens[j - 2][1] in _JOINED_NAME_TAGS and tokens[j - 2][0] not in STOP_WORDS \
                    and not (kind is not None and (self.suffix_type(tokens[j - 2][0]) or ("", ""))[1] == kind):
                chars += len(word)
                j -= 1
                continue  # 罗田水库-铁岗水库输水隧洞工程, 笋岗-清水河片区: two names joined (not two of a kind: A水库-B水库)
            if tag == "x" or word in STOP_WORDS and not (adjacent and tag == "v" and _verbs_follow_name(tokens, j - 1)) \
                    and not (legal and word in REGISTERED_NAME_WORDS):
                break
            is_verb = tag in ("v", "vd", "vn") and len(word) == 2
            verbs_crossed = verbs_crossed or (is_verb and adjacent)
            acts_crossed = acts_crossed or (tag == "v" and adjacent)
            if tag not in NAME_POS and not ((allow_verbs or adjacent) and is_verb) and not (legal and tag == "vg") \
                    and not (legal and tag == "v" and j >= 2 and tokens[j - 2][1] == "ns"):  # 安徽|协合|新材料有限公司: a brand after the seat
                break  # (伟嘉晶创光电科技有限公司: a coined word the dictionary reads as a verb morpheme)
            adjacent = adjacent and is_verb and tag == "v"
            if word == "号" and j >= 3 and tokens[j - 2][0].isdigit() and tokens[j - 3][0].endswith(ROAD_ENDINGS):
                chars += len(word) + len(tokens[j - 2][0])
                j -= 2
                continue  # 威海路500号城市更新项目: a street address names the project
            if tag == "m" and not _NUMBER_IN_NAME.search(word):
                break
            if tag in ("m", "t") and _DATE_WORD.search(word):
                break  # a date is not part of a name
            if chars + len(word) > 24:
                break
            if acts_crossed and len(word) >= 2 and (self.suffix_type(word) or ("", ""))[1] == "org":
                break  # 某某有限公司|签署项目: the company acts, the verb is no part of a name
            before = self.suffix_type(word) if project and not verbs_crossed and len(word) >= 2 and tag != "ns" else None
            if before and before[1] == "project" and not (landmark_named and before[0] not in LINE_SUFFIXES) \
                    and not (works and before[0] in FACILITY_WORKED_ON):
                break  # 地铁5号线|天通苑站: another project's name ends here
            chars += len(word)
            j -= 1
            if before and before[1] == "project" and word.endswith(before[0]):
                adjacent = True  # 某某创新大楼|更新单元: the inner name may have verbs before its own suffix
            if word[0] in LEADING_FUNCTION_CHARS and tag == "nr":
                break  # 由昌 of 由昌发展集团: a function word glued to the name
        return j


SOURCE_CUES: dict[str, list[str]] = {}
for _word, _cue in read_table("source_cues.tsv"):
    SOURCE_CUES.setdefault(_cue, []).append(_word)
# 据赢某智库统计, 公众号“某某”: 2 to 10 letters of a name (no space, mark or digit-led count) between the cues
_SOURCE = re.compile("(?:" + "|".join(map(re.escape, SOURCE_CUES["before"])) + r")(“?[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,9}?”?)"
                     "(?=" + "|".join(sorted(SOURCE_CUES["after"], key=len, reverse=True)) + "|”)")
# The agency that opens a dateline: 新华网上海8月17日电, 中新社北京3月5日电.
_DATELINE_AGENCY = re.compile(r"\s*([\u4e00-\u9fffA-Za-z]{2,8}?(?:社|网|报|台))(?:[\u4e00-\u9fff]{2,4})?\d{1,2}月\d{1,2}日(?:电|讯)")
BRAND_CUES: dict[str, set[str]] = {}
for _word, _cue in read_table("brand_cues.tsv"):
    BRAND_CUES.setdefault(_cue, set()).add(_word)
_SHOP_TAIL = re.compile("(?:" + "|".join(sorted(BRAND_CUES["scope"])) + r"|[\u4e00-\u9fff]{2})?(?:" + "|".join(sorted(BRAND_CUES["store"])) + ")$")
_BRAND_TAGS = {"eng", "nr", "nrt", "nrfg", "nz"}  # a brand is a word the dictionary does not know as a common one
_BRAND_BREAK = set("、，。；：,;:！!？?（()）“”《》<>")


def brand_spans(text: str, tokens: list[Token], offsets: list[int]) -> list[Span]:
    """Brands named by their shop (谢谢锅全国首店, LeTAO广州首店, 引入GUCCI限时店) or after
    the word brand (运动品牌迪桑特)."""
    out = []
    for i, (word, tag) in enumerate(tokens):
        if word in BRAND_CUES["store"] or word.endswith("店") and word[-3:] in BRAND_CUES["store"]:
            j = i - 1
            while j >= 0 and i - j <= 2 and (tokens[j][0] in BRAND_CUES["scope"] or tokens[j][1] == "ns"):
                j -= 1  # 华南首店, 广州首家精品店
            k = j
            while k >= 0 and i - k <= 8 and (tokens[k][0] not in _BRAND_BREAK or tokens[k][0] in "’'" and k > 0 and tokens[k - 1][1] == "eng") and tokens[k][1] not in ("v", "p", "c", "uj", "u", "d", "m") \
                    and tokens[k][0] not in STOP_WORDS and not tokens[k][0].endswith(tuple(BRAND_CUES["brand"])):
                k -= 1
            first, last = k + 1, j
        elif word.endswith(tuple(BRAND_CUES["brand"])) and i + 1 < len(tokens):
            first = last = i + 1
            while last + 1 < len(tokens) and tokens[last + 1][1] == "eng" or last + 2 < len(tokens) and tokens[last + 1][0] == " " and tokens[last + 2][1] == "eng":
                last += 1
            if last + 1 < len(tokens) and tokens[last + 1][0] not in _BRAND_BREAK and tokens[last + 1][0] not in ("等", "亦", "也"):
                continue  # the brand's name must end there
        else:
            continue
        if first > last or not any(t in _BRAND_TAGS for _, t in tokens[first:last + 1]):
            continue
        while first <= last and tokens[first][0].strip() == "":
            first += 1
        start, end = offsets[first], offsets[last] + len(tokens[last][0])
        if 2 <= end - start <= 24 and not _COUNT.search(text[start:end]):
            out.append(Span(start, end, text[start:end], "org"))
    return out


MALL_ENDINGS = tuple(sorted(BRAND_CUES["mall"], key=len, reverse=True))
_NAME_AFTER_CITY_TAGS = PROPER_POS | {"n"}


def mall_spans(text: str, tokens: list[Token], offsets: list[int], places: dict) -> list[Span]:
    """A mall named by its city and a brand or a proper word (广州太古汇, 深圳万象城, 广州天河城,
    广州K11, 广州ICC 环贸天地): no suffix says so, the city before and the ending after do."""
    out = []
    cities = {word for word, span in places.items() if span.place is not None and span.place.level == "city"}
    if not cities:
        return out
    for i in [i for i, (word, tag) in enumerate(tokens[:-1]) if tag == "ns" and word in cities]:
        j, (name, name_tag) = i + 1, tokens[i + 1]
        if name_tag == "eng" and name not in BRAND_CUES["not_brand"]:
            while j + 2 < len(tokens) and tokens[j + 1][0] == " " and tokens[j + 2][1] == "eng":
                j += 2  # 天环Parc Central
            k = j + 1 + (j + 1 < len(tokens) and tokens[j + 1][0] == " ")
            tail = "".join(w for w, _ in tokens[k:k + 2])
            if k + 1 < len(tokens) and tail.endswith(MALL_ENDINGS) and len(tail) <= 5 and _CJK.match(tail):
                j = k + 1  # ICC 环贸天地: a Latin name and a Chinese one
            elif j + 1 < len(tokens) and (tokens[j + 1][1] in NAME_POS - {"vn", "v"} and _CJK.match(tokens[j + 1][0])):
                continue  # 深圳AI产业: the Latin word modifies a noun, no mall
        elif name_tag in _NAME_AFTER_CITY_TAGS and _CJK.match(name):
            if len(name) == 2 and name_tag in PROPER_POS and j + 1 < len(tokens) and tokens[j + 1][1] == "eng":
                j += 1  # 天环Parc Central
                while j + 2 < len(tokens) and tokens[j + 1][0] == " " and tokens[j + 2][1] == "eng":
                    j += 2
            elif name in places:
                if not (len(name) == 2 and j + 1 < len(tokens) and tokens[j + 1][0] in MALL_ENDINGS):
                    continue
                j += 1  # 天河|城: a mall named after its district
            elif len(name) >= 3 and name.endswith(MALL_ENDINGS) and name_tag != "n":
                pass  # 天河城: one word
            elif len(name) == 2 and j + 1 < len(tokens) and tokens[j + 1][0] in MALL_ENDINGS:
                j += 1  # 太古|汇, 万象|城
            else:
                continue
            if any(tokens[j][0].endswith(w) or (name + tokens[j][0]).endswith(w) for w in BRAND_CUES["not_mall"]):
                continue
            if j + 1 < len(tokens) and tokens[j + 1][1] in ("n", "ng", "vn") and len(tokens[j + 1][0]) == 1:
                continue  # 广州万象城市: the ending starts another word
        else:
            continue
        start, end = offsets[i], offsets[j] + len(tokens[j][0])
        if text[end:end + 1] and text[end:end + 1] in "!&'’-+•·":
            continue  # ycc!天宜: the name goes on past what the words show
        out.append(Span(start, end, text[start:end], "project"))
    return out


def _quoted_name(name: str, suffix: str) -> bool:
    """A quoted term with a suffix is a coined name (“北四村”, “能源谷”), unless it counts
    (“三大厂”, “两谷一园”) or only describes (“里子工程”)."""
    prefix = name[: -len(suffix)]
    return bool(prefix) and name not in GENERIC_NAMES and prefix not in DESCRIPTORS and name[0] not in "一二两三四五六七八九十百千0123456789"


def _overlay_places(tokens: list[Token], offsets: list[int], places: list[Span]) -> tuple[list[Token], list[int]] | None:
    """`tokens` with the tokens each place covers replaced by the place, or None when a
    place starts or ends inside a token."""
    if not places:
        return tokens, offsets
    out_tokens: list[Token] = []
    out_offsets: list[int] = []
    i = 0
    for place in places:
        first = _token_index(offsets, place.start)
        last = bisect_left(offsets, place.end) - 1  # the token that ends the place, if one does
        if first is None or first < i or offsets[last] + len(tokens[last][0]) != place.end:
            return None
        out_tokens += tokens[i:first]
        out_offsets += offsets[i:first]
        out_tokens.append((place.text, "ns"))
        out_offsets.append(place.start)
        i = last + 1
    return out_tokens + tokens[i:], out_offsets + offsets[i:]


def _verbs_follow_name(tokens: list[Token], k: int) -> bool:
    """The run of verbs ending at token `k` follows a name-like noun (昌平文化馆|改造提升), or a
    section in brackets after one (滨江路（南湖段）|改造)."""
    while k >= 0 and tokens[k][1] == "v":
        k -= 1
    if k >= 0 and _section_opening(tokens, k) is not None:
        return True
    return k >= 0 and tokens[k][1] in PROPER_POS | {"n", "zg"} and tokens[k][0] not in STOP_WORDS


def _section_opening(tokens: list[Token], close: int) -> int | None:
    """Where the brackets closed at token `close` open, when they hold a route's section
    (（樟阁路-桂花路）, （南湖段）) or a named part (（牛湖水）) right after a name; else None."""
    if tokens[close][0] not in (")", "）"):
        return None
    k = close - 1
    while k >= 0 and tokens[k][0] not in ("(", "（") and close - k < 12:
        k -= 1
    if k < 1 or tokens[k][0] not in ("(", "（"):
        return None
    inside = "".join(w for w, _ in tokens[k + 1:close])
    section = 0 < len(inside) <= 20 and (any(d in inside for d in NAME_DASHES) or inside.endswith("段"))
    # 观澜河流域（牛湖水）综合整治工程: a part of the place named, itself a name
    part = _CJK_NAME.fullmatch(inside) is not None and all(t in _PART_NAME_TAGS for _, t in tokens[k + 1:close])
    if (section or part) and tokens[k - 1][1] in NAME_POS and tokens[k - 1][0] not in STOP_WORDS:
        return k
    return None


_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,8}")
_JOINED_NAME_TAGS = PROPER_POS | {"n", "nz", "ns", "ng"}  # a name before a dash that joins two
_NUMBER_IN_NAME = re.compile(r"[0-9A-Za-z一二三四五六七八九十百]")
_DATE_WORD = re.compile(r"\d{4}|[年月日底]")
_PART_NAME_TAGS = {"n", "ns", "nz", "nr", "nt", "j"}


# A list closed by 等 and a head noun says what its items are: 华夏英泰、可瑞生物等13家企业 (org),
# 中关村生命科学园三期、国际生物工程创新中心等3个重大项目 (project).
LIST_HEADS = {row[0]: row[1] for row in read_table("list_heads.tsv")}
# What an item with no suffix is in a list of this type of head (a bare name among projects is a company).
BARE_ITEMS = {row[0]: row[2] for row in read_table("list_heads.tsv") if len(row) > 2}
# Organizations by suffix that are buildings when listed among projects (第二儿童医院等项目).
FACILITY_SUFFIXES = tuple(NAME_WORDS["facility_suffix"])
_LIST_ITEM_STOP_TAGS = {"v", "vn", "vd", "p", "c", "d", "ad", "u", "uj", "ul", "x", "r", "f", "m", "q"}
_LIST_ITEM = re.compile(r"[\u4e00-\u9fffA-Za-z0-9“”]{3,20}")


def _list_head(tokens: list[Token], i: int) -> str | None:
    """What the words after 等 at token `i` say the items are: the head noun of `LIST_HEADS`
    (等13家企业, 等3个重大项目), "" for a bare count (等13项), None when no list closes here."""
    rest = tokens[i + 1:i + 6]
    k = 0
    if k < len(rest) and rest[k][1] == "m":
        k += 1
        if k < len(rest) and (rest[k][1] == "q" or rest[k][0] in ("项", "家", "个", "所", "座", "条")):
            k += 1
    counted = k > 0
    for word, tag in rest[k:k + 3]:
        if word in FIELD_WORDS:
            return FIELDS  # 电子信息、信息安全工程等产业: the items are fields, not names
        if word.startswith(FIELD_WORDS):
            return None  # 新能源、人工智能等领域企业: fields too, whatever the head noun after them
        head = next((h for h in LIST_HEADS if word.endswith(h)), None)
        if head is not None:
            return head
        if tag in ("x", "m", "uj", "c", "p") or word in STOP_WORDS:
            break
    return "" if counted else None


def _first_list_item(text: str, tokens: list[Token], offsets: list[int], end_index: int, spans: list[Span]) -> int | None:
    """Start offset of a list's first item, which ends before token `end_index`: a name found
    already that ends there, else the name-like tokens back to a verb, function word or mark."""
    end = offsets[end_index]
    found = [s for s in spans if s.end == end]
    if found:
        return min(s.start for s in found)
    j = end_index
    while j > 0 and tokens[j - 1][1] not in _LIST_ITEM_STOP_TAGS and tokens[j - 1][0] not in STOP_WORDS:
        j -= 1
    return offsets[j] if j < end_index else None


# Words after 等 that make the list one of fields or sectors.
FIELD_WORDS = tuple(NAME_WORDS["field_word"])
FIELDS = "fields"  # what `_list_head` says of a list of fields (电子信息、信息安全工程等产业)


def _common_words_only(tokens: list[Token], offsets: list[int], start: int, end: int, descriptors_only: bool = False) -> bool:
    """The item is one common noun of the dictionary, or only descriptive words."""
    words = _tokens_within(tokens, offsets, start, end)
    if descriptors_only and len(words) > 2:
        return False  # several words before a suffix make a name as often as not (国际生物工程创新中心)
    if not descriptors_only and len(words) == 1 and words[0][1] in ("n", "vn", "l", "an"):
        return True
    return all(word in DESCRIPTORS for word, _ in words)


LIST_INNER_MARKS = {"、", "“", "”", "·", "（", "）", "-", "—"}  # marks inside a list and its names


def _starts_with_place(tokens: list[Token], offsets: list[int], start: int, end: int) -> bool:
    k = bisect_left(offsets, start)
    return k < len(offsets) and offsets[k] == start and tokens[k][1] == "ns" and start + len(tokens[k][0]) < end


def listed_spans(text: str, tokens: list[Token], offsets: list[int], spans: list[Span], suffix_type) -> list[Span]:
    """Typed items of lists closed by 等 and a head noun; they replace the spans they cut across.

    Spans are kept in start order and each list looks only at those near it (a span is
    at most `longest` characters long), so a paragraph of many lists stays linear."""
    if "等" not in text:
        return spans
    spans = sorted(spans, key=lambda s: s.start)
    starts = [s.start for s in spans]
    longest = max((s.end - s.start for s in spans), default=0)
    for i, (word, _) in enumerate(tokens):
        if word != "等" or i == 0:
            continue
        head = _list_head(tokens, i)
        if head is None:
            continue
        if head == FIELDS:
            _drop_listed_fields(text, tokens, offsets, i, spans, starts)
            continue
        head_type = LIST_HEADS.get(head, "")
        separators = []
        j = i - 1
        while j >= 0 and (tokens[j][0] in LIST_INNER_MARKS or tokens[j][1] != "x") and offsets[i] - offsets[j] <= 120:
            if tokens[j][0] in ("、", "和", "及", "与", "以及") and (tokens[j][0] == "、" or separators or j > 0 and tokens[j - 1][1] != "x"):
                separators.append(j)
            j -= 1
        bounds = []
        end = offsets[i]
        for sep in separators:
            bounds.append((offsets[sep] + len(tokens[sep][0]), end))
            end = offsets[sep]
        first_end_index = separators[-1] if separators else i
        near_end = spans[bisect_left(starts, offsets[first_end_index] - longest):bisect_left(starts, offsets[first_end_index])]
        first_start = _first_list_item(text, tokens, offsets, first_end_index, near_end)
        if first_start is not None:
            bounds.append((first_start, end))
        lo, hi = bisect_left(starts, min(b[0] for b in bounds) - longest) if bounds else 0, bisect_left(starts, offsets[i])
        local = spans[lo:hi]
        for start, end in bounds:
            shop = _SHOP_TAIL.search(text, start, end)
            end = shop.start() if shop and shop.start() > start else end  # 某某华南首店: the brand
            item = text[start:end]
            if text[start - 1:start].isdigit():
                continue  # 某某12|英寸线: the item was cut after a number
            if not _LIST_ITEM.fullmatch(item) or item in GENERIC_NAMES or item.startswith(GENERIC_PREFIXES):
                continue
            same = next((s for s in local if s.start == start and s.end == end), None)
            if same is not None and head_type == "project" and same.type == "org" and item.endswith(FACILITY_SUFFIXES):
                same.type = "project"  # 第二儿童医院等项目: the hospital being built
            if same is not None or any(s.place is not None and s.start <= start and end <= s.end for s in local):
                continue
            found = suffix_type(_PHASE_END.sub("", item)) or (("期", "project") if _PHASE_END.search(item) else None)
            if not found and _common_words_only(tokens, offsets, start, end):
                continue  # 新能源、生物医药等企业: common nouns name a kind of firm, not one
            if found and end - start > len(found[0]) and _common_words_only(tokens, offsets, start, end - len(found[0]), descriptors_only=True):
                continue  # 城际铁路工程: descriptors before a suffix name a kind of project
            if found and found[0] in STRICT_SUFFIXES and not _has_proper(_tokens_within(tokens, offsets, start, end - len(found[0])), item, {}):
                continue  # 成片开发项目、危旧小区改造项目等: common words before 项目 name a kind of project
            # A project's name carries its kind (园, 中心, 基地 …); a bare name in a list of
            # projects (落地星煜空天等11个成果转化项目) is the company that brings one.
            kind = found[1] if found else BARE_ITEMS.get(head, head_type)
            if head_type == "project" and (kind == "org" and item.endswith(FACILITY_SUFFIXES) or not found and _starts_with_place(tokens, offsets, start, end)):
                kind = "project"  # 第二儿童医院, 龙华某某星河: a building, a project named by its place
            if not found and kind == "org" and head_type == "project" and not _has_proper(_tokens_within(tokens, offsets, start, end), item, {}):
                kind = "project"  # 汽车全铝制动系统等24个项目: common words describe a project, they name no company
            if not kind or item == (found or ("",))[0]:
                continue
            local = [s for s in local if not (s.start < end and start < s.end and (s.start < start or s.end > end))]
            local.append(Span(start, end, item, kind))
            longest = max(longest, end - start)
        if bounds:
            local.sort(key=lambda s: s.start)
            spans[lo:hi] = local
            starts[lo:hi] = [s.start for s in local]
    return spans


def _drop_listed_fields(text: str, tokens: list[Token], offsets: list[int], i: int, spans: list[Span], starts: list[int]) -> None:
    """Drop from `spans` (in start order, `starts` beside them) the projects that are items
    of the list of fields closed by 等 at token `i` (重点发展电子信息、信息安全工程等产业: an
    industry, not a works); only the spans within the list are looked at."""
    items, end = [], offsets[i]
    for j in range(i - 1, -1, -1):
        if tokens[j][1] == "x" and tokens[j][0] not in LIST_INNER_MARKS or end - offsets[j] > 120:
            break
        if tokens[j][0] == "、":
            items.append((offsets[j] + 1, end))
            end = offsets[j]
    first = _first_list_item(text, tokens, offsets, bisect_left(offsets, end), [])
    if first is not None:
        items.append((first, end))
    if not items:
        return
    ends = dict((end, start) for start, end in items)
    lo, hi = bisect_left(starts, min(ends.values())), bisect_left(starts, offsets[i])
    kept = [s for s in spans[lo:hi] if not (s.type == "project" and s.end in ends and s.start >= ends[s.end])]
    spans[lo:hi] = kept
    starts[lo:hi] = [s.start for s in kept]


# Verbs a document is the subject or object of (报告指出, 规划提出): after a suffix they do not make it a modifier.
DOCUMENT_VERBS = set(NAME_WORDS["document_verb"])
# Words that open a generic phrase, not a name: 年度供地计划, 相关部门.
GENERIC_PREFIXES = tuple(NAME_WORDS["generic_prefix"])
# Administrative units whose names stand without the enclosing place (史各庄街道昌艺园社区 -> 昌艺园社区).
ADMIN_SUFFIXES = set(NAME_WORDS["admin_suffix"])
# Suffixes of things named after a landmark, itself a project: 某某广场站.
LANDMARK_NAMED = set(NAME_WORDS["landmark_named"])  # (某某大楼更新单元: the renewal of a building)
LINE_SUFFIXES = set(NAME_WORDS["line_suffix"])
WORKS_SUFFIXES = set(NAME_WORDS["works_suffix"])
FACILITY_WORKED_ON = set(NAME_WORDS["facility_worked_on"])  # 地铁5号线|天通苑站: a line's station is named after its place
# Words that open a clause about a name, never the name: 重点推进|机荷高速公路改扩建工程, 续建项目.
LEADING_WORDS = tuple(NAME_WORDS["leading_word"])  # longest first
NAME_DASHES = {"-", "—", "－", "–", "——", "·"}
# Place suffixes that after a place's name make a part of it (广州中心区).
PART_SUFFIXES = set(NAME_WORDS["part_suffix"])
# Words before 区域/地区 that make a part of a place, not a place of its own.
REGIONS = tuple(NAME_WORDS["region"])  # regions of the country
# Zones a government designates (一体化发展示范区): 发展 or 核心 before them names the zone, not a part.
DESIGNATED_ZONES = set(NAME_WORDS["designated_zone"])
AREA_PARTS = set(NAME_WORDS["area_part"])
PARCEL_SUFFIXES = set(NAME_WORDS["parcel_suffix"])
DEAL_WINDOW = 200  # characters around a parcel's name looked at for a sale
RECENT_SPANS = 8  # the names found last, where a zone a name would start inside is
_LAND_DEAL = re.compile("|".join(word_table("project_words")["land_deal"]))


# A parcel named by its code: XS2024-18号地块, BJ-0203-A地块, A09B-02商办地块, 杭政储出[2024]58号地块,
# 2024-15号宗地; a use word may stand between the code and the suffix (YH2024-07号商业地块).
_PARCEL_CODE = re.compile(
    r"(?<![A-Za-z0-9\-])(?:[\u4e00-\u9fff]{2,4}[〔\[【（(]\d{4}[〕\]】）)]\d{1,4}号"
    r"|(?=[A-Za-z0-9\-]*\d)(?=[A-Za-z0-9]*[A-Za-z\-])[A-Za-z0-9]+(?:[-－—][A-Za-z0-9]+)*号?)"
    r"(?:商业|住宅|居住|工业|商住|商办|经营性|产业)?(?:用地)?(?:地块|宗地)"
)


def parcel_code_spans(text: str) -> list[Span]:
    """Parcels named by a code (XS2024-18号地块): a project where their sentence sells or
    plans the land (竞得, 出让, 楼面价), else a place."""
    out = []
    for m in _PARCEL_CODE.finditer(text):
        kind = "project" if _dealt_in(text, m.start(), m.end()) else "place"
        out.append(Span(m.start(), m.end(), m.group(), kind))
    return out


def _dealt_in(text: str, start: int, end: int) -> bool:
    """Whether the sentence of the name at `start`-`end` sells or plans the land (出让, 竞得, 楼面价,
    X地块规划): then a parcel is a project; one that only says where (以某某地块为西翼) is a place."""
    window_start = max(0, start - DEAL_WINDOW)  # a bounded look around, so a long paragraph costs no more per name
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, window_start, start)), default=window_start)
    found = _SENTENCE_END.search(text, end, end + DEAL_WINDOW)
    sentence_end = found.start() if found else min(len(text), end + DEAL_WINDOW)
    return _LAND_DEAL.search(text, sentence_start, sentence_end) is not None or text.startswith("规划", end)


LONG_GENERIC_NAMES = sorted((g for g in GENERIC_NAMES if len(g) >= 4), key=len, reverse=True)
LONG_GENERIC_TUPLE = tuple(LONG_GENERIC_NAMES)  # one C call tells whether any ends a name
# Two-character suffixes that make a name with any two characters before them (南方日报, 水屯地块, 火箭大街).
NAMING_SUFFIXES = set(NAME_WORDS["naming_suffix"])
# Suffixes so common that the name needs a proper noun, a place, a number or a quote before them.
# Suffixes that are common words too (房地产, 精细化工): a proper word must come before them.
COMPANY_SHORT_SUFFIXES = set(NAME_WORDS["company_short_suffix"])
STRICT_SUFFIXES = {*NAME_WORDS["strict_suffix"], *COMPANY_SHORT_SUFFIXES}


def _tokens_within(tokens: list[Token], offsets: list[int], start: int, end: int) -> list[Token]:
    return tokens[bisect_left(offsets, start):bisect_left(offsets, end)]


def _has_proper(tokens: list[Token], name: str, places: dict, tags: set[str] = PROPER_POS) -> bool:
    return any(tag in tags or word in places for word, tag in tokens) or bool(_NAME_MARK.search(name))


def _quote_closes_before_suffix(name: str, suffix: str) -> bool:
    """A quote inside a name closes right before its suffix (“3个100”重点工程) or encloses it."""
    if "”" not in name:
        return True
    after = _PHASE_END.sub("", name[name.rindex("”") + 1:])
    return after == "" or after == suffix


STRIP_POS = {"v", "vd", "d", "p", "c", "t", "r", "u", "uj", "ad", "z", "f"}
_TIME_WORD = re.compile(r"[年月日底今近期时后前]")
_DATE_OR_COUNT_WORD = re.compile(r"\d{4}|[年月日底]|^[一二三四五六七八九十两]+$")


def _strippable(token: Token, places: dict) -> bool:
    word, tag = token
    if word in LEADING_WORDS:
        return True
    if tag == "t":
        return bool(_TIME_WORD.search(word))
    if word in STOP_WORDS or tag in STRIP_POS:
        return True
    return tag == "m" and bool(_DATE_OR_COUNT_WORD.search(word))


def _balance_quotes(name: str, start: int, end: int) -> tuple[str, int, int]:
    while name.count("“") > name.count("”") and name.startswith("“"):
        name, start = name[1:], start + 1
    while name.startswith("”"):
        name, start = name[1:], start + 1
    return name, start, end


# Descriptive words that make a generic phrase, not a name, when nothing else precedes the suffix.
DESCRIPTORS = set(NAME_WORDS["descriptor"])


# Descriptors of age, size or standing: with only a place they make a kind of thing, not a name
# (广州新开业购物中心), as a field (体育, 生态) does not (回龙观体育文化公园).
QUALITY_WORDS = set(NAME_WORDS["quality_word"])


_MEASURE_FIRST = re.compile(r"[0-9０-９.]+(?:个)?(?:小时|分钟|公里|千米|米|天|周|年内|万?平方米|公顷|亩)")


def is_specific(name: str, suffix: str, prefix_tokens: list[Token]) -> bool:
    """A generic phrase (老旧小区, 产业园区, 相关负责人, 公园一期) is not an entity."""
    if "期" in name:  # (what the pattern needs: most names have no phase)
        name = _PHASE_SECTION_END.sub("", name)
    if name in GENERIC_NAMES or len(name) <= len(suffix) or len(name) < 3:
        return False
    prefix = name[: -len(suffix)] if name.endswith(suffix) else name
    if prefix in STOP_WORDS or prefix in GENERIC_NAMES or name.startswith(GENERIC_PREFIXES):
        return False
    if suffix in ("大学", "学院") and prefix.startswith(REGIONS) and len(prefix) >= 4 and "地区" not in prefix:
        return True  # 西南科技大学, 华南理工大学: a university named by its region and field
    if prefix_tokens and all(word in DESCRIPTORS for word, _ in prefix_tokens):
        return False
    if len(suffix) >= 2 and prefix_tokens and all(word in DESCRIPTORS or tag == "ns" for word, tag in prefix_tokens) \
            and any(word in QUALITY_WORDS for word, _ in prefix_tokens):
        return False  # 广州新开业购物中心: a kind of thing in a place, not a name
    if prefix_tokens and prefix_tokens[0][0] in QUALITY_WORDS and not _NAME_MARK.search(name) \
            and not any(tag in PROPER_POS or tag == "ns" for _, tag in prefix_tokens):
        return False  # 高端汽车零部件产业园: a kind of thing described by its standing and trade, not a name
    if any(word == "类" for word, _ in prefix_tokens):
        return False  # 片区类城市更新项目: a category of projects
    if _COUNT.search(_QUOTED.sub("", name) if "“" in name else name):
        return False  # a count (75项重点项目), not a name
    if _UNIT_COUNTS.fullmatch(name):
        return False  # 一镇六街道: counts of units
    if _MEASURE_FIRST.match(name):
        return False  # 1小时通达粤港澳大湾区: a clause that opens on a measure, not a name
    if ("万" in prefix or "亿" in prefix) and _SIZE_BEFORE_SUFFIX.search(prefix):
        return False  # 邛崃百亿项目, 10亿元以上项目: a project's size, not its name
    if any(tag in PROPER_POS for _, tag in prefix_tokens) or _NAME_MARK.search(name):
        return True
    # only common words before the suffix: two of them, or a two-character one before a
    # suffix that is itself specific enough (未来科学城, 回天地区)
    return len(prefix_tokens) >= 2 or len(prefix) >= 3 or (len(prefix) == 2 and (len(suffix) >= 3 or suffix in NAMING_SUFFIXES) and suffix not in STRICT_SUFFIXES)


class _OrgsNamed:
    """The organizations among a paragraph's names, looked up by text and by end, so that
    finding the body a person speaks for costs the same in a paragraph of any length."""

    def __init__(self, named: list[Span]):
        self.by_text: dict[str, list[tuple[int, Span]]] = {}
        self.by_end: dict[int, list[tuple[int, Span]]] = {}
        for order, span in enumerate(named):
            if span.type == "org":
                self.by_text.setdefault(span.text, []).append((order, span))
                self.by_end.setdefault(span.end, []).append((order, span))

    def opening(self, head: str, before: int | None = None) -> Span | None:
        """The first-named organization whose name opens `head` (and that ends by `before`)."""
        found = [(order, span) for length in range(1, len(head) + 1) for order, span in self.by_text.get(head[:length], ())
                 if before is None or span.end <= before]
        return min(found, key=lambda pair: pair[0])[1] if found else None

    def ending_at(self, head_start: int, head: str) -> Span | None:
        """The first-named organization inside `head` (which starts at `head_start`) ending where its text would."""
        found = [(order, span) for length in range(1, len(head) + 1)
                 for order, span in self.by_end.get(head_start + length, ()) if span.text in head and len(span.text) == length]
        return min(found, key=lambda pair: pair[0])[1] if found else None


_ROLE_HEAD_BREAK = re.compile(r"[，。；：！？,.;:!?\s■●▲（）()“”\"]")  # where the words before a role word begin


def person_spans(text: str, tokens: list[Token], offsets: list[int], named: list[Span]) -> list[Span]:
    out = []
    orgs = _OrgsNamed(named)
    for i in [i for i, (word, _) in enumerate(tokens) if word[0] in SURNAMES and 2 <= len(word) <= 3]:
        word, tag = tokens[i]
        start = offsets[i]
        speaks = _SPEECH_AFTER.match(text, start + len(word)) is not None
        if _NOT_IN_NAME.search(word, 1):
            continue  # 彭澎在: the segmenter glued a function word to the name
        if tag not in ("nr", "nrfg", "nrt") and not (speaks and _ROLE_BEFORE.search(text, max(0, start - 4), start)):
            continue
        before = text[max(0, start - 20):start].rstrip(" 　")
        found_role = _ROLE_BEFORE.search(before)
        role_match = found_role.group() if found_role else None
        if role_match is None and not speaks:
            continue
        role, org = None, None
        if role_match:
            head = _ROLE_HEAD_BREAK.split(before)[-1]
            org_span = orgs.opening(head, before=start)
            if org_span is None:
                org_span = orgs.ending_at(start - (len(before) - len(before.rstrip(" 　"))) - len(head), head)
            if org_span and head.startswith(org_span.text):
                org, role = org_span.text, head[len(org_span.text):] or role_match
            else:
                org_in_head = getattr(orgs.opening(head), "text", None)
                org, role = org_in_head, head[len(org_in_head):] if org_in_head else head
            role = role or role_match
        out.append(Span(start, start + len(word), word, "person", role=role, org=org))
    return more_people(text, tokens, offsets, named, out)


def more_people(text: str, tokens: list[Token], offsets: list[int], named: list[Span], people: list[Span]) -> list[Span]:
    """People the segmenter does not tag as names: a name right after a role word
    (董事长魏华山等), before one (何镜堂院士), in a credit line (撰写丨熊舒苗 陈羲龙),
    and the other names of a list of people (何运平、曹和家、张焕明)."""
    taken = {s.start for s in people}
    in_names = sorted((s.start, s.end) for s in named if s.type not in ("project", "policy"))  # those give way to a person

    def free(start: int, end: int) -> bool:
        k = bisect_left(in_names, (end,))
        return start not in taken and not any(a < end and start < b for a, b in in_names[max(0, k - 3):k])

    def tagged_name(start: int, end: int) -> bool:
        k = bisect_left(offsets, start)
        return k < len(offsets) and offsets[k] == start and len(tokens[k][0]) == end - start and tokens[k][1] in ("nr", "nrfg", "nrt")

    def person(start: int, end: int, role: str | None) -> None:
        if (text[start] in SURNAMES or tagged_name(start, end)) and not _NOT_IN_NAME.search(text, start + 1, end) and free(start, end):
            people.append(Span(start, end, text[start:end], "person", role=role))
            taken.add(start)

    for title_start, _, title in _TITLE_WORDS.find(text):
        k = bisect_left(offsets, title_start) - 1  # the token right before the title
        if k >= 0 and offsets[k] + len(tokens[k][0]) == title_start:
            word, tag = tokens[k]
            if tag in ("nr", "nrfg", "nrt") and word[0] in SURNAMES and 2 <= len(word) <= 3:
                person(offsets[k], title_start, title)
    for role_start, role_end, role in _ROLE_WORDS.find(text):
        name = _NAME_AFTER_ROLE.match(text, role_end)
        if name:
            person(name.start(1), name.end(1), role)
    for credit in _BYLINE.finditer(text) if _CREDIT_MARKS.search(text) else ():
        pos = credit.end()
        while (name := _BYLINE_NAME.match(text, pos)) is not None:
            if name.group()[0].isascii():
                if free(name.start(), name.end()):
                    people.append(Span(name.start(), name.end(), name.group(), "person", role=credit.group().rstrip(" 丨|｜:：/")))
            else:
                person(name.start(), name.end(), credit.group().rstrip(" 丨|｜:：/"))
            pos = name.end()
            while pos < len(text) and text[pos] in " 　、，,":
                pos += 1
    for credit in _BRACKET_CREDIT.finditer(text) if "记者" in text or "通讯员" in text else ():
        role, pos = None, credit.end()
        while (name := _BYLINE_WORD_OR_NAME.match(text, pos)) is not None:
            if name.group() in _BYLINE_WORDS:
                role = name.group()
            elif role is not None:
                person(name.start(), name.end(), role)
            pos = name.end()
            while pos < len(text) and text[pos] in " 　、，,":
                pos += 1
    for found in sorted(people, key=lambda s: s.start):
        pos = found.end
        while (name := _LISTED_NAME.match(text, pos)) is not None:
            person(name.start(1), name.end(1), None)
            pos = name.end()
        pos = found.start
        while (name := _LISTED_NAME_BEFORE.search(text, max(0, pos - 5), pos)) is not None:
            person(name.start(1), name.end(1), None)
            pos = name.start(1)
    return people


# --- places ---


# Divisions whose names are common words (阳泉市城区): never read as the division.
COMMON_WORD_PLACES = set(NAME_WORDS["common_word_place"])
NUMERAL_CHARS = set("0123456789０１２３４５６７８９一二两三四五六七八九十百千万亿")


def find_places(gazetteer: Gazetteer, paragraphs: list[tuple[int, str]], boundaries: dict[int, dict[int, Token]] | None = None) -> dict[int, list[Span]]:
    """Gazetteer places in each paragraph: provinces and cities anywhere; counties
    when unambiguous or inside a province/city the article names; towns only under
    a county the article names, and a town's short form only where a word of the
    paragraph begins (`boundaries`: seq -> offset -> the token there), not inside one (江高 of
    临江高科园), and not where the segmenter reads it as a common word (建设, 凤凰)."""
    texts = [text for _, text in paragraphs]  # each automaton passes once over them all
    raw: dict[int, list[tuple[int, int, str]]] = {}
    for (seq, text), found in zip(paragraphs, gazetteer.upper_forms.find_each(texts)):
        cuts = (boundaries or {}).get(seq)
        raw[seq] = [(s, e, f) for s, e, f in found
                    if not (f.endswith("区") and text[e:e + 1] == "域") and f not in COMMON_WORD_PLACES
                    and (not cuts or s in cuts and (e in cuts or e == len(text))
                         or f in gazetteer.names and not (s and text[s - 1] in NUMERAL_CHARS))]
        # (a short form only as a word of its own: not 大同 in 最大同心圆; a full name cut
        # across words only where no numeral runs into it: not 项城市 in 225项城市更新)
    from collections import Counter

    counts = Counter(f for spans in raw.values() for _, _, f in spans)
    context: set[str] = set()  # the provinces and cities the article names, and those above them
    for form in counts:
        context.update(gazetteer.chain_names(form))
    # a form is the same place wherever the article writes it: chosen once per form
    chosen = {form: choose_place(gazetteer.candidates(form), context, form, times > 1) for form, times in counts.items()}
    out: dict[int, list[Span]] = {}
    counties: dict[str, Place] = {}
    for seq, text in paragraphs:
        spans = []
        for start, end, form in raw[seq]:
            place = chosen[form]
            if place is None:
                continue
            if place.level == "county":
                counties[place.name + (place.adcode or "")] = place
            spans.append(Span(start, end, form, "place", place=place))
        out[seq] = spans
    for county in counties.values():
        towns_found = gazetteer.town_forms(county).find_each(texts)
        # The county's own short form (沙洋 of 沙洋县) is the county where the article names it in
        # full, though a town under it (its seat, 沙洋镇) or another county elsewhere shares it.
        own = set(short_forms(county.name, county.level)) - {county.name}
        for (seq, text), towns_here in zip(paragraphs, towns_found):
            own_here = [form for form in own if form in text]
            if not own_here and not towns_here:
                continue  # (most paragraphs name neither)
            taken = sorted((s.start, s.end) for s in out[seq])  # disjoint, so their ends are in order too
            taken_starts = [a for a, _ in taken]
            cuts = (boundaries or {}).get(seq)
            for form in own_here:
                for found in re.finditer(re.escape(form), text):
                    start, end = found.span()
                    k = bisect_left(taken_starts, end)
                    if k and taken[k - 1][1] > start or cuts and not (start in cuts and (end in cuts or end == len(text))):
                        continue  # part of a place found already, or of a longer word
                    out[seq].append(Span(start, end, form, "place", place=county))
                    taken.insert(k, (start, end))
                    taken_starts.insert(k, start)
            for start, end, form in towns_here:
                k = bisect_left(taken_starts, end)
                if k and taken[k - 1][1] > start or form in own:
                    continue  # overlaps a place found already
                towns = [t for t in gazetteer.candidates(form, ("town",)) if t.parent is county]
                if towns and form != towns[0].name and cuts and (start not in cuts or cuts[start][0] == form and cuts[start][1] not in PROPER_POS
                                                                 or cuts.get(end, ("", "x"))[1] in ("n", "nz", "ns", "nt", "j") and text[end:end + 1] not in "镇乡"):
                    continue  # (东山|百货, 岭南|特色: the start of a longer name or phrase)
                if towns:
                    out[seq].append(Span(start, end, form, "place", place=towns[0]))
    return out


@lru_cache(maxsize=None)
def _uncoded(name: str, level: str) -> Place:
    """The place named `name` where several divisions bear the name: one object per name."""
    return Place(name=name, level=level, adcode=None)


def choose_place(candidates: list[Place], context: set[str], form: str, repeated: bool = False) -> Place | None:
    upper = [p for p in candidates if p.level != "town"]
    if not upper:
        return None
    full = [p for p in upper if p.name == form]
    in_context = [p for p in upper if p.parent is None or p.parent.name in context]
    if full:
        pool = [p for p in full if p in in_context or p.level in ("province", "city")]
        if not pool and len(form) >= 3 and (repeated or not context):
            # A full name the article repeats, or names with nothing to place it, in a
            # province it names if it names any. Where two divisions share the name (深圳
            # and 海口 each have a 龙华区) and nothing says which, it is that place, with no code.
            fitting = [p for p in full if not context or p.chain()[-1].name in context]
            pool = fitting if len(fitting) == 1 else [_uncoded(form, fitting[0].level)] if fitting else []
    else:
        high = [p for p in upper if p.level in ("province", "city")]
        pool = [p for p in in_context if p.parent is not None] or high
    if not pool:
        return None
    return pool[0]


# --- spans to entities ---


def _holds_any(people: list[Span], span: Span) -> bool:
    """Whether one of `people` (in order of start) lies within `span`: only those that
    start inside it are looked at, so a long paragraph costs no more per span."""
    i = bisect_left(people, span.start, key=lambda p: p.start)
    while i < len(people) and people[i].start < span.end:
        if people[i].end <= span.end:
            return True
        i += 1
    return False


def merge_spans(places: list[Span], named: list[Span]) -> list[Span]:
    """Named spans win over the gazetteer places and shorter names they contain,
    except a gazetteer place that is a whole word of the name is kept too (its
    mention is nested).

    One sweep by start offset, O(n log n): a kept span matters to a later one only
    while it is still open (ends after the later one starts), and the open spans are
    one outer name and the names nested in it."""
    named = sorted(named, key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Span] = []
    open_spans: list[Span] = []
    for span in named:
        open_spans = [k for k in open_spans if k.end > span.start]
        outer = [k for k in open_spans if span.end <= k.end and (k.start, k.end) != (span.start, span.end)]
        if outer and not (span.type == "org" and not span.text.endswith("实验室") and all(k.type == "project" and k.start == span.start for k in outer)) \
                and not (span.type == "place" and all(k.type == "policy" and k.start == span.start for k in outer)):
            continue  # (a company's project, a zone's plan: the owner or the zone is named too)
        if not outer and open_spans:
            continue  # it overlaps a kept name
        kept.append(span)
        open_spans.append(span)
    out = list(kept)
    by_bounds = {}
    for k in kept:
        by_bounds.setdefault((k.start, k.end), k)
    starts = [k.start for k in kept]  # kept is in start order
    reach = list(accumulate((k.end for k in kept), max))  # furthest end among kept spans up to each
    for place in places:
        same = by_bounds.get((place.start, place.end))
        if same is not None:
            if same.type != "person":  # 市委书记宁波表示: a title and a verb of speaking make the name a person's
                same.type, same.place = "place", place.place
            continue
        i = bisect_right(starts, place.start)
        nested = i > 0 and reach[i - 1] >= place.end
        if nested and place.text != place.place.name:
            _name_after_division(kept, i, place)
            continue
        out.append(place)
    return sorted(out, key=lambda s: s.start)


ZONE_SUFFIXES = tuple(sorted((s for s, kind in read_suffixes().items() if kind == "place"), key=len, reverse=True))
DIRECTIONS = set(NAME_WORDS["direction"])


def _name_after_division(kept: list[Span], i: int, division: Span) -> None:
    """A zone named after the short form of its county or city (黄埔|新溪片区) is known by
    the rest of its name as well, when that is a name of its own: two characters or more
    before the zone's suffix, no suffix themselves (光明|科学城中心区) nor a direction (成都|东部新区)."""
    zone = kept[i - 1] if i > 0 else None
    if zone is None or zone.start != division.start or zone.type != "place" or zone.place is not None \
            or division.place.level not in ("city", "county"):
        return
    rest = zone.text[len(division.text):]
    suffix = next((s for s in ZONE_SUFFIXES if rest.endswith(s)), None)
    stem = rest[:-len(suffix)] if suffix else ""
    if len(stem) >= 2 and stem not in DIRECTIONS and not stem.endswith(ZONE_SUFFIXES):
        zone.bare = rest


_HEADLINE = re.compile(r"[，！？!?]")
_YEARS_AFTER = re.compile(r"[（(][\d—–\-~至年 ]+[）)]$")


def _name_with_parent(spans: list[Span]) -> None:
    """杭州滨江: a division written right after its parent is a form of it as a whole."""
    for before, span in zip(spans, spans[1:]):
        if before.end == span.start and before.place is not None and span.place is not None and span.place.parent is before.place:
            span.fuller = before.text + span.text


def is_short_form(short: str, full: str) -> bool:
    """清华南口国重基地 ⊂ 清华南口国家重点实验室基地; 昌平园 ⊂ 中关村昌平园; 《案例集》 ⊂ 《…案例集》."""
    if short.startswith("《") and full.startswith("《"):
        short, full = short.strip("《》 "), _YEARS_AFTER.sub("", full.strip("《》 "))
        if len(short) >= 2 and len(short) < len(full) and full.endswith(short):
            return True  # 《指引》 ⊂ 《…协调指引》, 《城镇化规划》 ⊂ 《…新型城镇化规划（2021—2035年）》
    short, full = short.replace("“", "").replace("”", ""), full.replace("“", "").replace("”", "")  # “回天”三年行动计划
    if len(short) >= len(full) or len(short) < 3:
        return False
    if full.endswith(short):
        return True
    if "地区" in short[2:-2] and "地区" not in full:
        short = short.replace("地区", "", 1)  # 回天地区三年行动计划 ⊂ 回天…三年行动计划: the area named with its zone word
    if short[:2] != full[:2] or short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


def enclosing_places(spans_by_seq: dict[int, list[Span]], entities: list[Entity]) -> list[Entity]:
    """The divisions that enclose the article's gazetteer places and that it
    does not name (杭州市 -> 浙江省), each with its own parent: stored with
    the places, they give every place its parent whatever the order articles
    are loaded in. They have no mention; they are not facts of the article."""
    named = {entity.name for entity in entities if entity.type == "place"}
    out: dict[str, Entity] = {}
    for spans in spans_by_seq.values():
        for span in spans:
            place = span.place.parent if span.place is not None else None
            while place is not None and place.name not in named and place.name not in out:
                out[place.name] = Entity(
                    name=place.name, type="place", parent=place.parent.name if place.parent else None,
                    adcode=place.adcode, longitude=place.longitude, latitude=place.latitude,
                )
                place = place.parent
    return list(out.values())


def resolve_entities(spans_by_seq: dict[int, list[Span]]) -> list[Entity]:
    by_key: dict[tuple[str, str], Entity] = {}
    for seq in sorted(spans_by_seq):
        for span in spans_by_seq[seq]:
            name = span.place.name if span.place is not None else span.canonical or span.text
            if span.type == "project" and span.role == "项目":
                name = span.text[:-2]
            key = (name, span.type)
            entity = by_key.get(key)
            if entity is None:
                entity = Entity(name=name, type=span.type)
                if span.place is not None:
                    entity.adcode = span.place.adcode
                    entity.longitude, entity.latitude = span.place.longitude, span.place.latitude
                    entity.parent = span.place.parent.name if span.place.parent else None
                    if span.place.level == "town":
                        entity.aliases.extend(_town_aliases(span.place))
                elif name.startswith("《") and name.endswith("》"):
                    entity.aliases.append(name[1:-1].strip())  # the title as written without its marks
                elif span.type == "place" and name.endswith("地区") and len(name) >= 4:
                    entity.aliases.append(name[:-2])  # 回天地区 -> 回天, as the gazetteer's 南口地区 -> 南口
                by_key[key] = entity
            phaseless = _PHASE_END.sub("", span.text) if span.type == "project" else ""
            for form in (span.text, span.fuller, span.bare, phaseless if len(phaseless) >= 3 else None):
                if form and form != entity.name and form not in entity.aliases:
                    entity.aliases.append(form)  # as written, with its places, without its phase (公园一期)
            if span.type == "person":  # role/org only for people

                entity.role = entity.role or span.role
                entity.parent = entity.parent or span.org
            entity.mentions.append(Mention(seq, span.start, span.end, span.text))
    entities = list(by_key.values())
    # short forms and 区-variants fold into the full form of the same type
    merged: dict[int, Entity] = {}
    same_ending: dict[tuple[str, str], list[Entity]] = {}  # a short form ends as its full form does
    for entity in entities:
        same_ending.setdefault((entity.type, entity.name[-1]), []).append(entity)
    for entity in sorted(entities, key=lambda e: len(e.name)):
        if entity.type in ("place", "person") and entity.adcode is not None:
            continue
        target = next((other for other in same_ending[(entity.type, entity.name[-1])]
                       if other is not entity and id(other) not in merged and is_short_form(entity.name, other.name)
                       and not _other_bodies(entity.name, other.name)), None)
        without_qu = by_key.get((entity.name[:-1], entity.type)) if entity.name.endswith("区") else None
        if without_qu is not None and id(without_qu) not in merged:
            target = without_qu
        quoted = _QUOTED_WHOLE.fullmatch(entity.name) if entity.type == "project" else None
        if quoted:  # “汉城·酒城文化产业园”项目 is the 汉城·酒城文化产业园 named elsewhere
            target = next((by_key[key] for key in ((quoted.group(1), "project"), (quoted.group(1) + "项目", "project"))
                           if key in by_key and id(by_key[key]) not in merged), target)
        if target is not None:
            merged[id(entity)] = target
            target.aliases.extend(a for a in (entity.name, *entity.aliases) if a not in target.forms())
            target.mentions.extend(entity.mentions)
    out = _fold_government_bodies([e for e in entities if id(e) not in merged], bare={
        span.text for spans in spans_by_seq.values() for span in spans if span.role == BARE_BODY})
    _parent_named_places(out)
    return out


CORPORATE_SUFFIXES = tuple(NAME_WORDS["corporate_suffix"])


GOVERNMENT_BODIES = tuple(sorted((row[0] for row in read_table("government_bodies.tsv")), key=len, reverse=True))


def _other_bodies(short: str, full: str) -> bool:
    """广东省委 and 广东省发改委 are two bodies of one place, not a short and a full form."""
    def body(name: str) -> str | None:
        return next((b for b in GOVERNMENT_BODIES if name.endswith(b)), None)
    return body(short) is not None and body(short) != body(full)


def _body_key(name: str) -> str:
    """中共广东省委 = 广东省委, 深圳市人民政府 = 深圳市政府."""
    return name.removeprefix("中共").replace("人民政府", "政府")


def _fold_government_bodies(entities: list[Entity], bare: set[str]) -> list[Entity]:
    """Forms of one body become one entity (the longest form is its name); a bare body
    (市政府) joins the article's one body it can name, or is left out."""
    orgs: dict[str, Entity] = {}
    out = []
    for entity in sorted(entities, key=lambda e: -len(e.name)):
        if entity.type != "org" or entity.name in bare:
            out.append(entity)
            continue
        same = orgs.setdefault(_body_key(entity.name), entity)
        if same is entity:
            out.append(entity)
        else:
            _absorb(same, entity)
    by_name = {e.name: e for e in out if e.type == "org"}
    for entity in list(out):
        full = next((by_name[entity.name + s] for s in CORPORATE_SUFFIXES if entity.name + s in by_name), None) if entity.type == "org" else None
        if full is not None:  # 凯德 = 凯德集团
            _absorb(full, entity)
            out.remove(entity)
    kept = []
    for entity in out:
        if entity.type == "org" and entity.name in bare:
            targets = [o for key, o in orgs.items() if key.endswith(_body_key(entity.name)) and len(key) > len(entity.name)]
            if len(targets) == 1:
                _absorb(targets[0], entity)
                continue
            place = _one_place_of_level(entities, entity.name[0])
            if place is not None:  # 省政府 in an article about one province: 广东省人民政府
                entity.aliases.append(entity.name)
                entity.name = place.name + entity.name[1:].replace("政府", "人民政府", 1) if entity.name[1:].startswith("政府") \
                    else place.name + entity.name[1:]
                orgs[_body_key(entity.name)] = entity
                kept.append(entity)
            continue
        kept.append(entity)
    order = {id(e): i for i, e in enumerate(entities)}
    return sorted(kept, key=lambda e: order[id(e)])


# The level a bare body names by its first character, as the last digits of a division code show it.
_LEVEL_OF_BODY = {"省": lambda code: code.endswith("0000"), "市": lambda code: code.endswith("00") and not code.endswith("0000"),
                  "区": lambda code: not code.endswith("00"), "县": lambda code: not code.endswith("00")}


def _one_place_of_level(entities: list[Entity], level_char: str) -> Entity | None:
    is_level = _LEVEL_OF_BODY.get(level_char)
    places = [e for e in entities if e.type == "place" and e.adcode and len(e.adcode) >= 6 and e.name.endswith(level_char)
              and is_level is not None and is_level(e.adcode[:6])]
    return places[0] if len(places) == 1 else None


def _absorb(target: Entity, other: Entity) -> None:
    target.aliases.extend(a for a in (other.name, *other.aliases) if a not in target.forms())
    target.mentions.extend(other.mentions)


def _town_aliases(place: Place) -> list[str]:
    stem = place.aliases[0] if place.aliases else None
    out = []
    if stem and place.name.endswith("地区"):
        out.append(stem + "镇")
    return out


def _parent_named_places(entities: list[Entity]) -> None:
    """A named zone without a gazetteer parent takes a place its name starts with or contains."""
    places = [e for e in entities if e.type == "place"]
    longest_first = sorted(places, key=lambda e: -len(e.name))
    for entity in places:
        if entity.parent or entity.adcode:
            continue
        for other in longest_first:
            if other is entity:
                continue
            if any(form in entity.name for form in other.forms()) and len(other.name) < len(entity.name) + 3:
                entity.parent = other.name
                break
