"""What the text says of each project: location, category, milestones, operators."""
from __future__ import annotations

import re

from urbandb.extract.entity_records import Entity, Milestone, Project

# Category by keywords of the name, first match wins (order matters).
CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("renovation", ("小区", "改造", "更新")),
    ("public_facility", ("医院", "学校", "附小", "附中", "校区", "学苑", "幼儿", "托育", "养老", "文化", "艺术", "体育", "派出所", "服务中心", "卫生", "图书馆", "博物馆", "住院楼")),
    ("ecology", ("公园", "森林", "湿地", "绿地", "生态", "造林", "河道", "绿化")),
    ("infrastructure", ("号线", "地铁", "铁路", "环线", "站", "道路", "大街", "绿道", "慢行", "管网", "桥", "隧道", "高速")),
    ("housing", ("公寓", "公租房", "住房", "住宅", "小镇", "安置房", "保障房")),
    ("research_base", ("实验室", "研究", "创新中心", "基地", "创新集群", "科研")),
    ("industrial_park", ("产业园", "科学园", "科技园", "园区", "走廊", "产业", "工业园", "昌平园")),
    ("commercial", ("商业", "购物", "商场", "酒店", "写字楼", "综合体")),
)
EVENTS = {
    "开工": "开工", "开工建设": "开工", "动工": "开工", "正式启动": "开工", "启动建设": "开工",
    "封顶": "封顶", "竣工": "竣工", "建成": "建成", "完工": "竣工",
    "投用": "投用", "投入使用": "投用", "交付使用": "投用", "开园": "开园", "入驻": "入驻", "签约": "签约", "拆迁": "拆迁腾退", "腾退": "拆迁腾退",
}
_EVENT = "|".join(sorted(EVENTS, key=len, reverse=True))
_DATE = r"(?:(?P<y>20\d\d)年|(?P<rel>去年|今年|明年))?(?:(?P<m>\d{1,2})月)?(?:(?P<d>\d{1,2})日)?(?P<end>底|年底|末|年末)?"
RELATIVE_YEARS = {"去年": -1, "今年": 0, "明年": 1}
MILESTONE = re.compile(r"(?=20\d\d年|去年|今年|明年|\d{1,2}月)" + _DATE + r"(?P<gap>[^，。；、“”]{0,10}?)(?P<event>" + _EVENT + ")")
PLANNED = ("预计", "计划", "将", "力争", "拟", "有望", "争取", "预期")
_SENTENCES = re.compile(r"[^。！？；\n]+[。！？；]?")


def reference_year(article) -> str | None:
    """Without a publication date, the year the text mentions most stands for "now"."""
    from collections import Counter

    years = Counter(re.findall(r"(20\d\d)年", " ".join(p.text for p in article.paragraphs)))
    return years.most_common(1)[0][0] if years else None


def sentence_start_of(text: str, pos: int) -> int:
    """Where the sentence holding `pos` begins."""
    return max(text.rfind(c, 0, pos) for c in "。！？；") + 1


def sentence_end_of(text: str, pos: int) -> int:
    """Where the sentence holding `pos` ends (its closing mark, or the end of the text)."""
    return min([i for i in (text.find(c, pos) for c in "。！？；") if i >= 0] or [len(text)])


def categorize(name: str) -> str:
    for category, words in CATEGORY_RULES:
        if any(w in name for w in words):
            return category
    return "other"


def date_of(match: re.Match, published: str | None) -> str | None:
    y, m, d, end = match.group("y"), match.group("m"), match.group("d"), match.group("end")
    relative = match.group("rel")
    if relative:  # 去年12月 in an article of 2024: 2023-12
        if not published:
            return None
        y = str(int(published[:4]) + RELATIVE_YEARS[relative])
    if y is None and m is None:
        return None
    if y is None:
        if not published:
            return None
        y = published[:4]
    if m is None and end:
        m = "12"
    date = y
    if m:
        date += f"-{int(m):02d}"
        if d:
            date += f"-{int(d):02d}"
    return date


def milestone_status(sentence_before: str, date: str, published: str | None) -> str:
    """The nearer of 已 and a planning word (预计, 计划, 将 …) in the event's clause decides;
    else a planning word earlier in the sentence; else the date against publication."""
    clause = re.split(r"[，,：:]", sentence_before)[-1]
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


