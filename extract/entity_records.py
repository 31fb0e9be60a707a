"""Entity and project facts as plain records (no database in sight).

Offsets are into the text of the paragraph numbered `paragraph_seq`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("place", "org", "person", "project", "policy")
PROJECT_CATEGORIES = (
    "industrial_park", "research_base", "housing", "public_facility",
    "infrastructure", "ecology", "commercial", "renovation", "other",
)
MILESTONE_EVENTS = ("开工", "封顶", "竣工", "建成", "投用", "开园", "入驻", "签约", "拆迁腾退")
PROJECT_STATUSES = ("planned", "under construction", "completed", "in use")


@dataclass
class Mention:
    paragraph_seq: int
    char_start: int
    char_end: int
    surface: str


@dataclass
class Entity:
    """One distinct thing named in an article; `name` is canonical, the rest aliases."""

    name: str
    type: str  # place, org, person, project, policy
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None  # places: enclosing place name; people: their org
    role: str | None = None  # people
    adcode: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    mentions: list[Mention] = field(default_factory=list)

    def forms(self) -> set[str]:
        return {self.name, *self.aliases}


@dataclass
class Milestone:
    event: str
    date: str | None  # 2023, 2024-12, 2024-03-30
    status: str  # done, planned
    paragraph_seq: int


@dataclass
class Project:
    """What the text says of a project entity (`name` is the entity's canonical name)."""

    name: str
    location: str | None = None
    category: str = "other"
    milestones: list[Milestone] = field(default_factory=list)
    operators: list[tuple[str, str]] = field(default_factory=list)  # (org name, role)
    undated: list[tuple[str, str]] = field(default_factory=list)  # (event, status) said without a date: 开诊, 主体封顶

    @property
    def status(self) -> str | None:
        """The latest event reached (done, dated or not) as a project status."""
        rank = {"开工": 1, "封顶": 1, "签约": 0, "拆迁腾退": 0, "竣工": 2, "建成": 2, "投用": 3, "开园": 3, "入驻": 3}
        events = [(m.event, m.status) for m in self.milestones] + self.undated
        done = [rank.get(event, 0) for event, status in events if status == "done"]
        if not done:
            return "planned" if events else None
        return ("planned", "under construction", "completed", "in use")[max(done)]
