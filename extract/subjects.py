"""What each figure is about: a metric's subject, chosen in one place from the
entities found in the article (`assign_subjects`, a pipeline stage run after the
entity extractor).

A figure is about the entity its clause or sentence names, or, when the sentence
names none, the one the text was about just before (carried from sentence to
sentence); with nothing named yet, the place the article is about. Figures of
the whole country, of unnamed groups and benchmarks have no subject; an entity
that a figure is compared with (相当于上海的) is not its subject. The words are in
`data/subject_cues.tsv`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from urbandb.extract.entity_records import Entity
from urbandb.extract.wordlists import LEVEL_AFTER_RE, LIST_JOINTS, SENTENCE_REACH, word_table

SUBJECT_TYPES = ("place", "project", "org", "policy")
COUNTED = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?[多余]?[片个家处项所座条栋套张名]")
SENTENCE_END = "。！？!?；;\n"
CLAUSE_END = SENTENCE_END + "，,：:"


@dataclass(frozen=True)
class Named:
    """One mention of an entity that may be a subject, in paragraph offsets."""

    start: int
    end: int
    entity: Entity
    referred: bool = False  # 该项目, 园区: a word that refers back to the entity, not its name


# Mentions of a paragraph are kept in reading order (by start), so the ones near a
# figure are found by bisection: the cost per figure does not grow with the paragraph.
INTO_NAME_MAX = 1  # characters `Cues.into_name` may span between a figure and a name


def _start(n: Named) -> int:
    return n.start


def between(named: list[Named], lo: int, hi: int) -> list[Named]:
    """The mentions that lie within [lo, hi), in reading order."""
    window = named[bisect_left(named, lo, key=_start):bisect_left(named, hi, key=_start)]
    return [n for n in window if n.end <= hi]


def last_ending_by(named: list[Named], pos: int, kinds: tuple[str, ...] | None = None) -> Named | None:
    """The last mention (in reading order) that ends by `pos`, of one of `kinds` if given."""
    for i in range(bisect_left(named, pos, key=_start) - 1, -1, -1):
        n = named[i]
        if n.end <= pos and (kinds is None or n.entity.type in kinds):
            return n
    return None


@dataclass(frozen=True)
class Cues:
    no_subject: re.Pattern  # somewhere in the clause: no named subject
    benchmark: re.Pattern  # right before a mention: a benchmark or a source, not the subject
    speaker: re.Pattern  # after a mention, its role and name at most: who speaks or reports (X集团总经理王某介绍), not the subject
    lead: re.Pattern  # all that may stand between a clause start and its subject
    reference: re.Pattern  # 该项目, 该区域: the project or place named last
    whole: dict[str, str]  # 全区 -> county: the article's place of that level
    into_name: re.Pattern  # all that may stand between a figure and the project name it is written into
    among: re.Pattern  # after a bounded figure: …的X中, "among the X with more than"
    counted_before: re.Pattern  # a count right before a bounded figure (34个 3万㎡以上购物中心): the bound classes what is counted
    noun_next: re.Pattern
    bound_word: re.Pattern  # the bound words
    one_of: re.Pattern  # after a count: …之一, the whole the subject is one of
    span_first: re.Pattern  # a clause opening so names its subject in the next clause (经过14年建设，X…)
    hypothetical: re.Pattern  # a sentence that supposes (如果…): an example
    attribute: re.Pattern  # a clause opening on a project's own measure (总投资, 占地面积)


def _alternatives(words) -> str:
    return "|".join(map(re.escape, words))


def _starts_with(words) -> str:
    """A lookahead for the first characters of `words`: put before an alternation of named
    groups (which the regex engine cannot skip ahead by), a search passes over other
    positions at once."""
    return "(?=[" + "".join(sorted({re.escape(w[0]) for w in words})) + "])"


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    table = word_table("subject_cues")
    return Cues(
        no_subject=re.compile(_alternatives(table["no_subject"])),
        benchmark=re.compile(f"(?:{_alternatives(table['benchmark'] + table['source_before'])})$"),
        speaker=re.compile(rf"[^，,。；;：:“”！？\s]{{0,8}}?(?:{_alternatives(table['source_after'])})"),
        lead=re.compile(rf"(?:{_alternatives(table['lead'])}|[0-9０-９]+[年月日号]|[\s“”、])*"
                        rf"(?:(?:{_alternatives(table['described'])})[^，,。；;：:！？]{{1,20}}?的)?"),
        reference=re.compile(
            _starts_with(table["reference_project"] + table["reference_place"] + table["reference_org"] + table["reference_any"])
            + f"(?:(?P<project>{_alternatives(table['reference_project'])})|(?P<place>{_alternatives(table['reference_place'])})"
            f"|(?P<org>{_alternatives(table['reference_org'])})"
            f"|(?P<any>{_alternatives(table['reference_any'])}))"
        ),
        whole={word: kind.split("_", 1)[1] for kind in table if kind.startswith("whole_") for word in table[kind]},
        into_name=re.compile(r"(?:的)?"),  # at most INTO_NAME_MAX characters
        among=re.compile(r"的[^，。；！？]{1,8}中[，,]"),
        counted_before=re.compile(r"[0-9０-９]+[个家座所处]\s*$"),
        noun_next=re.compile(r"[\u4e00-\u9fff]"),
        bound_word=re.compile(_alternatives(table["bound_before"] + table["bound_after"])),
        one_of=re.compile(rf"[^，。；！？]{{0,16}}?之一"),
        span_first=re.compile(rf"\s*(?:{_alternatives(table['span_first'])})"),
        hypothetical=re.compile(_alternatives(table["hypothetical"])),
        attribute=re.compile(rf"\s*(?:项目)?(?:{_alternatives(table['attribute'])})"),
    )


def mentions_by_paragraph(entities: list[Entity], texts: dict[int, str] | None = None) -> dict[int, list[Named]]:
    """The outermost mentions of subject-like entities, per paragraph, in reading order
    (北京 inside 北京大学 is not a mention of 北京 for this purpose); not the place of a
    dateline (本报北京7月20日电: where the report was filed, not what it is about)."""
    datelines = dateline_ends(texts or {})
    by_seq: dict[int, list[Named]] = {}
    for entity in entities:
        if entity.type not in SUBJECT_TYPES or COUNTED.match(entity.name):
            continue  # 58片历史文化街区: a count of things, not a name (17号线 is one)
        for m in entity.mentions:
            if m.char_end <= datelines.get(m.paragraph_seq, 0):
                continue
            by_seq.setdefault(m.paragraph_seq, []).append(Named(m.char_start, m.char_end, entity))
    out = {}
    for seq, named in by_seq.items():
        named.sort(key=lambda n: (n.start, -n.end))
        kept: list[Named] = []
        for n in named:
            if kept and n.start < kept[-1].end:
                continue  # inside (or overlapping) the mention before it
            kept.append(n)
        out[seq] = kept
    return out


MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京, 天津, 上海, 重庆: their 全市 is the whole of them


def place_level(place: Entity) -> str:
    code = place.adcode
    if code is None:
        return "zone"
    if code.endswith("0000"):
        return "city" if code[:2] in MUNICIPALITIES else "province"
    return "city" if code.endswith("00") else "county"


def dateline_ends(texts: dict[int, str]) -> dict[int, int]:
    """Paragraph seq -> where the dateline opening it ends (本报北京7月20日电)."""
    return {seq: found.end() for seq, text in texts.items() if (found := _DATELINE.match(text))}


def article_topic(entities: list[Entity], level: str | None = None, datelines: dict[int, int] | None = None) -> Entity | None:
    """The place (of `level`, when given) the article names most often (ties: the one named
    first), not counting the places of its datelines. When every place is named once, the
    innermost of them if they lie on one chain, else none."""
    datelines = datelines or {}
    mentions = {e.name: [m for m in e.mentions if m.char_end > datelines.get(m.paragraph_seq, 0)]
                for e in entities if e.type == "place" and (level is None or place_level(e) == level)}
    places = [e for e in entities if mentions.get(e.name)]
    if not places:
        return None
    first = {e.name: min((m.paragraph_seq, m.char_start) for m in mentions[e.name]) for e in places}
    topic = max(places, key=lambda e: (len(mentions[e.name]), tuple(-x for x in first[e.name])))
    if len(places) == 1 or len(mentions[topic.name]) > 1:
        return topic
    # Every place named once: the innermost of one chain (成都金堂县 -> 金堂县) is the topic;
    # places side by side (a list of provinces) make none.
    by_name = {e.name: e for e in places}
    for place in places:
        outer, parent = set(), place.parent
        while parent in by_name and parent not in outer:
            outer.add(parent)
            parent = by_name[parent].parent
        if len(outer) == len(places) - 1:
            return place
    return None


def with_references(named: dict[int, list[Named]], texts: dict[int, str], cues: Cues) -> dict[int, list[Named]]:
    """Mentions plus the references (该项目, 该区域, 该企业) to the project, place or organization named last
    before them, in the same paragraph or the two before."""
    out: dict[int, list[Named]] = {}
    for seq in sorted(texts):
        text = texts[seq]
        own = named.get(seq, [])
        references = list(cues.reference.finditer(text))
        if not references:
            out[seq] = own
            continue
        recent = [n for s in range(seq - 2, seq) for n in named.get(s, [])]
        added = []
        for m in references:
            at = bisect_right(own, m.start(), key=_start) - 1
            if at >= 0 and own[at].end > m.start():
                continue  # 项目 inside a name (a paragraph's outermost mentions do not overlap)
            kinds = ("project",) if m["project"] else ("place",) if m["place"] else ("org",) if m["org"] else ("project", "place")
            before = last_ending_by(own, m.start(), kinds) or next(
                (n for n in reversed(recent) if n.entity.type in kinds), None)
            if before is not None:
                added.append(Named(m.start(), m.end(), before.entity, referred=True))
        out[seq] = sorted(own + added, key=lambda n: (n.start, -n.end))
    return out


_SENTENCE_MARK = re.compile(f"[{re.escape(SENTENCE_END)}]")
_CLAUSE_MARK = re.compile(f"[{re.escape(CLAUSE_END)}]")


class Marks:
    """Where one paragraph's sentences and clauses break, found once; a bound is a binary search."""

    def __init__(self, text: str):
        self.sentence = [m.start() for m in _SENTENCE_MARK.finditer(text)]
        self.clause = [m.start() for m in _CLAUSE_MARK.finditer(text)]
        self.respectively = [m.span() for m in _RESPECTIVELY.finditer(text)] if "分别" in text or "依次" in text else []
        self.hypothetical: dict[int, bool] = {}  # sentence start -> whether it supposes and names nothing

    @staticmethod
    def _after_last(positions: list[int], pos: int) -> int:
        i = bisect_left(positions, pos)
        return positions[i - 1] + 1 if i else 0

    def sentence_start(self, pos: int) -> int:
        return max(self._after_last(self.sentence, pos), pos - SENTENCE_REACH)

    def clause_start(self, pos: int) -> int:
        return self._after_last(self.clause, pos)


