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
- lists closed by 等 and a head noun type their items, suffix or not
  (华夏英泰、可瑞生物等13家企业 → org);
- people: a surname-initial name the segmenter tags `nr` next to a role word
  (总经理王颖, 负责人张多, 记者 巩静) or a speech verb.
Short forms resolve to the full form in the article (清华南口国重基地 →
清华南口国家重点实验室基地, 昌平园 → 中关村昌平园); a named zone in 地区 has
its stem as an alias (回天地区 → 回天), as the gazetteer's towns do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate
from typing import Callable, Iterable, Protocol

from urbandb.extract.entity_records import Entity, Mention
from urbandb.extract.gazetteer import Gazetteer, Place, load_gazetteer

ENTITY_EXTRACTOR_VERSION = "1.1"

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
NAME_POS = {"n", "t", "q", "k", "h", "zg", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng", "vn", "an", "b", "l", "s", "f", "a", "m", "ng"}
PROPER_POS = {"nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng"}
NAME_TAGS = PROPER_POS - {"j"}  # abbreviations (研发, 央企) are as often common words
# Words that end a name on the left even when tagged as nouns.
STOP_WORDS = set(
    "的 了 和 与 及 以及 或 等 在 将 把 对 从 由 为 是 有 让 向 于 以 并 也 还 又 都 该 本 其 此 这 那 这里 这些 各 每 全 全市 全区 我们 他们 "
    "实施 制定 出台 印发 发布 落实 开展 编制 支持 打造 建设 推进 推动 实现 加快 启动 完成 成为 作为 围绕 利用 通过 依托 承接 引入 布局 规划建设 新建 改造 提升 拥有 位于 包括 "
    "距离 这座 这个 这片 这一 预计 将于 力争 争取 整个 目前 今年 去年 近年来 同时 其中 此外 一批 一个 多个 多家 首个 首批 相关 有关 主要 一期 项目 "
    "年 月 日 个 家 座 处 条 所".split()
)
GENERIC_NAMES = set(
    "老旧小区 产业园区 产业园 相关负责人 全市 全区 项目 该项目 基地 中心 园区 小区 公园 集团 公司 医院 大学 实验室 研究院 平台 工程 规划 计划 "
    "模式 社区 街道 地区 区域 新城 走廊 小镇 站 局 部 委 报 厂 重点项目 重点工程 重大项目 产业基地 创新中心 服务中心 科创中心 区域科创中心 "
    "研发中心 运营中心 展示中心 活动中心 文化中心 国家重点实验室 全国重点实验室 重点实验室 项目现场 产业用地 工业用地 建设项目 "
    "一刀切 新赛道 示范区 集聚区 平台公司 国有企业 生产基地 转化基地 高地 示范园 公共服务 基础设施 "
    "上市公司 跨国公司 领军企业 国家实验室 科研机构 开发企业 龙头企业 民营企业 央企 国企".split()
)
ONE_CHAR_SUFFIX_WORDS = set("布局 格局 全部 局部 大局 结局 开局 当局 北部 南部 东部 西部 中部 内部 外部 干部 头部 底部 顶部 腹部 "
    "汇报 情报 举报 申报 预报 通报 回报 简报 海报 快报 画报 电报 捷报 喜报 警报 "
    "结合部 俱乐部 工厂 总部 驿站 校园 家园 花园 乐园 田园 庄园 菜园 果园 名园 园园".split())
LEADING_FUNCTION_CHARS = "由在与和及将把对从为向于以据让"
# Verbs of this domain that jieba's dictionary tags as nouns; read as verbs they end a name on the left.
DOMAIN_VERBS = set("落地 会同 投用 开工 完工 签约 入驻 封顶 开园 竣工 继续加强".split())
PERSON_ROLES = ("董事长", "总经理", "副总经理", "经理", "负责人", "记者", "通讯员", "书记", "区长", "市长", "镇长", "局长", "主任", "院长", "所长",
                "校长", "厅长", "部长", "处长", "科长", "社长", "主席", "总监", "总裁", "院士", "教授", "研究员", "专家", "委员", "居民", "村民", "代表")
SPEECH_VERBS = ("说", "表示", "介绍", "指出", "认为", "称", "透露", "坦言", "告诉")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤巩常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巢关蔺"
)
_ROLE_BEFORE = re.compile("(?:" + "|".join(sorted(PERSON_ROLES, key=len, reverse=True)) + ")$")
_SPEECH_AFTER = re.compile("|".join(SPEECH_VERBS))
AWARD = re.compile(r"(?:获评|评为|入选|荣获|获批)[^，。；、“”]{0,6}$")
_PHASE_END = re.compile(r"[一二三四五六七八九十\d]+期$")
_PHASE_SECTION_END = re.compile(r"[一二三四五六七八九十\d]+期(?:[\u4e00-\u9fff]{2}段)?$")
_PHASE_AFTER = re.compile(r"(?:[\u4e00-\u9fff]{2,5}?)?(?:[一二三四五六七八九十\d]+期)(?:[\u4e00-\u9fff]{2}段)?")  # 二期, 二期昌平段
_NOT_IN_PHASE = re.compile(r"[年月日将已于在和与及]")
_SUB_AREA_AFTER = re.compile(r"[一二三四五六七八九十\d]{1,2}区(?![\u4e00-\u9fff])")  # 天通中苑二区
_COUNT = re.compile(r"\d+[项个家处条座批大]|^[一二两三四五六七八九十]大")
_QUOTED = re.compile(r"“[^”]*”")
_UNIT_COUNTS = re.compile(r"(?:[一二三四五六七八九十两\d]+[\u4e00-\u9fff]{1,2}){2,}")
_NAME_MARK = re.compile(r"[A-Za-z0-9“《]")
_QUOTE_TITLE = re.compile(r"《[^《》\n]{2,40}》")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_PROJECT_REFERENCES = ("该项目", "项目", "这里", "该基地", "该园区", "本项目", "园区", "基地")


