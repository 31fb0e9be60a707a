"""What the text says of each project: location, category, milestones, operators."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from urbandb.extract.entities import ADMIN_SUFFIXES
from urbandb.extract.entity_records import Entity, Milestone, Project
from urbandb.extract.wordlists import LIST_JOINTS, SENTENCE_REACH, word_table

_WORDS = word_table("project_words")
PARK_ENDINGS = tuple(_WORDS["park_ending"])
# Category by keywords of the name: the first category (in file order) with a keyword in the name.
CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(word_table("project_categories").items())
EVENTS = {word: kind.split(":", 1)[1] for kind, words in _WORDS.items() if kind.startswith("event:") for word in words}
_EVENT = "|".join(sorted(EVENTS, key=len, reverse=True))
_EVENT_RE = re.compile(_EVENT)
# A heading that dates what the paragraphs after it list: 2022年新入市项目：, 今年计划开业的项目有：
INTRO_EVENTS = {**EVENTS, **{w: k.split(":", 1)[1] for k, ws in _WORDS.items() if k.startswith("intro:") for w in ws}}
LIST_INTRO = re.compile(r"(?P<y>20\d\d)年[^：:。]*?(?P<event>" + "|".join(sorted(INTRO_EVENTS, key=len, reverse=True))
                        + r")[^：:。]*[：:]\s*$")
# A date as written: 2024年3月30日, 去年9月, 今年年底, 年底前 (the year of publication, no month), 年内.
_DATE = (r"(?:(?P<y>20\d\d)年|(?P<rel>去年|今年|明年))?(?:(?P<m>\d{1,2})月)?(?:(?P<d>\d{1,2})日)?"
         r"(?P<end>年底|年末|底|末|年内)?(?P<by>前)?")
RELATIVE_YEARS = {"去年": -1, "今年": 0, "明年": 1}
MILESTONE = re.compile(r"(?=20\d\d年|去年|今年|明年|\d{1,2}月|年底|年内)" + _DATE + r"(?P<gap>[^，。；、“”（）()]{0,10}?)(?P<event>" + _EVENT + ")")
# 2013年开业的X: a dated event right before a project's name.
DATED_BEFORE = re.compile(r"(?=20\d\d年|去年|今年|明年|\d{1,2}月)" + _DATE + r"(?:正式)?(?P<event>" + _EVENT + r")的$")
# X、Y开诊 / X主体封顶: an event said of a project without a date (it gives the status only).
UNDATED_AFTER = re.compile(r"(?:[已正式全面顺利相继先后均于]{0,4})(?P<event>" + _EVENT + r")(?!后)")
PLANNED = _WORDS["planned"]
# 已开工X等13项, 完工A、B2项: an event right before the names.
UNDATED_BEFORE = re.compile(r"(?:已|正式|新)?(?P<event>" + _EVENT + r")$")
# X正在加快建设, 加快A、B等重点项目建设: under construction, without a date.
UNDER_WAY = re.compile(r"(?:等[^，。；]{0,8}?)?(?:已|正|还)?(?:" + "|".join(_WORDS["under_way"]) + ")")
UNDER_WAY_AROUND = re.compile(r"加快(?:推进|实施)?$")
_BY_VERBS = "|".join(_WORDS["operator_by"])
OPERATOR_BY = re.compile(r"由(?P<org>[^，。；！？]{2,40})(?:共同|联合|负责)?(?:" + _BY_VERBS + ")")
OPERATOR_CUE = re.compile("|".join(_WORDS["operator_after"]))
PARTNER_CUE = re.compile("|".join(_WORDS["partner"]))
PARTNERS = re.compile(r"(?P<org>[^，。；！？]{2,30}?(?:" + "|".join(_WORDS["partner"]) + r")[^，。；！？]{2,30}?)(?:共同)?(?:"
                      + "|".join(_WORDS["partner_work"]) + ")")
# X为恒基兆业地产集团“星”品牌首发作品: the org whose work the project is
# 竞得人为A, 受让单位：A: the org that won the land, named after the word for it
WINNER_IS = re.compile(r"(?:" + "|".join(_WORDS["winner"]) + r")(?:为|是|：|:)(?P<org>[^，。；！？]{2,40})")
WORK_OF = re.compile(r"(?:为|是)(?P<org>[^，。；！？]{2,30}?)(?:" + "|".join(_WORDS["work_of"]) + ")")


_YEAR = re.compile(r"(20\d\d)年")


def reference_year(article) -> str | None:
    """Without a publication date, the year the text mentions most stands for "now"."""
    from collections import Counter

    years = Counter(_YEAR.findall(" ".join(p.text for p in article.paragraphs)))
    return years.most_common(1)[0][0] if years else None


def categorize(name: str) -> str:
    """The first category of the table with a telling word in the name, unless the
    name ends as a park does (`park_ending` in data/project_words.tsv). A
    one-character word (桥, 路, 站) tells only where it ends the name, before
    项目/工程 or a phase: inside a name it is part of a proper word (国宝桥米产业园)."""
    head = _NAME_TAIL.sub("", name)
    if head.endswith(PARK_ENDINGS):
        return "industrial_park"  # 汉城文化产业园: a park first, of whatever trade
    for category, inside, ending in _CATEGORY_CUES:
        if inside is not None and inside.search(name) or head.endswith(ending):
            return category
    return "other"


_NAME_TAIL = re.compile(r"(?:[（(]?[一二三四五六七八九十\d]+期[）)]?|项目|工程)+$")


def _category_cues(words: tuple[str, ...]) -> tuple[re.Pattern | None, tuple[str, ...]]:
    """A category's words as `categorize` reads them: the longer ones anywhere in the name
    (one regex), the one-character ones at the end of its head."""
    inside = [w for w in words if len(w) > 1]
    return re.compile("|".join(map(re.escape, inside))) if inside else None, tuple(w for w in words if len(w) <= 1)


_CATEGORY_CUES = tuple((category, *_category_cues(words)) for category, words in CATEGORY_RULES)


# A、B、C等20个先进制造业园区: the kind of thing a list of names is, after its 等 (the numeral optional)
_LIST_KIND = re.compile(r"(?:[、和及与][^，。；、]{1,20}?)*等(?:[\d一二三四五六七八九十百]+[个家座处所项条])?(?P<kind>[^，。；、等]{1,8})")


def category_of_list(entity: Entity, texts: dict[int, str]) -> str:
    """The category of a name without a telling word, from the kind its list names:
    宝安燕罗、龙岗宝龙等20个先进制造业园区 → industrial_park."""
    for mention in entity.mentions:
        m = _LIST_KIND.match(texts.get(mention.paragraph_seq, ""), mention.char_end)
        if m and (category := categorize(m.group("kind"))) != "other":
            return category
    return "other"


def date_of(match: re.Match, published: str | None) -> str | None:
    y, m, d, end = match.group("y"), match.group("m"), match.group("d"), match.group("end")
    relative = match.group("rel")
    if relative:  # 去年12月 in an article of 2024: 2023-12
        if not published:
            return None
        y = str(int(published[:4]) + RELATIVE_YEARS[relative])
    if y is None and m is None and not end:
        return None
    if y is None:
        if not published:
            return None
        y = published[:4]
    if m is None and end and end != "年内" and not match.group("by"):
        m = "12"  # 年底: December; 年底前 and 年内 give the year only
    date = y
    if m:
        date += f"-{int(m):02d}"
        if d:
            date += f"-{int(d):02d}"
    return date


_CLAUSE_BREAK = re.compile(r"[，,：:]")


def milestone_status(sentence_before: str, date: str, published: str | None) -> str:
    """The nearer of 已 and a planning word (预计, 计划, 将 …) in the event's clause decides;
    else a planning word earlier in the sentence; else the date against publication."""
    clause = _CLAUSE_BREAK.split(sentence_before)[-1]
    done_at = clause.rfind("已")
    planned_at = max(clause.rfind(w) for w in PLANNED)
    if done_at >= 0 or planned_at >= 0:
        return "done" if done_at > planned_at else "planned"
    if any(w in sentence_before for w in PLANNED):
        return "planned"
    if published and date[:4] > published[:4]:
        return "planned"
    if published and len(date) >= 7 and date[:7] > published[:7]:
        return "planned"
    if published and len(date) == 4 and date == published[:4]:
        return "planned"
    return "done"


_COOPERATES_WITH = re.compile(r"与(.{2,20}?)(?:全面|深度|战略)?合作")
_DAY_BEFORE = re.compile(r"(?:(20\d\d)年)?(\d{1,2})月(\d{1,2})日[，,]?$")
_PROJECT_EVENT_AFTER = re.compile(r"项目?(?:正式)?(" + _EVENT + ")")
_EVENT_AFTER = re.compile(r"(?:正式)?(" + _EVENT + ")")


def describe_projects(article, entities: list[Entity], spans_by_seq) -> list[Project]:
    by_name = {e.name: e for e in entities}
    forms = {f: e for e in entities for f in e.forms()}
    places = [e for e in entities if e.type == "place"]
    orgs = [e for e in entities if e.type == "org"]
    texts = {p.seq: p.text for p in article.paragraphs}
    dominant = _dominant_place(places)
    place_heads = {f[:2] for p in places for f in p.forms()}
    # named zones and parks, by first mention: what a project may be named after
    categories = {e.name: categorize(e.name) for e in entities if e.type == "project"}
    areas = sorted(((e.mentions[0].paragraph_seq, e.mentions[0].char_start), e.name) for e in entities if e.mentions and (
        e.type == "place" and e.adcode is None or e.type == "project" and categories[e.name] == "industrial_park"))
    published = article.published_date or reference_year(article)
    projects: list[Project] = []
    all_mentions = sorted((m.paragraph_seq, m.char_start, m.char_end, e.name) for e in entities if e.type == "project" for m in e.mentions)
    starts_by_seq: dict[int, list[int]] = {}
    ends_by_seq: dict[int, dict[int, int]] = {}
    for seq, start, end, _ in all_mentions:
        starts_by_seq.setdefault(seq, []).append(start)
        ends_by_seq.setdefault(seq, {})[start] = end
    begins_by_seq = {seq: {e: s for s, e in ends.items()} for seq, ends in ends_by_seq.items()}  # end -> start
    anchors = _anchors(all_mentions, texts)
    place_forms = _place_forms(places)
    place_form_set = {form for _, form in place_forms}
    leading_forms = tuple(form for place in places for form in place.forms() if len(form) >= 2)
    org_forms = [f for f, e in forms.items() if e.type == "org"]
    org_form_tuples = [(org, tuple(org.forms())) for org in orgs]
    index = ParagraphIndex(texts, spans_by_seq, forms)
    operators_by_sentence: dict[tuple[int, int], list[tuple[str, str]]] = {}
    introduced = introduced_by_heading(article.paragraphs, all_mentions, published)
    built_by_next_sentence = subjectless_operators(texts, all_mentions, orgs)
    for entity in entities:
        if entity.type != "project":
            continue
        project = Project(name=entity.name, category=categories[entity.name])
        if project.category == "other":
            project.category = category_of_list(entity, texts)
        project.location = _location(entity, places, index, forms, texts, anchors, areas, place_heads, place_forms, org_forms)
        bare_name = _without_leading_place(entity.name, leading_forms)
        former_site = entity.name.endswith(_FORMER_SITE)  # 天津第一机床总厂旧址: the works are gone
        for org, own_forms in [] if former_site else org_form_tuples:
            if entity.name.startswith(own_forms) or _brand_starts(bare_name, org):
                project.operators.append((org.name, "operator"))
        seen_events: set = set()
        for mention in anchors.get(entity.name, []):
            text = texts.get(mention.paragraph_seq, "")
            paragraph = index[mention.paragraph_seq]
            sentence_start, sentence_end = paragraph.sentence_start(mention.char_start), paragraph.sentence_end(mention.char_end)
            key = (mention.paragraph_seq, sentence_start)
            if key not in operators_by_sentence:
                operators_by_sentence[key] = operators_in(text[sentence_start:sentence_end], orgs)
            for org_name, role in operators_by_sentence[key]:
                if not any(o == org_name for o, _ in project.operators):
                    project.operators.append((org_name, role))
            for m in _COOPERATES_WITH.finditer(text[sentence_start:mention.char_start]):
                for org in orgs:
                    if any(f in m.group(1) for f in org.forms()) and not any(o == org.name for o, _ in project.operators):
                        project.operators.append((org.name, "operator"))
            # milestones: dated events after the mention in its sentence, up to the next project named
            later = starts_by_seq.get(mention.paragraph_seq, [])
            next_start = later[bisect_right(later, mention.char_end - 1)] if bisect_right(later, mention.char_end - 1) < len(later) else sentence_end
            tail_end = min(sentence_end, next_start)
            for event, date, status in milestones_after(text, sentence_start, mention.char_end, tail_end, published,
                                                        dated=article.published_date is not None):
                if date is None:
                    if (event, status) not in project.undated:
                        project.undated.append((event, status))
                elif (event, date) not in seen_events:
                    seen_events.add((event, date))
                    project.milestones.append(Milestone(event, date, status, mention.paragraph_seq))
            clause_start = max(sentence_start, text.rfind("，", sentence_start, mention.char_start) + 1)
            for event, date, status in milestones_before(text[clause_start:mention.char_start], published):
                if (event, date) not in seen_events:
                    seen_events.add((event, date))
                    project.milestones.append(Milestone(event, date, status, mention.paragraph_seq))
            for event, date, status in dated_earlier(text, sentence_start, mention.char_start, mention.char_end, published):
                if (event, date) not in seen_events:
                    seen_events.add((event, date))
                    project.milestones.append(Milestone(event, date, status, mention.paragraph_seq))
            undated = undated_event(text, sentence_start, mention.char_start, mention.char_end,
                                    ends_by_seq.get(mention.paragraph_seq, {}), begins_by_seq.get(mention.paragraph_seq))
            if undated and undated not in project.undated:
                project.undated.append(undated)
        # a project mentioned first by date and event before it (3月30日，X项目正式启动)
        for mention in entity.mentions[:1]:
            text = texts.get(mention.paragraph_seq, "")
            head = text[max(0, mention.char_start - 24):mention.char_start]
            if "日" in head:
                head = _without_trailing_places(head, place_form_set)  # 12月3日，滨海新区|X产业园正式开工
            after = text[mention.char_end:mention.char_end + 8]
            m = _DAY_BEFORE.search(head)
            e = _PROJECT_EVENT_AFTER.match(after) or _EVENT_AFTER.match(after)
            if m and e and published:
                date = f"{m.group(1) or published[:4]}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
                event = EVENTS[e.group(1)] if e.group(1) in EVENTS else "开工"
                if (event, date) not in seen_events:
                    project.milestones.append(Milestone(event, date, "done" if date[:len(published)] <= published else "planned", mention.paragraph_seq))
        for org_name, role in built_by_next_sentence.get(entity.name, []):
            if not any(o == org_name for o, _ in project.operators):
                project.operators.append((org_name, role))
        for event, date, status, seq in introduced.get(entity.name, []):
            if not any(m.event == event for m in project.milestones):
                project.milestones.append(Milestone(event, date, status, seq))
        projects.append(project)
    located = {p.name: p.location for p in projects}
    for project in projects:
        # beside or built on another project: where that one is, unless the text says more
        beside = _beside_project(by_name[project.name], index, forms, located)
        if beside and (project.location is None or _rank_of(beside, forms) > _rank_of(project.location, forms)):
            project.location = beside
        project.location = project.location or dominant
    return projects


def introduced_by_heading(paragraphs, all_mentions, published: str | None) -> dict[str, list[tuple[str, str, str, int]]]:
    """A line ending in a colon that dates an event (纵观2022年新入市项目：) introduces the
    paragraphs after it: each one whose first sentence names a project gives the first
    project it names the event. The list is the run of such paragraphs that starts within
    the next three and ends at the first that names none there, or at a heading."""
    first_named: dict[int, list[tuple[int, str]]] = {}
    for seq, start, _, name in all_mentions:
        first_named.setdefault(seq, []).append((start, name))
    found: dict[str, list[tuple[str, str, str, int]]] = {}
    intro, waited, listing = None, 0, False
    for paragraph in paragraphs:
        if intro is not None and paragraph.kind == "body" and paragraph.text.strip():
            first_end = _SENTENCE_MARK.search(paragraph.text)
            limit = first_end.start() if first_end else len(paragraph.text)
            named = [(start, name) for start, name in first_named.get(paragraph.seq, []) if start < limit]
            waited += 1
            if named:  # the paragraph's item: the first project it names
                found.setdefault(min(named)[1], []).append((*intro, paragraph.seq))
                listing = True
                continue
            if listing or waited >= 3:
                intro = None
        elif intro is not None and paragraph.text.strip():
            intro = None
        m = LIST_INTRO.search(paragraph.text) if paragraph.text.rstrip().endswith(("：", ":")) else None
        if m:
            date = m.group("y")
            intro = (INTRO_EVENTS[m.group("event")], date, milestone_status(paragraph.text[:m.start("event")], date, published))
            waited, listing = 0, False
    return found


def milestones_after(
    text: str, sentence_start: int, start: int, end: int, published: str | None, dated: bool = True
) -> list[tuple[str, str, str]]:
    """(event, date, status) of the dated events in `text[start:end]`, after a project's name:
    按照“2023年开工、2024年建成”, 计划2025年开工、2027年竣工投产, 一期2024年底建成开园.
    A bare 年底 or 年内 needs a `dated` article (a publication date, not a guessed year); a
    month or 去年 with no year to read it by gives the event with no date (None)."""
    found = []
    tail = text[start:end]
    for m in MILESTONE.finditer(tail):
        if not dated and not (m.group("y") or m.group("rel") or m.group("m")):
            continue
        date = date_of(m, published)
        if date is None and not (m.group("m") or m.group("rel")):
            continue
        # 去年8月投用, 2月19日开工 with no year to read them by: the event, undated
        status = milestone_status(text[sentence_start:start + m.start("event")], date or "", published)
        found.append((EVENTS[m.group("event")], date, status))
        # 建成开园, 竣工投产: a second event right after the first
        nxt = _EVENT_RE.match(tail[m.end():m.end() + 4])
        if nxt:
            found.append((EVENTS[nxt.group()], date, status))
    return found


_A_DATE = re.compile(r"(?=20\d\d年|去年|今年|明年)" + _DATE)
_EVENT_NEXT = re.compile(r"的?(?:" + "|".join(PLANNED) + r"|[已正式全面顺利相继先后均于]){0,4}(?P<event>" + _EVENT + r")(?!后)")


def dated_earlier(text: str, sentence_start: int, start: int, end: int, published: str | None) -> list[tuple[str, str, str]]:
    """2025年4月，随着X的交付使用 / 2023年，X开工: an event right after the name, dated by the
    last date earlier in the sentence with no event of its own."""
    event = _EVENT_NEXT.match(text, end)
    if event is None:
        return []
    dates = [m for m in _A_DATE.finditer(text, sentence_start, start) if m.group("y") or m.group("rel")]
    if not dates or _EVENT_RE.search(text[dates[-1].end():start]):
        return []
    date = date_of(dates[-1], published)
    if date is None:
        return []
    return [(EVENTS[event.group("event")], date, milestone_status(text[sentence_start:event.start("event")], date, published))]


def milestones_before(head: str, published: str | None) -> list[tuple[str, str, str]]:
    """2013年开业的X: a dated event in the words right before a project's name."""
    m = DATED_BEFORE.search(head)
    if not m:
        return []
    date = date_of(m, published)
    if date is None:
        return []
    return [(EVENTS[m.group("event")], date, milestone_status(head[:m.start("event")], date, published))]