def opens_clause(text: str, marks: Marks, n: Named, cues: Cues) -> bool:
    """Whether the mention stands where a clause names what it is about: only time
    words and leads (目前, 其中, 作为 …) before it in its clause."""
    clause_start = marks.clause_start(n.start)
    return cues.lead.fullmatch(text, clause_start, n.start) is not None


def topics(text: str, marks: Marks, named: list[Named], cues: Cues) -> list[Named]:
    """The mentions of a paragraph that open their clause; one closed by 等 or followed by
    another name (A、B) heads a list, a group rather than one topic."""
    starts = {n.start: n for n in named}
    opening = [
        n for n in named
        if opens_clause(text, marks, n, cues) and text[n.end:n.end + 1] != "等" and not cues.speaker.match(text, n.end)
        and not (_LIST_JOINT.match(text, n.end) and n.end + 1 in starts)  # A、B: a list, not one topic
        and not (n.entity.type != "place" and _COUNTED_NEXT.match(text, n.end))  # 续建项目539个: what is counted
    ]
    # 广州白云区, 北京市昌平区: the place written right after another is the one meant; so is a
    # project written right after a place (金山 + 廊下镇X项目)
    return [_last_of_chain(n, starts) for n in opening]


def _last_of_chain(n: Named, starts: dict[int, Named]) -> Named:
    """萧山区宁围街道XS2024-18号地块: the last of places (and a project) written one right after another."""
    while n.entity.type == "place" and n.end in starts and starts[n.end].entity.type in ("place", "project"):
        n = starts[n.end]
    return n