@dataclass
class Span:
    start: int
    end: int
    text: str
    type: str
    place: Place | None = None
    role: str | None = None
    org: str | None = None


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

    @property
    def gazetteer(self) -> Gazetteer:
        if callable(self._gazetteer) and not isinstance(self._gazetteer, Gazetteer):
            self._gazetteer = self._gazetteer()
        return self._gazetteer

    def __call__(self, article):
        from urbandb.extract.projects import describe_projects

        paragraphs = [p for p in article.paragraphs if p.kind != "boilerplate"]
        tagging = self.tag_paragraphs([p.text for p in paragraphs])
        boundaries = {p.seq: set(accumulate((len(w) for w, _ in tagged), initial=0)) for p, tagged in zip(paragraphs, tagging) if tagged}
        spans_by_seq = find_places(self.gazetteer, [(p.seq, p.text) for p in paragraphs], boundaries)
        for p, tagged in zip(paragraphs, tagging):
            named = self.named_spans(p.text, spans_by_seq.get(p.seq, []), tagged)
            spans_by_seq[p.seq] = merge_spans(spans_by_seq.get(p.seq, []), named)
        entities = resolve_entities(spans_by_seq)
        article.entities = entities
        article.projects = describe_projects(article, entities, spans_by_seq)
        return article

    # --- names from the suffix table and the segmenter ---

    def suffix_type(self, text: str) -> tuple[str, str] | None:
        if not text or text[-1] not in self._suffix_last_chars:
            return None
        return next((found for found in self._suffixes_ending[text[-1]] if text.endswith(found[0])), None)

    def tag_paragraphs(self, texts: list[str]) -> list[list[Token] | None]:
        """Every paragraph tagged in one call of the segmenter (a call costs more than its
        text); None for a paragraph whose tokens do not add up to its text."""
        if not texts:
            return []
        out: list[list[Token] | None] = [[]]
        for token in self._retag(self.segmenter("\n".join(texts))):
            if token[0] == "\n":
                out.append([])
            else:
                out[-1].append(token)
        if len(out) != len(texts):
            return [None] * len(texts)
        return [tokens if sum(len(w) for w, _ in tokens) == len(text) else None for tokens, text in zip(out, texts)]

    def tokens(self, text: str, places: list[Span], tagged: list[Token] | None = None) -> tuple[list[Token], list[int]]:
        """The paragraph's tokens with the gazetteer places as one `ns` token each: its
        tagging in context where every place falls on token boundaries, else segmented
        around the places."""
        places = sorted(places, key=lambda s: s.start)
        if tagged:
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
        """DOMAIN_VERBS read as verbs; a word the dictionary does not know (星煜空天) is a name, not a mark."""
        return [
            (word, "v") if word in DOMAIN_VERBS else (word, "nz") if tag == "x" and "\u4e00" <= word[0] <= "\u9fff" else (word, tag)
            for word, tag in tagged
        ]

    def named_spans(self, text: str, places: list[Span] = (), tagged: list[Token] | None = None) -> list[Span]:
        tokens, offsets = self.tokens(text, list(places), tagged)
        places_text = {p.text: p for p in places}
        spans: list[Span] = [Span(m.start(), m.end(), m.group(), "policy") for m in _QUOTE_TITLE.finditer(text)]
        for i in [i for i, (_, tag) in enumerate(tokens) if tag == "nt"]:
            word = tokens[i][0]
            if len(word) >= 3 and word not in GENERIC_NAMES and (self.suffix_type(word) or ("", ""))[1] == "org":
                spans.append(Span(offsets[i], offsets[i] + len(word), word, "org"))
        last_chars = self._suffix_last_chars
        for i in [i for i, (word, _) in enumerate(tokens) if word[-1] in last_chars]:  # most tokens end no suffix
            word, tag = tokens[i]
            end = offsets[i] + len(word)
            found = self.suffix_type(text[max(0, end - 8):end])
            if found is None or word in places_text and found[1] != "place":  # a gazetteer place is no project
                continue
            suffix, kind = found
            if kind == "policy" and i + 1 < len(tokens) and tokens[i + 1][1] in ("n", "vn", "nz", "v") and len(tokens[i + 1][0]) >= 2 \
                    and tokens[i + 1][0] not in ("出台", "发布", "印发", "实施"):
                continue  # 规划占地面积: a modifier, not a plan's name
            if kind == "policy" and i + 1 < len(tokens) and (tokens[i + 1][1] in ("t", "m", "d", "p") or tokens[i + 1][0] in ("于", "在", "将")):
                continue  # 计划明年投用, 计划于…: the verb, not a plan's name
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
            if tail and kind in ("project", "org"):
                if kind == "org":
                    org_start = offsets[self._extend_left(tokens, head)]
                    spans.append(Span(org_start, end, text[org_start:end], "org"))
                end = tail.end()
                kind = "project"
            start_index = self._extend_left(tokens, head, allow_verbs=(kind == "policy"), project=(kind == "project"),
                                            adjacent=text[offsets[head]:end] == suffix)
            owner = next((s for s in spans if s.type == "org" and s.start < offsets[start_index] <= s.end), None)
            if kind == "project" and owner is not None and owner.start in offsets:
                start_index = offsets.index(owner.start)  # 中西医结合医院住院楼: a building of the hospital
            while start_index < head and _strippable(tokens[start_index], places_text) \
                    and not (kind == "place" and start_index == head - 1 and tokens[start_index][1] in ("v", "vn") and len(tokens[start_index][0]) == 2):
                start_index += 1
            start = offsets[start_index]
            name = text[start:end]
            while name and name[0] in LEADING_FUNCTION_CHARS and len(name) > 3:
                name, start = name[1:], start + 1
            name, start, end = _balance_quotes(name, start, end)
            k = start_index
            while k < head and tokens[k][0] in places_text and places_text[tokens[k][0]].place is not None \
                    and tokens[k][0] == places_text[tokens[k][0]].place.name \
                    and (places_text[tokens[k][0]].place.level != "town" or suffix in ADMIN_SUFFIXES):
                k += 1
            if k > start_index:
                rest = text[offsets[k]:end]
                if kind in ("place", "project") and is_specific(rest, suffix, tokens[k:head]):
                    name, start, start_index = rest, offsets[k], k
                elif not is_specific(rest, suffix, tokens[k:head]):
                    continue
            verb_named_zone = kind == "place" and head - start_index == 1 and tokens[start_index][1] == "v" \
                and name == tokens[start_index][0] + suffix  # 回天地区: a name the dictionary reads as a verb
            quoted = text[start - 1:start] == "“" and text[end:end + 1] == "”" and _quoted_name(name, suffix)
            if name.startswith(GENERIC_PREFIXES):
                continue
            if not (verb_named_zone or quoted) and not is_specific(name, suffix, tokens[start_index:head]):
                continue
            if kind == "place" and head > start_index and tokens[head - 1][0] in AREA_PARTS:
                continue  # 三期核心区域, 新城东区中心区域: a part of a place named before
            if suffix in STRICT_SUFFIXES and not verb_named_zone and not _has_proper(tokens[start_index:head], name, places_text):
                continue
            if kind == "project" and name.endswith("项目") and self.suffix_type(name[:-2]) and len(name) >= 6:
                spans.append(Span(start, end, name, kind, role="项目"))  # marks a 项目-suffixed variant
                continue
            if AWARD.search(text[max(0, start - 10):start]) and kind != "policy":
                continue  # 获评…“两业融合”示范园: a title awarded, not a project
            if not _quote_closes_before_suffix(name, suffix):
                continue  # “产教科融汇”发展新模式: a description around a quoted slogan
            if text[start - 1:start] == "的" and not _has_proper(tokens[start_index:head], name, places_text, NAME_TAGS):
                continue  # 全国领先的生命科学研发生产基地: a description, not a name
            spans.append(Span(start, end, name, kind))
        spans = listed_spans(text, tokens, offsets, spans, self.suffix_type)
        spans.extend(person_spans(text, tokens, offsets, spans))
        return spans

    def _extend_left(self, tokens: list[Token], i: int, allow_verbs: bool = False, project: bool = False, adjacent: bool = True) -> int:
        """Index of the first token of the name whose suffix ends token `i`. `adjacent`: verbs
        right before the suffix may belong to the name (改造提升工程)."""
        j, chars = i, len(tokens[i][0])
        verbs_crossed = False
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
            if tag == "x" or word in STOP_WORDS and not (adjacent and tag == "v" and _verbs_follow_name(tokens, j - 1)):
                break
            is_verb = tag in ("v", "vd", "vn") and len(word) == 2
            verbs_crossed = verbs_crossed or (is_verb and adjacent)
            if tag not in NAME_POS and not ((allow_verbs or adjacent) and is_verb):
                break
            adjacent = adjacent and is_verb and tag == "v"
            if tag == "m" and not re.search(r"[0-9A-Za-z一二三四五六七八九十百]", word):
                break
            if tag in ("m", "t") and re.search(r"\d{4}|[年月日底]", word):
                break  # a date is not part of a name
            if chars + len(word) > 24:
                break
            if project and not verbs_crossed and len(word) >= 2 and (self.suffix_type(word) or ("", ""))[1] == "project" and tag != "ns":
                break  # 地铁5号线|天通苑站: another project's name ends here
            chars += len(word)
            j -= 1
            if word[0] in LEADING_FUNCTION_CHARS and tag == "nr":
                break  # 由昌 of 由昌发展集团: a function word glued to the name
        return j


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
    starts = {o: i for i, o in enumerate(offsets)}
    ends = {o + len(w): k for k, ((w, _), o) in enumerate(zip(tokens, offsets))}
    out_tokens: list[Token] = []
    out_offsets: list[int] = []
    i = 0
    for place in places:
        first, last = starts.get(place.start), ends.get(place.end)
        if first is None or last is None or first < i:
            return None
        out_tokens += tokens[i:first]
        out_offsets += offsets[i:first]
        out_tokens.append((place.text, "ns"))
        out_offsets.append(place.start)
        i = last + 1
    return out_tokens + tokens[i:], out_offsets + offsets[i:]