_LISTED = re.compile(r"[、和及与]")
_BUILDING_AFTER = re.compile(r"[^，。；]{0,12}?建设")


def undated_event(
    text: str, sentence_start: int, start: int, end: int, names: dict[int, int], starts: dict[int, int] | None = None,
) -> tuple[str, str] | None:
    """(event, status) when the project's name, or the list of project names it is in
    (`names`: start -> end of the project names of the paragraph), is followed or preceded
    by an event without a date: 积水潭医院二期、清华长庚医院二期开诊, X主体封顶, X已投用,
    已开工X等13项; or said to be under construction (X正在加快建设, 加快A、B等项目建设)."""
    if starts is None:
        starts = {e: s for s, e in names.items()}
    while _LISTED.match(text, end) and end + 1 in names:
        end = names[end + 1]  # the event after the last name of a list answers for all
    while start - 1 in starts and _LISTED.match(text, start - 1):
        start = starts[start - 1]
    clause_start = max(sentence_start, *(text.rfind(c, sentence_start, start) + 1 for c in "，,；;：:"))
    if UNDER_WAY.match(text, end) or (UNDER_WAY_AROUND.search(text, clause_start, start)
                                      and _BUILDING_AFTER.match(text, end)):
        return "开工", "done"
    m = UNDATED_AFTER.match(text, end) or UNDATED_BEFORE.search(text, clause_start, start)
    if m is None:
        return None
    before = text[clause_start:m.start("event")]
    status = "planned" if any(w in before for w in PLANNED) else "done"
    return EVENTS[m.group("event")], status