_COMPARED_WITH = re.compile(r"(?:优于|低于|高于|好于|不及|超过|接近)[^，。；0-9]{0,4}$")
_RESPECTIVELY = re.compile("分别|依次")
# A dateline: 本报北京7月20日电, 新华社上海8月17日电, 本报海东讯.
_DATELINE = re.compile(r"\s*(?:本报|[\u4e00-\u9fffA-Za-z]{2,8}?(?:社|网|报|台))[\u4e00-\u9fff]{0,6}?(?:\d{1,2}月\d{1,2}日)?(?:电|讯)(?=[\s　（(：:|｜，,]|$)")
_SHARE = re.compile(r"[%％/成]")
_COUNTED_NEXT = re.compile(r"(?:约|超|近|共|达)?[0-9０-９]")
_LIST_JOINT = re.compile("[、和及与]")


def _first(span: tuple[int, int]) -> int:
    return span[0]


def respectively(text: str, marks: Marks, start: int, named: list[Named], figure_spans: list[tuple[int, int]]) -> Entity | None:
    """花都区、增城区、番禺区分别有3个、2个、1个: the figure's place in the figures after 分别
    (依次) picks the name at that place in the list of names before it. Without 分别, a run of
    figures joined by 、 和 及 与 alone, as many as the list has names, pairs them the same
    way (深圳、广州…达到68%和65%); figures with words between them (共推出面积A、建筑规模B) do not."""
    sentence_start = marks.sentence_start(start)
    cue = None
    k = bisect_left(marks.respectively, (start,))  # the last 分别 before the figure, in its sentence
    while k and marks.respectively[k - 1][1] > start:
        k -= 1
    if k and marks.respectively[k - 1][0] >= sentence_start:
        cue = marks.respectively[k - 1]
    if cue is not None:
        first, last = cue
        position = bisect_left(figure_spans, start, key=_first) - bisect_left(figure_spans, last, key=_first)
    else:
        clause_start = marks.clause_start(start)
        i = bisect_left(marks.clause, start)
        clause_end = marks.clause[i] if i < len(marks.clause) else len(text)
        in_clause = figure_spans[bisect_left(figure_spans, clause_start, key=_first):bisect_left(figure_spans, clause_end, key=_first)]
        if len(in_clause) < 2:
            return None  # (most figures: the only one in their clause, no run)
        run = _joined_run(text, in_clause, start)
        if len(run) < 2:
            return None
        first = run[0][0]
        position = bisect_left(run, start, key=_first)
    before = between(named, sentence_start, first)
    listed: list[Named] = []
    for n in before:  # the last run of names joined by 、 和 及 与
        if listed and (n.start - listed[-1].end > 1 or not _LIST_JOINT.fullmatch(text, listed[-1].end, n.start)):
            listed = []
        listed.append(n)
    if cue is None and len(listed) != len(run):
        return None
    if len(listed) >= 2 and position < len(listed):
        return listed[position].entity
    return None