def _verbs_follow_name(tokens: list[Token], k: int) -> bool:
    """The run of verbs ending at token `k` follows a name-like noun (昌平文化馆|改造提升)."""
    while k >= 0 and tokens[k][1] == "v":
        k -= 1
    return k >= 0 and tokens[k][1] in PROPER_POS | {"n", "zg"} and tokens[k][0] not in STOP_WORDS


# A list closed by 等 and a head noun says what its items are: 华夏英泰、可瑞生物等13家企业 (org),
# 中关村生命科学园三期、国际生物工程创新中心等3个重大项目 (project).
LIST_HEADS = {
    "企业": "org", "公司": "org", "单位": "org", "机构": "org", "部门": "org", "高校": "org", "院所": "org",
    "医院": "org", "学校": "org", "项目": "project", "工程": "project", "计划": "policy", "方案": "policy", "政策": "policy",
}
_LIST_ITEM_STOP_TAGS = {"v", "vn", "vd", "p", "c", "d", "ad", "u", "uj", "ul", "x", "r", "f", "m", "q"}
_LIST_ITEM = re.compile(r"[\u4e00-\u9fffA-Za-z0-9“”]{3,20}")


def _list_head(tokens: list[Token], i: int) -> str | None:
    """What the words after 等 at token `i` say the items are: a type for a head noun
    (等13家企业, 等3个重大项目), "" for a bare count (等13项), None when no list closes here."""
    rest = tokens[i + 1:i + 6]
    k = 0
    if k < len(rest) and rest[k][1] == "m":
        k += 1
        if k < len(rest) and (rest[k][1] == "q" or rest[k][0] in ("项", "家", "个", "所", "座", "条")):
            k += 1
    counted = k > 0
    for word, tag in rest[k:k + 3]:
        if word.startswith(FIELD_WORDS):
            return None  # 新能源、人工智能等领域企业: the items are fields, not names
        head = next((h for h in LIST_HEADS if word.endswith(h)), None)
        if head is not None:
            return LIST_HEADS[head]
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
FIELD_WORDS = ("领域", "行业", "产业", "方面", "类型", "业态", "方向", "门类")