_FORMER_SITE = _WORDS["former_site"]
_ORG_KINDS = tuple(sorted(_WORDS["org_kind"], key=len, reverse=True))


@lru_cache(maxsize=4096)  # asked for every project and organization of an article
def _brand(org_name: str) -> str:
    """An org's name without the words of its kind: 恒基兆业地产集团 → 恒基兆业, 凯德集团 → 凯德."""
    name, shorter = org_name, True
    while shorter:
        shorter = False
        for kind in _ORG_KINDS:
            if name.endswith(kind) and len(name) - len(kind) >= 2:
                name, shorter = name[:-len(kind)], True
                break
    return name


def _brand_starts(bare_name: str, org: Entity) -> bool:
    """A developer's brand before a mall's name (广州凯德广场 of 凯德集团, 华润大冲旧改 of 华润置地)."""
    brand = _brand(org.name)
    return brand != org.name and bare_name.startswith(brand) and len(bare_name) > len(brand)


def _without_leading_place(name: str, leading_forms: tuple[str, ...]) -> str:
    """A project's name without the place it starts with (广州 of 广州凯德广场); `leading_forms`:
    the forms of two characters or more of the article's places, place by place."""
    if name.startswith(leading_forms):  # (one C call passes over most names)
        for form in leading_forms:
            if name.startswith(form) and len(name) > len(form):
                return name[len(form):]
    return name