def _joined_run(text: str, spans: list[tuple[int, int]], start: int) -> list[tuple[int, int]]:
    """The run of figure spans joined by 、 和 及 与 alone that holds the figure at `start`."""
    run: list[tuple[int, int]] = []
    for span in spans:
        if run and not _LIST_JOINT.fullmatch(text, run[-1][1], span[0]):
            if any(f == start for f, _ in run):
                break
            run = []
        run.append(span)
    return run if any(f == start for f, _ in run) else []


def choose_subject(
    text: str, marks: Marks, start: int, named: list[Named], topical: list[Named], cues: Cues,
    wholes: dict[str, Entity | None], figure_spans: list[tuple[int, int]] = (), end: int | None = None,
    before: tuple[int, Entity | None] | None = None,
) -> tuple[Entity | None, bool]:
    """The entity the figure at `start` (to `end`) of `text` is about, and whether its sentence
    decided (True) or the caller should carry the subject from before (False): what its
    phrase or its clause says (`_in_its_phrase`, `_in_its_clause`), else the nearest mention that opens a clause of the sentence before the figure
    (unless `before`, where the figure before it in the sentence stands and what it is about, comes after that mention), else
    a place named in the figure's own clause."""
    sentence_start = marks.sentence_start(start)
    clause_start = marks.clause_start(start)
    end = start if end is None else end
    said = _in_its_phrase(text, start, end, named, cues)
    if said is not None:
        return said[0], True
    right_before = _item_named_before(text, start, end, clause_start, named)
    if right_before is not None:
        return right_before.entity, True
    if start > 0 and text[start - 1] in "（(":
        bracketed = last_ending_by(named, start - 1)
        if bracketed is not None and bracketed.end == start - 1:
            return bracketed.entity, True  # 其次是深圳都市圈（3247.99万）: the figure in brackets after a name
    if cues.no_subject.search(text, clause_start, start) or _hypothetical(text, marks, start, named, cues):
        return None, True
    if _COMPARED_WITH.search(text, max(clause_start, start - 6), start) and LEVEL_AFTER_RE.match(text, end):
        return None, True  # 优于24城水平: the level compared with, about no one named
    said = _in_its_clause(text, marks, start, end, named, topical, cues, wholes)
    if said is not None:
        return said[0], True
    # 全国… earlier in the sentence: the whole country, unless the sentence names something after it
    nation = cues.no_subject.search(text, sentence_start, start)
    if nation and not between(named, nation.end(), start):
        return None, True
    listed = respectively(text, marks, start, named, figure_spans)
    if listed is not None:
        return listed, True
    share = _SHARE.search(text, start, end)
    for word, level in cues.whole.items():
        at = text.find(word, clause_start, start)
        if at >= 0 and not (share and at + len(word) == start):  # 全市1/3的: the whole is the base of a share
            return wholes.get(level), True

    def usable(n: Named, floor: int) -> bool:
        return (floor <= n.start and n.end <= start and not cues.benchmark.search(text, max(sentence_start, n.start - 3), n.start)
                and text[n.end:n.end + 1] != "等")  # a list closed by 等 is an unnamed group

    measured = _measured_project(text, marks, start, named, cues)
    if measured is not None and usable(measured, sentence_start):
        return measured.entity, True
    opening = [n for n in between(topical, sentence_start, start) if usable(n, sentence_start)]
    if opening and before is not None and before[1] is not None and before[0] > opening[-1].end:
        return before[1], True  # 省政府明确…，全省新开工1578个，惠及居民56.2万户: the figure before says
    if opening:
        return opening[-1].entity, True
    # else a place named in the figure's own clause (占广东省45%以上的土地面积)
    in_clause = [n for n in between(named, clause_start, start) if usable(n, clause_start) and n.entity.type == "place"]
    if in_clause:
        last = in_clause[-1]
        if _LIST_JOINT.match(text, last.end) or last.start and text[last.start - 1] == "、":
            return None, True  # 京山市、沙洋县先后有28个项目: a figure of the places listed together, not of the last
        return last.entity, True
    return None, False