def _common_words_only(tokens: list[Token], offsets: list[int], start: int, end: int) -> bool:
    """The item is one common noun of the dictionary, or only descriptive words."""
    words = [tokens[k] for k, o in enumerate(offsets) if start <= o < end]
    if len(words) == 1 and words[0][1] in ("n", "vn", "l", "an"):
        return True
    return all(word in DESCRIPTORS for word, _ in words)


def listed_spans(text: str, tokens: list[Token], offsets: list[int], spans: list[Span], suffix_type) -> list[Span]:
    """Typed items of lists closed by 等 and a head noun; they replace the spans they cut across."""
    if "等" not in text:
        return spans
    for i, (word, _) in enumerate(tokens):
        if word != "等" or i == 0:
            continue
        head_type = _list_head(tokens, i)
        if head_type is None:
            continue
        separators = []
        j = i - 1
        while j >= 0 and (tokens[j][0] == "、" or tokens[j][1] != "x") and offsets[i] - offsets[j] <= 120:
            if tokens[j][0] in ("、", "和", "及", "与", "以及") and (tokens[j][0] == "、" or separators or j > 0 and tokens[j - 1][1] != "x"):
                separators.append(j)
            j -= 1
        bounds = []
        end = offsets[i]
        for sep in separators:
            bounds.append((offsets[sep] + len(tokens[sep][0]), end))
            end = offsets[sep]
        first_end_index = separators[-1] if separators else i
        first_start = _first_list_item(text, tokens, offsets, first_end_index, spans)
        if first_start is not None:
            bounds.append((first_start, end))
        for start, end in bounds:
            item = text[start:end]
            if not _LIST_ITEM.fullmatch(item) or item in GENERIC_NAMES or item.startswith(GENERIC_PREFIXES):
                continue
            if any(s.start == start and s.end == end for s in spans) or any(s.place is not None and s.start <= start and end <= s.end for s in spans):
                continue
            found = suffix_type(_PHASE_END.sub("", item))
            if not found and _common_words_only(tokens, offsets, start, end):
                continue  # 新能源、生物医药等企业: common nouns name a kind of firm, not one
            # A project's name carries its kind (园, 中心, 基地 …); a bare name in a list of
            # projects (落地星煜空天等11个成果转化项目) is the company that brings one.
            kind = found[1] if found else ("org" if head_type == "project" else head_type)
            if not kind or item == (found or ("",))[0]:
                continue
            spans = [s for s in spans if not (s.start < end and start < s.end and (s.start < start or s.end > end))]
            spans.append(Span(start, end, item, kind))
    return spans