_SUBJECTLESS_BY = re.compile(r"(?:^|(?<=[。！？；]))\s*(?P<reference>该项目|本项目|项目|该园区|园区)?由")


def subjectless_operators(texts: dict[int, str], all_mentions, orgs: list[Entity]) -> dict[str, list[tuple[str, str]]]:
    """Project name -> (org name, role) from a sentence that opens on 由 (or 项目由) and names
    no project (某某产业园…总投资约15亿元。由某某公司开发建设，…): it goes on about the
    project named last before it, in the same paragraph, or in the paragraph before when
    项目由 opens the paragraph."""
    found: dict[str, list[tuple[str, str]]] = {}
    if not orgs or not all_mentions or not any(_SUBJECTLESS_BY.search(text) for text in texts.values() if "由" in text):
        return found
    keys = [(seq, start) for seq, start, _, _ in all_mentions]
    for seq, text in texts.items():
        if "由" not in text:
            continue
        for m in _SUBJECTLESS_BY.finditer(text):
            end = _SENTENCE_MARK.search(text, m.end())
            end = end.end() if end else len(text)
            i = bisect_left(keys, (seq, m.start()))
            if i < len(keys) and keys[i] < (seq, end):
                continue  # the sentence names a project of its own
            reaches_back = seq - 1 if m["reference"] and not text[:m.start()].strip() else seq
            if not i or not reaches_back <= keys[i - 1][0] <= seq:
                continue  # no project named before it in the paragraph (or the one before, for 项目由)
            operators = operators_in(text[m.start():end], orgs)
            found.setdefault(all_mentions[i - 1][3], []).extend(operators)
    return found