def describe_projects(article, entities: list[Entity], spans_by_seq) -> list[Project]:
    by_name = {e.name: e for e in entities}
    forms = {f: e for e in entities for f in e.forms()}
    places = [e for e in entities if e.type == "place"]
    orgs = [e for e in entities if e.type == "org"]
    texts = {p.seq: p.text for p in article.paragraphs}
    dominant = _dominant_county(places)
    published = article.published_date or reference_year(article)
    projects: list[Project] = []
    all_mentions = sorted((m.paragraph_seq, m.char_start, m.char_end, e.name) for e in entities if e.type == "project" for m in e.mentions)
    anchors = _anchors(all_mentions, texts)
    for entity in entities:
        if entity.type != "project":
            continue
        project = Project(name=entity.name, category=categorize(entity.name))
        project.location = _location(entity, places, spans_by_seq, forms, texts, anchors)
        for org in orgs:
            if any(entity.name.startswith(f) for f in org.forms()):
                project.operators.append((org.name, "operator"))
        seen_events = set()
        for mention in anchors.get(entity.name, []):
            text = texts.get(mention.paragraph_seq, "")
            sentence_start, sentence_end = sentence_start_of(text, mention.char_start), sentence_end_of(text, mention.char_end)
            sentence = text[sentence_start:sentence_end]
            # operators: 由A与B共同打造 / 与A合作
            for m in re.finditer(r"由(.{2,40}?)(?:共同|联合|负责)?(?:打造|建设|运营|开发|投资|承建)", sentence):
                for org in orgs:
                    if any(f in m.group(1) for f in org.forms()) and (org.name, "developer") not in project.operators:
                        project.operators.append((org.name, "developer"))
            for m in re.finditer(r"与(.{2,20}?)(?:全面|深度|战略)?合作", text[sentence_start:mention.char_start]):
                for org in orgs:
                    if any(f in m.group(1) for f in org.forms()) and not any(o == org.name for o, _ in project.operators):
                        project.operators.append((org.name, "operator"))
            # milestones: dated events after the mention in its sentence, up to the next project named
            next_start = min([st for seq, st, _, _ in all_mentions if seq == mention.paragraph_seq and st >= mention.char_end] or [sentence_end])
            tail = text[mention.char_end:min(sentence_end, next_start)]
            for m in MILESTONE.finditer(tail):
                date = date_of(m, published)
                if date is None:
                    continue
                event = EVENTS[m.group("event")]
                before = text[sentence_start:mention.char_end + m.start("event")]
                status = milestone_status(before, date, published)
                if (event, date) in seen_events:
                    continue
                seen_events.add((event, date))
                project.milestones.append(Milestone(event, date, status, mention.paragraph_seq))
                # 建成开园: a second event right after the first
                rest = tail[m.end():m.end() + 4]
                nxt = re.match(_EVENT, rest)
                if nxt and (EVENTS[nxt.group()], date) not in seen_events:
                    seen_events.add((EVENTS[nxt.group()], date))
                    project.milestones.append(Milestone(EVENTS[nxt.group()], date, status, mention.paragraph_seq))
        # a project mentioned first by date and event before it (3月30日，X项目正式启动)
        for mention in entity.mentions[:1]:
            text = texts.get(mention.paragraph_seq, "")
            head = text[max(0, mention.char_start - 12):mention.char_start]
            after = text[mention.char_end:mention.char_end + 8]
            m = re.search(r"(?:(20\d\d)年)?(\d{1,2})月(\d{1,2})日[，,]?$", head)
            e = re.match(r"项目?(?:正式)?(" + _EVENT + ")", after) or re.match(r"(?:正式)?(" + _EVENT + ")", after)
            if m and e and published:
                date = f"{m.group(1) or published[:4]}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
                event = EVENTS[e.group(1)] if e.group(1) in EVENTS else "开工"
                if (event, date) not in seen_events:
                    project.milestones.append(Milestone(event, date, "done" if date[:len(published)] <= published else "planned", mention.paragraph_seq))
        projects.append(project)
    located = {p.name: p.location for p in projects}
    for project in projects:
        if project.location is None:
            project.location = _beside_project(by_name[project.name], texts, spans_by_seq, forms, located) or dominant
    return projects


_BACK_REFERENCE = re.compile(r"该项目|本项目|该基地|该园区")
_DEMONSTRATIVE = re.compile(r"该|这座|这个")