def _measured_project(text: str, marks: Marks, start: int, named: list[Named], cues: Cues) -> Named | None:
    """The project the clause before ends on, when the figure's clause opens on a
    project's own measure and names nothing (龙华区开工建设某某产业园，总投资35亿元):
    named there, not referred to (签约22个项目), and not the last of a list (A、B)."""
    clause_start, sentence_start = marks.clause_start(start), marks.sentence_start(start)
    if clause_start <= sentence_start or not cues.attribute.match(text, clause_start) or between(named, clause_start, start):
        return None
    ends_on = last_ending_by(named, clause_start - 1)
    if ends_on is not None and ends_on.referred and ends_on.end == clause_start - 1:
        ends_on = last_ending_by(named, ends_on.start)  # 某某基地|项目，: the word 项目 after the name
    if (ends_on is None or text[ends_on.end:clause_start - 1] not in ("", "项目") or ends_on.entity.type != "project"
            or ends_on.referred or ends_on.start <= sentence_start or _LIST_JOINT.match(text, ends_on.start - 1)):
        return None
    return ends_on


def _item_named_before(text: str, start: int, end: int, clause_start: int, named: list[Named]) -> Named | None:
    """The place written right before the figure when the two make an item of their own
    (其中河东街道1个小区、河西街道2个小区): the name opens its clause or follows a joint
    that closes an item with a figure; not a list of bare names the figure counts
    (A、B、C五大产业片区, A、B2项)."""
    before = last_ending_by(named, start)
    # (a place: a project or org right before a count is what is counted, 续建项目539个)
    if before is None or before.end != start or before.referred or before.entity.type != "place" or _LIST_JOINT.match(text, end):
        return None
    if before.start == clause_start:
        return before
    if before.start and text[before.start - 1] in LIST_JOINTS:
        item_before = last_ending_by(named, before.start - 1)
        if item_before is None or item_before.end != before.start - 1:
            return before
    return None