def operators_in(sentence: str, orgs: list[Entity]) -> list[tuple[str, str]]:
    """(org name, role) of the orgs a sentence names as building or running what it is about:
    由A投资建设 / 由A运营 (developer), A作为实施主体 / A负责实施 / A竞得 (operator),
    A携手B打造 / A携手B首秀之作 (developer, both), X为A…作品 (developer), 竞得人为A (operator).
    Each pattern runs only where its cue word is."""
    slots = []
    if "由" in sentence:
        slots += [(m.group("org"), "developer") for m in OPERATOR_BY.finditer(sentence)]
    for cue in OPERATOR_CUE.finditer(sentence):
        clause_start = max(sentence.rfind(c, 0, cue.start()) for c in "，,：:；") + 1
        slots.append((sentence[clause_start:cue.start()], "operator"))
    if PARTNER_CUE.search(sentence):
        slots += [(m.group("org"), "developer") for m in PARTNERS.finditer(sentence)]
    slots += [(m.group("org"), "developer") for m in WORK_OF.finditer(sentence)]
    slots += [(m.group("org"), "operator") for m in WINNER_IS.finditer(sentence)]
    found = []
    for slot, role in slots:
        for org in orgs:
            if any(len(f) >= 2 and f in slot for f in org.forms()) and not any(o == org.name for o, _ in found):
                found.append((org.name, role))
    return found


_BACK_REFERENCE = re.compile(r"该项目|本项目|该基地|该园区|该地块|该宗地")
_DEMONSTRATIVE = re.compile(r"该|这座|这个")


def _anchors(all_mentions, texts) -> dict:
    """Each project's mentions plus the references that follow it before another project is
    named (same or the two next paragraphs): 该项目, 该基地, and 该 + the end of its name
    (该文化艺术中心 for 天通苑文化艺术中心). Each reference is a binary search among the
    mentions (sorted by paragraph and offset), so long articles cost linear time."""
    from urbandb.extract.entity_records import Mention

    out: dict[str, list] = {}
    for seq, start, end, name in all_mentions:
        out.setdefault(name, []).append(Mention(seq, start, end, texts.get(seq, "")[start:end]))
    keys = [(seq, start) for seq, start, _, _ in all_mentions]
    # the end of a name (3 to 6 characters, shorter than the name) -> the mentions ending so
    by_ending: dict[str, list[tuple[tuple[int, int], str]]] = {}
    for seq, start, _, name in all_mentions:
        for size in range(3, min(6, len(name) - 1) + 1):
            by_ending.setdefault(name[-size:], []).append(((seq, start), name))
    for seq in sorted(texts):
        text = texts[seq]
        for m in _BACK_REFERENCE.finditer(text):
            i = bisect_left(keys, (seq, m.start()))
            if i and keys[i - 1][0] >= seq - 2:
                out[all_mentions[i - 1][3]].append(Mention(seq, m.start(), m.end(), m.group()))
        for m in _DEMONSTRATIVE.finditer(text):
            for size in range(6, 2, -1):  # the longest end of a name named before
                word = text[m.end():m.end() + size]
                named = by_ending.get(word, []) if len(word) == size else []
                i = bisect_left(named, ((seq, m.start()), ""))
                if i and named[i - 1][0][0] >= seq - 2:
                    out[named[i - 1][1]].append(Mention(seq, m.start(), m.end() + size, m.group() + word))
                    break
    return out


def _dominant_place(places: list[Entity]) -> str | None:
    """The city or county an article is about: the one it names most (深圳 in a Shenzhen
    plan, 昌平区 in a district's news), for projects whose text names no nearer place;
    with none named, a zone named more than once."""
    candidates = [e for e in places if e.adcode and _place_rank(e) in (1, 2)]
    if not candidates:
        # No city or county named: the zone the article keeps naming (东山经济技术开发区).
        zones = [e for e in places if not e.adcode and len(e.mentions) >= 2]
        return max(zones, key=lambda e: len(e.mentions)).name if zones else None
    return max(candidates, key=lambda e: (len(e.mentions), _place_rank(e))).name


MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京, 天津, 上海, 重庆: province-level cities


def _rank_of(name: str, forms) -> int:
    """The rank of a place or project named `name` (a project as a zone)."""
    entity = forms.get(name)
    return _place_rank(entity) if entity is not None else 3