# Words that open a generic phrase, not a name: 年度供地计划, 相关部门.
GENERIC_PREFIXES = ("年度", "相关", "有关", "各类", "各项", "其他", "其它", "下一", "上一", "这一", "每一")
# Administrative units whose names stand without the enclosing place (史各庄街道昌艺园社区 -> 昌艺园社区).
ADMIN_SUFFIXES = {"社区", "街道", "村", "镇", "乡"}
# Words before 区域/地区 that make a part of a place, not a place of its own.
AREA_PARTS = {"核心", "中心", "周边", "重点", "部分"}
# Two-character suffixes that make a name with any two characters before them (南方日报, 水屯地块, 火箭大街).
NAMING_SUFFIXES = {"日报", "晚报", "时报", "商报", "地块", "大街"}
# Suffixes so common that the name needs a proper noun, a place, a number or a quote before them.
STRICT_SUFFIXES = {"项目", "规划", "平台", "地区", "区域", "公司", "案例"}


def _has_proper(tokens: list[Token], name: str, places: dict, tags: set[str] = PROPER_POS) -> bool:
    return any(tag in tags or word in places for word, tag in tokens) or bool(_NAME_MARK.search(name))


def _quote_closes_before_suffix(name: str, suffix: str) -> bool:
    """A quote inside a name closes right before its suffix (“3个100”重点工程) or encloses it."""
    if "”" not in name:
        return True
    after = _PHASE_END.sub("", name[name.rindex("”") + 1:])
    return after == "" or after == suffix