def _anchors(all_mentions, texts) -> dict:
    """Each project's mentions plus the references that follow it before another project is
    named (same or the two next paragraphs): 该项目, 该基地, and 该 + the end of its name
    (该文化艺术中心 for 天通苑文化艺术中心)."""
    from urbandb.extract.entity_records import Mention

    out: dict[str, list] = {}
    for seq, start, end, name in all_mentions:
        out.setdefault(name, []).append(Mention(seq, start, end, texts.get(seq, "")[start:end]))
    for seq in sorted(texts):
        text = texts[seq]
        recent = [t for t in all_mentions if seq - 2 <= t[0] <= seq]
        for m in _BACK_REFERENCE.finditer(text):
            prior = _named_before(recent, seq, m.start())
            if prior:
                out[prior[-1][3]].append(Mention(seq, m.start(), m.end(), m.group()))
        for m in _DEMONSTRATIVE.finditer(text):
            prior = _named_before(recent, seq, m.start())
            for size in range(6, 2, -1):  # the longest end of a name named before
                word = text[m.end():m.end() + size]
                named = [t for t in prior if t[3].endswith(word) and t[3] != word]
                if len(word) == size and named:
                    out[named[-1][3]].append(Mention(seq, m.start(), m.end() + size, m.group() + word))
                    break
    return out


def _named_before(mentions, seq: int, pos: int) -> list:
    """The (seq, start, end, name) mentions before position `pos` of paragraph `seq`."""
    return [t for t in mentions if (t[0], t[1]) < (seq, pos)]


def _dominant_county(places: list[Entity]) -> str | None:
    counties = [e for e in places if e.adcode and not e.adcode.endswith("00")]
    if not counties:
        return None
    return max(counties, key=lambda e: len(e.mentions)).name


def _place_rank(place: Entity) -> int:
    """More specific places rank higher: province 0, city 1, county 2, town or named zone 3."""
    code = place.adcode
    if code is None:
        return 3
    if code.endswith("0000"):
        return 0
    return 1 if code.endswith("00") else 2


_SITED_AT = re.compile(r"(?:位于|坐落于|地处|落户|选址于?)$")
_BESIDE = re.compile(r"^(?:的)?(?:东侧|西侧|南侧|北侧|东边|西边|南边|北边|旁边?|附近|周边|内)")


def _location(entity: Entity, places: list[Entity], spans_by_seq, forms, texts, anchors) -> str | None:
    """Where a project is, by the first rule that answers:
    - the place right after 位于 (坐落于, 地处) following a mention of it or a reference;
    - a place written in its name (the most specific, longest form; not one inside an
      organization's name such as 北京 of 北京大学);
    - a county, town or named zone named before it in the same sentence, not inside another name."""
    mentions = anchors.get(entity.name, entity.mentions)
    for mention in mentions:
        after = texts.get(mention.paragraph_seq, "")[mention.char_end:mention.char_end + 4]
        for span in spans_by_seq.get(mention.paragraph_seq, []):
            place = _place_of(span, forms)
            if place is not None and mention.char_end <= span.start <= mention.char_end + 4 \
                    and _SITED_AT.search(after[:span.start - mention.char_end]):
                return place.name
    orgs_inside = [f for f, e in forms.items() if e.type == "org" and f in entity.name]
    inside = []
    for place in places:
        for form in place.forms():
            if len(form) >= 2 and form in entity.name and form != entity.name and not any(form in o for o in orgs_inside):
                inside.append((_place_rank(place), len(form), place.name))
    if inside:
        return max(inside)[2]
    for mention in entity.mentions:
        text = texts.get(mention.paragraph_seq, "")
        sentence_start = sentence_start_of(text, mention.char_start)
        spans = spans_by_seq.get(mention.paragraph_seq, [])
        others = [s for s in spans if s.type != "place"]
        for span in reversed([s for s in spans if sentence_start <= s.start and s.end <= mention.char_start]):
            place = _place_of(span, forms)
            if place is None or _place_rank(place) < 2 or any(o.start <= span.start and span.end <= o.end for o in others):
                continue
            return place.name
    return None


def _place_of(span, forms) -> Entity | None:
    place = forms.get(span.text) if span.place is None else forms.get(span.place.name)
    return place if place is not None and place.type == "place" else None


def _beside_project(entity: Entity, texts, spans_by_seq, forms, located: dict[str, str | None]) -> str | None:
    """A project sited beside another (在清华南口国重基地东侧 … 科学家公园) is where that one is."""
    for mention in entity.mentions:
        text = texts.get(mention.paragraph_seq, "")
        sentence_start = sentence_start_of(text, mention.char_start)
        for span in spans_by_seq.get(mention.paragraph_seq, []):
            if span.type == "project" and sentence_start <= span.start and span.end < mention.char_start \
                    and _BESIDE.match(text[span.end:span.end + 3]):
                owner = forms.get(span.text)
                if owner is not None and located.get(owner.name):
                    return located[owner.name]
    return None