def _place_rank(place: Entity) -> int:
    """More specific places rank higher: province 0, city 1, county 2, town or named zone 3."""
    code = place.adcode
    if code is None:
        return 3
    if code.endswith("0000"):
        return 1 if code[:2] in MUNICIPALITIES else 0
    return 1 if code.endswith("00") else 2


SITED_REACH = 8  # X项目正式落户|Y: how far after a name its 位于 may come
_CLAUSE_MARK = re.compile("[，,。；;！？]")
_SITED_AT = re.compile(r"(?:位于|坐落于|地处|落户|选址于?)$")
_BARE_SIDE = re.compile(r"\s*(?:而|同时|另外)?在(?:其)?(?:东侧|西侧|南侧|北侧|东边|西边|南边|北边)")
_RELYING_ON = re.compile(r"依托$")
_BESIDE = re.compile(r"^(?:的)?(?:东侧|西侧|南侧|北侧|东边|西边|南边|北边|旁边?|附近|周边|内)")


_SENTENCE_MARK = re.compile("[。！？；]")
_FULL_STOP = re.compile("[。！？]")
# X—Y绿道, X-Y输水隧洞: the ends of a route are not where it is; 沿X而建: X is a river or a road
_ROUTE_END = re.compile("[—－\\-–]")
_ROUTE_START = re.compile("[—－\\-–沿]$")
_RANKED_AMONG = re.compile(r"[^，。；、]{0,4}?(?:" + "|".join(_WORDS["ranked_among"]) + ")")


class ParagraphIndex(dict):
    """seq -> ParagraphPlaces, each worked out the first time a rule asks for it."""

    def __init__(self, texts: dict[int, str], spans_by_seq, forms):
        super().__init__()
        self.texts, self.spans_by_seq, self.forms = texts, spans_by_seq, forms

    def __missing__(self, seq: int) -> "ParagraphPlaces":
        self[seq] = index_paragraph(self.texts.get(seq, ""), self.spans_by_seq.get(seq, []), self.forms)
        return self[seq]

    def get(self, seq, default=None):
        return self[seq] if seq in self.texts else default


@dataclass
class ParagraphPlaces:
    """What location rules look up in one paragraph, worked out once per article so that
    each mention costs a binary search, not a walk over the paragraph (linear overall)."""

    breaks: list[int]  # positions of the sentence-ending marks
    sited: list[tuple[int, str]]  # (start, place name) of every place span, by start
    before_ends: list[int]  # ends of the county/town/zone spans not inside another name, sorted
    before: list[tuple[int, str]]  # (start, place name) of those spans, in the same order
    open_ends: list[int]  # ends of the city and county spans (gazetteer places) not inside another name, sorted
    open_places: list[str]  # their place names, in the same order
    beside: list[tuple[int, int, str]]  # (start, end, text) of project spans followed by 东侧, 旁 …, by start
    # (and (start, start, text of the last of them) where a sentence opens with a side alone)
    relied_on: list[tuple[int, int, str]]  # (start, end, text) of project spans after 依托 (Y依托X打造)
    sited_before: dict[int, str]  # 位于X的Y: where Y starts -> X, a place or a project (a park Y is in)
    framed: list[tuple[int, int, str]]  # (start, end, place) of sentences that open with 在<place>，

    length: int

    def sentence_start(self, pos: int) -> int:
        """Where the sentence holding `pos` begins (at most `SENTENCE_REACH` before it)."""
        i = bisect_right(self.breaks, pos - 1)
        return max(self.breaks[i - 1] + 1 if i else 0, pos - SENTENCE_REACH)

    def sentence_end(self, pos: int) -> int:
        """Where the sentence holding `pos` ends: its closing mark, or the end of the text
        (at most `SENTENCE_REACH` after it)."""
        i = bisect_left(self.breaks, pos)
        return min(self.breaks[i] if i < len(self.breaks) else self.length, pos + SENTENCE_REACH)


def index_paragraph(text: str, spans, forms) -> ParagraphPlaces:
    breaks = [m.start() for m in _SENTENCE_MARK.finditer(text)]
    places = [(span, place) for span in spans if (place := _place_of(span, forms)) is not None
              and not _RANKED_AMONG.match(text, span.end)  # (居平原新城之首: a ranking, not a site)
              and not _ROUTE_END.match(text, span.end) and not _ROUTE_START.search(text, max(0, span.start - 2), span.start)]
    sited = sorted((span.start, place.name) for span, place in places)
    # a place span is inside another name when a non-place span starting at or before it reaches its end
    others = sorted((o.start, o.end) for o in spans if o.type != "place")
    candidates, opened, reach, k = [], [], -1, 0
    for span, place in sorted(places, key=lambda sp: sp[0].start):
        while k < len(others) and others[k][0] <= span.start:
            reach = max(reach, others[k][1])
            k += 1
        if reach < span.end and _place_rank(place) >= 2:
            candidates.append((span.end, span.start, place.name))
        if reach < span.end and place.adcode and _place_rank(place) >= 1:
            opened.append((span.end, place.name))
    candidates.sort()
    opened.sort()
    beside = sorted((sp.start, sp.end, sp.text) for sp in spans if sp.type == "project" and _BESIDE.match(text[sp.end:sp.end + 3]))
    # a sentence that opens with a side and no name (而在南侧，…) speaks of the last project set beside
    for opener in [0, *(b + 1 for b in breaks)]:
        k = bisect_left(beside, (opener,))
        if k and _BARE_SIDE.match(text, opener):
            beside.insert(k, (opener, opener, beside[k - 1][2]))
    relied_on = sorted((sp.start, sp.end, sp.text) for sp in spans if sp.type == "project" and _RELYING_ON.search(text, max(0, sp.start - 2), sp.start))
    # 在<zone>，…；…。: the place that opens a sentence holds for all of it, its semicolons too
    framed = []
    for end, start, name in candidates:
        if text[start - 1:start] == "在" and (start == 1 or text[start - 2] in "。！？\n") and text[end:end + 1] in "，,":
            stop = _FULL_STOP.search(text, end)
            framed.append((start, stop.start() if stop else len(text), name))
    sited_before = {}
    for span in spans:
        site = forms.get(span.text) if span.place is None else _place_of(span, forms)
        if (site is not None and site.type in ("place", "project") and _SITED_AT.search(text, max(0, span.start - 3), span.start)
                and text.startswith("的", span.end)):
            sited_before[span.end + 1] = site.name
    return ParagraphPlaces(breaks, sited, [c[0] for c in candidates], [(c[1], c[2]) for c in candidates],
                           [o[0] for o in opened], [o[1] for o in opened], beside, relied_on, sited_before, framed, len(text))