def _hypothetical(text: str, marks: Marks, start: int, named: list[Named], cues: Cues) -> bool:
    """A sentence that supposes (一块约50亩的用地，如果用于…) and names nothing: its figures
    are an example, about no one."""
    sentence_start = marks.sentence_start(start)
    found = marks.hypothetical.get(sentence_start)
    if found is None:  # once per sentence, not once per figure in it
        i = bisect_left(marks.sentence, start)
        sentence_end = min(marks.sentence[i] if i < len(marks.sentence) else len(text), start + SENTENCE_REACH)
        found = marks.hypothetical[sentence_start] = (
            cues.hypothetical.search(text, sentence_start, sentence_end) is not None
            and bisect_left(named, sentence_start, key=_start) == bisect_left(named, sentence_end, key=_start))
    return found


def _in_its_phrase(text: str, start: int, end: int, named: list[Named], cues: Cues) -> tuple[Entity | None] | None:
    """(subject,) when the figure's own phrase decides: the project it is written into
    (日产6200吨X生产线), or none for a bound that defines a group (超过100家的购物中心中,
    34个 3万㎡以上购物中心); else None."""
    # into_name is at most one character (的): only mentions starting right after the figure
    for n in named[bisect_left(named, end, key=_start):bisect_left(named, end + INTO_NAME_MAX + 1, key=_start)]:
        if (n.entity.type == "project" and cues.into_name.fullmatch(text, end, n.start)
                and text[n.start:n.end] in n.entity.forms()):
            return (n.entity,)
    if cues.bound_word.search(text, start, end) and (
            cues.among.match(text, end)
            or (cues.counted_before.search(text, max(0, start - 6), start) and cues.noun_next.match(text, end))):
        return (None,)
    return None


def _in_its_clause(
    text: str, marks: Marks, start: int, end: int, named: list[Named], topical: list[Named], cues: Cues,
    wholes: dict[str, Entity | None],
) -> tuple[Entity | None] | None:
    """(subject,) when the figure's clause is built so that it decides: after 经过 (经过14年建设，
    X…) the topic of a later clause of the sentence; for one of a whole (全市…的8个新市镇之一)
    the whole; else None."""
    clause_start, sentence_start = marks.clause_start(start), marks.sentence_start(start)
    if cues.span_first.match(text, clause_start):
        i = bisect_right(topical, end, key=_start)
        if i < len(topical) and marks.sentence_start(topical[i].start) == sentence_start:
            return (topical[i].entity,)
    if cues.one_of.match(text, end):
        for word, level in cues.whole.items():
            if text.find(word, clause_start, start) >= 0:
                return (wholes.get(level),)
        places = [n for n in between(named, clause_start, start) if n.entity.type == "place"]
        if places:
            return (places[-1].entity,)
    return None


SECTION_CAPTION_MIN = 8  # shorter numberless infobox lines are the keys of values (范围, 就业人口)