STRIP_POS = {"v", "vd", "d", "p", "c", "t", "r", "u", "uj", "ad", "z", "f"}


def _strippable(token: Token, places: dict) -> bool:
    word, tag = token
    if tag == "t":
        return bool(re.search(r"[年月日底今近期时后前]", word))
    if word in STOP_WORDS or tag in STRIP_POS:
        return True
    return tag == "m" and bool(re.search(r"\d{4}|[年月日底]|^[一二三四五六七八九十两]+$", word))


def _balance_quotes(name: str, start: int, end: int) -> tuple[str, int, int]:
    while name.count("“") > name.count("”") and name.startswith("“"):
        name, start = name[1:], start + 1
    while name.startswith("”"):
        name, start = name[1:], start + 1
    return name, start, end


# Descriptive words that make a generic phrase, not a name, when nothing else precedes the suffix.
DESCRIPTORS = set(
    "高 高端 高品质 高精尖 优质 重要 重大 重点 基层 全国 国家 国际 义务 口袋 人均 民生 里子 面子 示范 基础 地下 地上 "
    "产业 工业 科技 创新 研发 生产 成果 转化 服务 养老 惠民 孵化 集体 综合 配套 新型 传统 现代 智慧 特色 大型 小型 "
    "公共 文化 体育 医疗 教育 人才 科研 科学 生物 医药 生物医药 信息 数字 绿色 生态 城市 社区 乡村 农村 老 旧 老旧 新 "
    "设施 项目 工程 小剧场 戏剧 城市更新 更新 改造 世界一流 国际一流 国内领先 一流 领先 高科技 制造 制造业 先进制造 "
    "市级 区级 省级 国家级 县级 旧 工业区 世界 活动 休闲 连片 零星 低效 闲置 存量 周边".split()
)


def is_specific(name: str, suffix: str, prefix_tokens: list[Token]) -> bool:
    """A generic phrase (老旧小区, 产业园区, 相关负责人, 公园一期) is not an entity."""
    name = _PHASE_SECTION_END.sub("", name)
    if name in GENERIC_NAMES or len(name) <= len(suffix) or len(name) < 3:
        return False
    prefix = name[: -len(suffix)] if name.endswith(suffix) else name
    if prefix in STOP_WORDS or prefix in GENERIC_NAMES or name.startswith(GENERIC_PREFIXES):
        return False
    if prefix_tokens and all(word in DESCRIPTORS for word, _ in prefix_tokens):
        return False
    if _COUNT.search(_QUOTED.sub("", name)):
        return False  # a count (75项重点项目), not a name
    if _UNIT_COUNTS.fullmatch(name):
        return False  # 一镇六街道: counts of units
    if any(tag in PROPER_POS for _, tag in prefix_tokens) or _NAME_MARK.search(name):
        return True
    # only common words before the suffix: two of them, or a two-character one before a
    # suffix that is itself specific enough (未来科学城, 回天地区)
    return len(prefix_tokens) >= 2 or len(prefix) >= 3 or (len(prefix) == 2 and (len(suffix) >= 3 or suffix in NAMING_SUFFIXES) and suffix not in STRICT_SUFFIXES)