def _location(entity: Entity, places: list[Entity], index: dict[int, ParagraphPlaces], forms, texts, anchors,
              areas=(), place_heads: set[str] = frozenset(), place_forms: list[tuple[Entity, str]] | None = None,
              org_forms: list[str] | None = None) -> str | None:
    """Where a project is, by the first rule that answers:
    - the place right after 位于 (坐落于, 地处) following a mention of it or a reference, or
      the place or park between 位于 and 的 right before a mention (位于X的Y);
    - a county, town or zone written in its name (the most specific, longest form, or a
      street's short form; not one inside an organization's name such as 北京 of 北京大学);
    - a county, town or named zone named before it in the same sentence, not inside another
      name (one it is named after first), or the zone a sentence opens with (在X，);
    - a zone or park named in the paragraphs just before whose name begins as its does;
    - with a city in its name, the nearest county, town or zone before it in the paragraph
      (or the paragraph before), else that city;
    - the nearest city or county before it in the paragraph, else the paragraph before's.
    `index` holds each paragraph's places (`index_paragraph`); `place_forms` and `org_forms`, when
    given, are the article's, found once for all its projects."""
    mentions = anchors.get(entity.name, entity.mentions)
    stated = []  # (rank, -order, place): each mention's 位于X; the most specific wins (落户芜湖 | 落户芜湖经开区)
    for mention in mentions:
        paragraph = index.get(mention.paragraph_seq)
        if paragraph is None:
            continue
        after = texts.get(mention.paragraph_seq, "")[mention.char_end:mention.char_end + SITED_REACH]
        i = bisect_left(paragraph.sited, (mention.char_end, ""))
        while i < len(paragraph.sited) and paragraph.sited[i][0] <= mention.char_end + SITED_REACH:
            start, name = paragraph.sited[i]
            between = after[:start - mention.char_end]
            if _SITED_AT.search(between) and not _CLAUSE_MARK.search(between):
                place = _most_specific_of_run(paragraph.sited, i, texts.get(mention.paragraph_seq, ""), forms)
                stated.append((_rank_of(place, forms), -len(stated), place))
                break
            i += 1
    if stated:
        return max(stated)[2]
    for mention in mentions:
        paragraph = index.get(mention.paragraph_seq)
        site = paragraph.sited_before.get(mention.char_start) if paragraph is not None else None
        if site is not None and site != entity.name:
            return site
    orgs_inside = [f for f in (org_forms if org_forms is not None else (f for f, e in forms.items() if e.type == "org")) if f in entity.name]
    inside = []
    for place, form in place_forms if place_forms is not None else _place_forms(places):
        if form in entity.name and form != entity.name and not any(form in o for o in orgs_inside) and _reliable_form(place, form):
            inside.append((_place_rank(place), len(form), place.name))
    best = max(inside) if inside else None
    if best and best[0] >= 2:
        return best[2]
    # a county or zone before it in the sentence is more specific than a city in its name
    # (在南沙打造的广州X城 → 南沙)
    in_sentence = _place_before(entity, index, in_sentence=True)
    if in_sentence:
        return in_sentence
    named_after = _park_named_after(entity, areas, place_heads, texts)
    if named_after:
        return named_after
    if best:
        # a city in its name (广州X城) says less than the district or zone the text is about there
        return _specific_place_before(entity, index) or best[2]
    # else the place the paragraph is about at that point: the nearest city or county before
    # it (a heading such as 山西太原：, or 深圳 as the sentence before's subject)
    return _place_before(entity, index, in_sentence=False) or _place_of_paragraph_before(entity, index)


NAMED_AFTER_PARAGRAPHS = 2  # how many paragraphs back a park a project is named after may be
NAMED_AFTER_AREAS = 12  # and how many zones and parks back at most


def _park_named_after(entity: Entity, areas, place_heads: set[str], texts=None) -> str | None:
    """A zone or park named shortly before a project whose name begins as the project's does
    (临江高科园 … 临江产业邻里中心): the project is named after it, and is in it; not one
    listed beside it (橡胶产业孵化中心、橡胶新材料研究中心: two of a kind)."""
    if not entity.mentions:
        return None
    first = (entity.mentions[0].paragraph_seq, entity.mentions[0].char_start)
    head = entity.name[:2]
    if head in place_heads:
        return None  # a place's name (广州X, 广州Y): no sign that one is in the other
    i = bisect_left(areas, (first, ""))
    for key, name in reversed(areas[max(0, i - NAMED_AFTER_AREAS):i]):
        if key[0] < first[0] - NAMED_AFTER_PARAGRAPHS:
            break
        if name[:2] == head and name != entity.name and not (name in entity.name or entity.name in name):
            if texts is not None and key[0] == first[0] and texts.get(key[0], "")[key[1] + len(name):first[1]].strip() in LIST_JOINTS:
                continue  # listed beside it
            return name
    return None