def fallbacks(
    paragraphs, named: dict[int, list[Named]], topical: dict[int, list[Named]], default: Entity | None, with_figures: set[int]
) -> dict[int, Entity | None]:
    """What a paragraph's figures are about when nothing in it says: under an infobox caption
    that opens with a name (未来科学城助力未来产业), that name, until the next caption; in a
    body paragraph that names nothing, the last name that opened a clause in the paragraph
    before; else the article's place."""
    out: dict[int, Entity | None] = {}
    section: Entity | None = None
    last_topic: Entity | None = None
    for p in paragraphs:
        ns = named.get(p.seq, [])
        caption = p.kind == "infobox" and p.seq not in with_figures and len(p.text.strip().split()) == 1
        if caption and ns and ns[0].start == 0:
            section = ns[0].entity  # 未来科学城助力未来产业
        elif caption and len(p.text.strip()) >= SECTION_CAPTION_MIN:
            section = None  # 生态环境改善(截至2020年): a new section, about no name
        elif p.kind != "infobox":
            section = None
        out[p.seq] = section or default
        if p.kind == "body":
            # a paragraph that names nothing goes on about what the one before was about
            if not ns and last_topic is not None:
                out[p.seq] = last_topic
            t = topical.get(p.seq, [])
            last_topic = t[-1].entity if t else (last_topic if not ns else None)
    return out


def assign_subjects(article):
    """Set `subject` (canonical name) and `subject_type` of every metric of the article."""
    if not article.metrics:
        return article  # nothing to assign
    cues = load_cues()
    entities = getattr(article, "entities", None) or []
    texts = {p.seq: p.text for p in article.paragraphs}
    named = with_references(mentions_by_paragraph(entities, texts), texts, cues)
    marks = {seq: Marks(texts.get(seq, "")) for seq in named}
    topical = {seq: topics(texts.get(seq, ""), marks[seq], ns, cues) for seq, ns in named.items()}
    datelines = dateline_ends(texts)
    default = article_topic(entities, datelines=datelines)
    # (a whole's place is asked for only where the text writes the whole: 全市, 全区 …)
    written = "\n".join(texts.values())
    wholes = {level: article_topic(entities, level, datelines) or default
              for level in {level for word, level in cues.whole.items() if word in written}}
    figures: dict[int, list[tuple[int, int]]] = {}
    for m in article.metrics:
        figures.setdefault(m.paragraph_seq, []).append((m.char_start, m.char_end))
    for spans in figures.values():
        spans.sort()
    fallback = fallbacks(article.paragraphs, named, topical, default, set(figures))
    sentence_subject: tuple[tuple[int, int], Entity | None] | None = None  # the last figure's, by sentence
    nation_at: dict[int, list[int]] = {}  # where figures without subject stand, by paragraph
    before_in_sentence: dict[tuple[int, int], tuple[int, Entity | None]] = {}  # the last figure of each sentence: where, about what
    for metric in article.metrics:
        text = texts.get(metric.paragraph_seq, "")
        paragraph_marks = marks.get(metric.paragraph_seq) or Marks(text)
        sentence = (metric.paragraph_seq, paragraph_marks.sentence_start(metric.char_start))
        entity, decided = choose_subject(text, paragraph_marks, metric.char_start, named.get(metric.paragraph_seq, []),
                                         topical.get(metric.paragraph_seq, []), cues, wholes,
                                         figures.get(metric.paragraph_seq, []), metric.char_end, before_in_sentence.get(sentence))
        if decided:
            sentence_subject = (sentence, entity)
            if entity is None:
                nation_at.setdefault(metric.paragraph_seq, []).append(metric.char_start)
        elif sentence_subject is not None and sentence_subject[0] == sentence:
            entity, decided = sentence_subject[1], True  # the figure before it in the sentence decided
        if not decided:
            # carried: the last entity that opened a clause earlier in the paragraph (unless a figure
            # of the whole country came after it), else the article's place
            earlier = last_ending_by(topical.get(metric.paragraph_seq, []), metric.char_start)
            national = nation_at.get(metric.paragraph_seq, [])
            if national and (earlier is None or national[-1] > earlier.end):
                entity = None
            else:
                entity = earlier.entity if earlier else fallback.get(metric.paragraph_seq, default)
        metric.subject = entity.name if entity else None
        metric.subject_type = entity.type if entity else None
        before_in_sentence[sentence] = (metric.char_start, entity)
    return article