def person_spans(text: str, tokens: list[Token], offsets: list[int], named: list[Span]) -> list[Span]:
    out = []
    for i in [i for i, (word, _) in enumerate(tokens) if word[0] in SURNAMES and 2 <= len(word) <= 3]:
        word, tag = tokens[i]
        start = offsets[i]
        speaks = _SPEECH_AFTER.match(text, start + len(word)) is not None
        if tag not in ("nr", "nrfg", "nrt") and not (speaks and _ROLE_BEFORE.search(text, max(0, start - 4), start)):
            continue
        before = text[max(0, start - 20):start].rstrip(" 　")
        found_role = _ROLE_BEFORE.search(before)
        role_match = found_role.group() if found_role else None
        if role_match is None and not speaks:
            continue
        role, org = None, None
        if role_match:
            head = re.split(r"[，。；：！？,.;:!?\s■●▲（）()“”\"]", before)[-1]
            org_span = next((s for s in named if s.type == "org" and s.end <= start and head.startswith(s.text)), None)
            if org_span is None:
                org_span = next((s for s in named if s.type == "org" and s.end == start - (len(before) - len(before.rstrip(" 　"))) - len(head) + len(s.text) and s.text in head), None)
            if org_span and head.startswith(org_span.text):
                org, role = org_span.text, head[len(org_span.text):] or role_match
            else:
                org_in_head = next((s.text for s in named if s.type == "org" and head.startswith(s.text)), None)
                org, role = org_in_head, head[len(org_in_head):] if org_in_head else head
            role = role or role_match
        out.append(Span(start, start + len(word), word, "person", role=role, org=org))
    return out


# --- places ---


def find_places(gazetteer: Gazetteer, paragraphs: list[tuple[int, str]], boundaries: dict[int, set[int]] | None = None) -> dict[int, list[Span]]:
    """Gazetteer places in each paragraph: provinces and cities anywhere; counties
    when unambiguous or inside a province/city the article names; towns only under
    a county the article names, and a town's short form only where a word of the
    paragraph begins (`boundaries`: seq -> offsets), not inside one (江高 of 临江高科园)."""
    raw: dict[int, list[tuple[int, int, str]]] = {}
    context: set[str] = set()
    for seq, text in paragraphs:
        raw[seq] = [(s, e, f) for s, e, f in gazetteer.upper_forms.find(text)
                    if not (f.endswith("区") and text[e:e + 1] == "域")]
        for _, _, form in raw[seq]:
            for place in gazetteer.candidates(form):
                if place.level in ("province", "city"):
                    context.update(p.name for p in place.chain())
    from collections import Counter

    counts = Counter(f for spans in raw.values() for _, _, f in spans)
    out: dict[int, list[Span]] = {}
    counties: dict[str, Place] = {}
    for seq, text in paragraphs:
        spans = []
        for start, end, form in raw[seq]:
            place = choose_place(gazetteer.candidates(form), context, form, counts[form] > 1)
            if place is None:
                continue
            if place.level == "county":
                counties[place.name + (place.adcode or "")] = place
            spans.append(Span(start, end, form, "place", place=place))
        out[seq] = spans
    for county in counties.values():
        forms = gazetteer.town_forms(county)
        if not forms:
            continue
        for seq, text in paragraphs:
            taken = [(s.start, s.end) for s in out[seq]]
            for start, end, form in forms.find(text):
                if any(a < end and start < b for a, b in taken):
                    continue
                towns = [t for t in gazetteer.candidates(form, ("town",)) if t.parent is county]
                cuts = (boundaries or {}).get(seq)
                if towns and form != towns[0].name and cuts and start not in cuts:
                    continue
                if towns:
                    out[seq].append(Span(start, end, form, "place", place=towns[0]))
    return out