def _specific_place_before(entity: Entity, index) -> str | None:
    """The nearest county, town or zone before a mention in its paragraph, else the last
    one of the paragraph before."""
    for mention in entity.mentions:
        paragraph = index.get(mention.paragraph_seq)
        if paragraph is None:
            continue
        i = bisect_right(paragraph.before_ends, mention.char_start)
        if i:
            return paragraph.before[i - 1][1]
        before = index.get(mention.paragraph_seq - 1)
        if before is not None and before.before:
            return before.before[-1][1]
    return None


def _place_of_paragraph_before(entity: Entity, index) -> str | None:
    """In a paragraph that names no place, the last place the paragraph before named."""
    for mention in entity.mentions:
        paragraph = index.get(mention.paragraph_seq)
        if paragraph is None or paragraph.sited:
            continue
        before = index.get(mention.paragraph_seq - 1)
        if before is not None and before.before:
            return before.before[-1][1]
    return None


NAMED_AFTER_REACH = 4  # places looked back at for one a project is named after


def _place_before(entity: Entity, index: dict[int, ParagraphPlaces], in_sentence: bool) -> str | None:
    """The nearest place before a mention of the project: a county, town or zone in the same
    sentence (`in_sentence`), or a city or county anywhere earlier in the paragraph."""
    for mention in entity.mentions:
        paragraph = index.get(mention.paragraph_seq)
        if paragraph is None:
            continue
        if in_sentence:
            i = bisect_right(paragraph.before_ends, mention.char_start)
            sentence_start = paragraph.sentence_start(mention.char_start)
            if i and paragraph.before[i - 1][0] >= sentence_start:
                # of the last few, one the project is named after (以X地块为西翼…打造X产业园), else the nearest
                named_after = (name for start, name in paragraph.before[max(0, i - NAMED_AFTER_REACH):i][::-1]
                               if start >= sentence_start and name[:2] == entity.name[:2])
                return next(named_after, paragraph.before[i - 1][1])
            k = bisect_left(paragraph.framed, (mention.char_start,))  # the last sentence opened with 在X， before it
            if k and paragraph.framed[k - 1][1] > mention.char_start:
                return paragraph.framed[k - 1][2]
        else:
            i = bisect_right(paragraph.open_ends, mention.char_start)
            if i:
                return paragraph.open_places[i - 1]
    return None


def _without_trailing_places(head: str, forms: set[str]) -> str:
    """`head` with the place names it ends on taken off (…，天津市滨海新区 -> …，)."""
    longest = max(map(len, forms), default=0)
    stripped = True
    while stripped:
        stripped = False
        for size in range(min(longest, len(head)), 1, -1):
            if head[-size:] in forms:
                head, stripped = head[:-size], True
                break
    return head


def _place_forms(places: list[Entity]) -> list[tuple[Entity, str]]:
    """Each place with each form a project's name may hold it by: its names and their abbreviations."""
    return [(place, form) for place in places for form in (*place.forms(), *map(abbreviated, place.forms())) if form and len(form) >= 2]


def abbreviated(form: str) -> str | None:
    """A street, town or village name of four or more characters before its suffix, shortened
    to the first and last of them (天通苑北街道 → 天北街道) as the names of its buildings write
    it; None for other names (a shorter stem would leave too common a word)."""
    suffix = next((s for s in ADMIN_SUFFIXES if form.endswith(s)), None)
    stem = form[:-len(suffix)] if suffix else ""
    return stem[0] + stem[-1] + suffix if len(stem) >= 4 else None


def _reliable_form(place: Entity, form: str) -> bool:
    """Inside a project's name, a two-character short form of a place outside the gazetteer
    (东山 of 东山街道, 珠江 of 珠江街道) is more often a brand or a river than the place."""
    return form == place.name or place.adcode is not None or len(form) >= 3


def _most_specific_of_run(sited: list[tuple[int, str]], i: int, text: str, forms) -> str:
    """位于山西太原城区: of places written one after another, the last (the nearest) one."""
    start, name = sited[i]
    end = start + _form_length(text, start, name, forms)
    while i + 1 < len(sited) and sited[i + 1][0] == end:
        i += 1
        start, name = sited[i]
        end = start + _form_length(text, start, name, forms)
    return name


def _form_length(text: str, start: int, name: str, forms) -> int:
    """How long the form of place `name` written at `start` is."""
    entity = forms.get(name)
    written = [f for f in (entity.forms() if entity else {name}) if text.startswith(f, start)]
    return max(map(len, written), default=len(name))


def _place_of(span, forms) -> Entity | None:
    place = forms.get(span.text) if span.place is None else forms.get(span.place.name)
    return place if place is not None and place.type == "place" else None


def _beside_project(entity: Entity, index: dict[int, ParagraphPlaces], forms, located: dict[str, str | None]) -> str | None:
    """A project sited beside another (在清华南口国重基地东侧 … 科学家公园) or built on it
    (Y依托X打造) is where that one is."""
    for mention in entity.mentions:
        paragraph = index.get(mention.paragraph_seq)
        if paragraph is None:
            continue
        sentence_start = paragraph.sentence_start(mention.char_start)
        sentence_end = paragraph.sentence_end(mention.char_end)
        # the spans of the sentence, found by bisection (both lists are by start)
        beside = paragraph.beside[bisect_left(paragraph.beside, (sentence_start,)):bisect_left(paragraph.beside, (mention.char_start,))]
        relied_on = paragraph.relied_on[bisect_left(paragraph.relied_on, (sentence_start,)):bisect_left(paragraph.relied_on, (sentence_end,))]
        for text in [text for _, end, text in beside if end < mention.char_start] + [text for _, _, text in relied_on]:
            owner = forms.get(text)
            if owner is not None and owner.name != entity.name and located.get(owner.name):
                return located[owner.name]
    return None