def choose_place(candidates: list[Place], context: set[str], form: str, repeated: bool = False) -> Place | None:
    upper = [p for p in candidates if p.level != "town"]
    if not upper:
        return None
    full = [p for p in upper if p.name == form]
    in_context = [p for p in upper if p.parent is None or p.parent.name in context]
    if full:
        pool = [p for p in full if p in in_context or p.level in ("province", "city")]
        if not pool and len(full) == 1 and len(form) >= 3 and (repeated or not context) and not (context and full[0].chain()[-1].name not in context):
            pool = full  # an unambiguous full name the article repeats
    else:
        high = [p for p in upper if p.level in ("province", "city")]
        pool = [p for p in in_context if p.parent is not None] or high
    if not pool:
        return None
    return pool[0]


# --- spans to entities ---


def merge_spans(places: list[Span], named: list[Span]) -> list[Span]:
    """Named spans win over the gazetteer places and shorter names they contain,
    except a gazetteer place that is a whole word of the name is kept too (its
    mention is nested)."""
    named = sorted(named, key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Span] = []
    for span in named:
        outer = [k for k in kept if k.start <= span.start and span.end <= k.end and (k.start, k.end) != (span.start, span.end)]
        if outer and not (span.type == "org" and not span.text.endswith("实验室") and all(k.type == "project" and k.start == span.start for k in outer)):
            continue
        if outer:
            kept.append(span)
            continue
        if any(k.start < span.end and span.start < k.end for k in kept):
            continue
        kept.append(span)
    out = list(kept)
    for place in places:
        same = next((k for k in kept if (k.start, k.end) == (place.start, place.end)), None)
        if same is not None:
            same.type, same.place = "place", place.place
            continue
        nested = any(k.start <= place.start and place.end <= k.end for k in kept)
        if nested and place.text != place.place.name:
            continue
        out.append(place)
    return sorted(out, key=lambda s: s.start)


def is_short_form(short: str, full: str) -> bool:
    """清华南口国重基地 ⊂ 清华南口国家重点实验室基地; 昌平园 ⊂ 中关村昌平园; 《案例集》 ⊂ 《…案例集》."""
    if short.startswith("《") and full.startswith("《"):
        short, full = short.strip("《》"), full.strip("《》")
    if len(short) >= len(full) or len(short) < 3:
        return False
    if full.endswith(short):
        return True
    if short[:2] != full[:2] or short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


def resolve_entities(spans_by_seq: dict[int, list[Span]]) -> list[Entity]:
    by_key: dict[tuple[str, str], Entity] = {}
    for seq in sorted(spans_by_seq):
        for span in spans_by_seq[seq]:
            name = span.place.name if span.place is not None else span.text
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
                elif span.type == "place" and name.endswith("地区") and len(name) >= 4:
                    entity.aliases.append(name[:-2])  # 回天地区 -> 回天, as the gazetteer's 南口地区 -> 南口
                by_key[key] = entity
            if span.text != entity.name and span.text not in entity.aliases:
                entity.aliases.append(span.text)
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
                       if other is not entity and id(other) not in merged and is_short_form(entity.name, other.name)), None)
        without_qu = by_key.get((entity.name[:-1], entity.type)) if entity.name.endswith("区") else None
        if without_qu is not None and id(without_qu) not in merged:
            target = without_qu
        if target is not None:
            merged[id(entity)] = target
            target.aliases.extend(a for a in (entity.name, *entity.aliases) if a not in target.forms())
            target.mentions.extend(entity.mentions)
    out = [e for e in entities if id(e) not in merged]
    _parent_named_places(out)
    return out


def _town_aliases(place: Place) -> list[str]:
    stem = place.aliases[0] if place.aliases else None
    out = []
    if stem and place.name.endswith("地区"):
        out.append(stem + "镇")
    return out


def _parent_named_places(entities: list[Entity]) -> None:
    """A named zone without a gazetteer parent takes a place its name starts with or contains."""
    places = [e for e in entities if e.type == "place"]
    for entity in places:
        if entity.parent or entity.adcode:
            continue
        for other in sorted(places, key=lambda e: -len(e.name)):
            if other is entity:
                continue
            if any(form in entity.name for form in other.forms()) and len(other.name) < len(entity.name) + 3:
                entity.parent = other.name
                break
