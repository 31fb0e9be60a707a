"""Writes an article's entities and projects, resolving them against the rows
already in the database (cross-document: by canonical name or alias + type).

Called by the writer inside its per-file transaction. Resolution looks names
up in an `EntityIndex` that the article's own writes then update. Where other
loaders may write at once (PostgreSQL), the index is read from the database
in that transaction, for the names the article uses only (`NamesInDatabase`).
Where the load holds the database's only write lock (SQLite), one index of
every stored name is read at the first article and kept in step with what
the run writes (`NamesOfRun`), so an article costs no look-up. Every name and
alias an entity takes is claimed in `entity_names` (unique per type, first
claimer keeps it): when loaders run at once, a name that another loader
claimed after this one looked raises `ConcurrentWrite`, and the file is
written again, now seeing that entity, as if the loads had run one after the
other.

A project's location is not written by the first article that gives one:
each document's place for it is a row of `project_sites`, and the project's
location is worked out again from all of them (`relocate`) whenever an
article adds one or a document that gave one is changed or deleted, so that
it does not depend on which article loaded first.
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import ContextManager, Iterator, Protocol

from sqlalchemy import (
    Integer, String, Table, bindparam, case, delete, func, insert, or_, select, tuple_, update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect

from urbandb.db.models import (
    Entity as EntityRow,
    EntityAlias,
    EntityMention,
    EntityName,
    Metric,
    Paragraph,
    ProjectMilestone,
    ProjectOperator,
    ProjectRow,
    ProjectSite,
)
from urbandb.db.prepared import Prepared
from urbandb.extract.entity_records import PROJECT_STATUSES, Entity
from urbandb.extract.projects import MUNICIPALITIES
from urbandb.loaders.entity_index import EntityIndex

# Only these grow a longer canonical name; places keep their official one.
RENAMED_TYPES = ("project", "org", "policy")

entities = EntityRow.__table__
entity_aliases = EntityAlias.__table__
entity_names = EntityName.__table__
entity_mentions = EntityMention.__table__
projects = ProjectRow.__table__
project_milestones = ProjectMilestone.__table__
project_operators = ProjectOperator.__table__
project_sites = ProjectSite.__table__
metrics = Metric.__table__
paragraphs = Paragraph.__table__

EntityKey = tuple[str, str]  # (name or alias, type)


class ConcurrentWrite(Exception):
    """Another loader wrote, after this transaction read them, rows this one
    depends on: the transaction must run again."""


def insert_ignoring_duplicates(conn: Connection | Dialect, table: Table):
    """`insert … on conflict do nothing`, in the connection's (or dialect's) SQL."""
    dialect = postgresql if getattr(conn, "dialect", conn).name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def status_rank(status):
    """A project status's place in its life (planned first), -1 for none: a
    project keeps the furthest stage any article reports, in any load order."""
    return case({name: rank for rank, name in enumerate(PROJECT_STATUSES)}, value=status, else_=-1)


def place_rank(adcode):
    """How specific a place is, from its code, as the extractor ranks it:
    province 0, city 1 (a municipality too), county 2, town or named zone 3."""
    return case(
        (adcode.is_(None), 3),
        # (one `=` per code: a prepared statement takes no expanding `in`)
        (adcode.like("%0000"), case((or_(*(func.substr(adcode, 1, 2) == code for code in sorted(MUNICIPALITIES))), 1), else_=0)),
        (adcode.like("%00"), 1),
        else_=2,
    )


def located(dialect: Dialect):
    """`update projects set location_id = …` for one project: the place the
    most of its documents give; a tie goes to the most specific place, then
    to the first name in code point order (the same on both databases).
    `b_stated` is the place a new site gives, or null when sites went: a
    site for the place the project has already cannot change the winner, and
    the project is left as it is."""
    places = entities.alias("places")
    name = places.c.name.collate("C") if dialect.name == "postgresql" else places.c.name
    most_stated = (
        select(project_sites.c.location_id)
        .join(places, places.c.id == project_sites.c.location_id)
        .where(project_sites.c.project_id == bindparam("b_id"))
        .group_by(project_sites.c.location_id, places.c.name, places.c.adcode)
        .order_by(func.count().desc(), place_rank(places.c.adcode).desc(), name)
        .limit(1)
        .scalar_subquery()
    )
    stated = bindparam("b_stated", type_=Integer)
    return (
        update(projects)
        .where(projects.c.id == bindparam("b_id"), or_(stated.is_(None), projects.c.location_id.is_distinct_from(stated)))
        .values(location_id=most_stated)
    )


def _ignoring_duplicates(table: Table):
    return lambda dialect: insert_ignoring_duplicates(dialect, table)


p = bindparam
# The statements written once per article with all their rows, by name; a
# row gives the parameters in the order listed.
BATCHED = {
    "alias": Prepared(_ignoring_duplicates(entity_aliases), ["entity_id", "alias"]),
    "role": Prepared(
        update(entities)
        .where(entities.c.id == p("b_id"), entities.c.role.is_(None))
        .values(role=p("b_role", type_=String)),
        ["b_role", "b_id"],
    ),
    "mention": Prepared(
        insert(entity_mentions), ["entity_id", "document_id", "paragraph_id", "char_start", "char_end", "surface"]
    ),
    "parent": Prepared(
        update(entities)
        .where(entities.c.id == p("b_id"), entities.c.parent_id.is_(None))
        .values(parent_id=p("b_parent", type_=Integer)),
        ["b_parent", "b_id"],
    ),
    "project": Prepared(
        update(projects)
        # Only a row the article moves to a later stage is written again.
        .where(projects.c.id == p("b_id"), status_rank(p("b_status", type_=String)) > status_rank(projects.c.status))
        .values(status=p("b_status", type_=String)),
        ["b_status", "b_id"],
    ),
    # One place per project and document: the article's first statement of it.
    "site": Prepared(_ignoring_duplicates(project_sites), ["project_id", "document_id", "location_id"]),
    "milestone": Prepared(insert(project_milestones), ["project_id", "event", "date", "status", "paragraph_id"]),
    "operator": Prepared(_ignoring_duplicates(project_operators), ["project_id", "org_id", "role"]),
}
del p

RELOCATE = Prepared(located, ["b_stated", "b_id"])
SITED_BY_DOCUMENT = Prepared(
    select(project_sites.c.project_id).where(project_sites.c.document_id == bindparam("document_id")),
    ["document_id"],
)
DELETE_SITES = Prepared(
    delete(project_sites).where(project_sites.c.document_id == bindparam("document_id")), ["document_id"]
)


@dataclass
class ArticleWrites:
    """Rows of one article waiting for their `executemany`, by statement, and
    the names its entities claim."""

    rows: dict[str, list[tuple]] = field(default_factory=dict)
    claims: dict[EntityKey, int] = field(default_factory=dict)  # first claimer in the article

    def add(self, statement: str, *row) -> None:
        self.rows.setdefault(statement, []).append(row)

    def claim(self, form: str, type_: str, entity_id: int) -> None:
        self.claims.setdefault((form, type_), entity_id)

    def flush(self, conn: Connection) -> None:
        for name, rows in self.rows.items():
            BATCHED[name].execute_many(conn, rows)
        self.rows.clear()


class StoredNames(Protocol):
    """Where an article's names are resolved: an `EntityIndex` of what is
    stored, which the article's writes then update."""

    def index_for(self, conn: Connection, article) -> EntityIndex: ...

    def transaction(self) -> ContextManager: ...


class NamesInDatabase:
    """Read, in the file's transaction, what the database holds of the
    article's names: right when other loaders write at the same time."""

    def index_for(self, conn: Connection, article) -> EntityIndex:
        return read_stored_names(conn, article_keys(article))

    def transaction(self) -> ContextManager:
        return nullcontext()


class NamesOfRun:
    """Every stored name, read once at the first article that names
    anything, then kept in step with this run's writes: right only while the
    run is the database's only writer (the SQLite load lock). A file whose
    transaction fails leaves the index as it was."""

    def __init__(self) -> None:
        self.index: EntityIndex | None = None

    def index_for(self, conn: Connection, article) -> EntityIndex:
        if self.index is None:
            self.index = read_all_names(conn)
        return self.index

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.index is not None:
            with self.index.transaction():
                yield
            return
        try:
            yield
        except BaseException:
            self.index = None  # read during the failed transaction: read again
            raise


def names_for_run(only_writer: bool) -> StoredNames:
    """Where a load resolves names: in memory when it is the only writer."""
    return NamesOfRun() if only_writer else NamesInDatabase()


def read_stored_names(conn: Connection, keys: set[EntityKey]) -> EntityIndex:
    """The entities named by `keys` (canonical names, claimed names), their
    canonical names and their projects, as an index for this article."""
    names = sorted({name for name, _ in keys})
    named = [
        row
        for row in conn.execute(select(entities.c.id, entities.c.name, entities.c.type).where(entities.c.name.in_(names)))
        if (row.name, row.type) in keys
    ]
    claimed = conn.execute(
        select(entity_names.c.entity_id, entity_names.c.name, entity_names.c.type).where(
            tuple_(entity_names.c.type, entity_names.c.name).in_(sorted((type_, name) for name, type_ in keys))
        )
    ).all()
    found = {row.id for row in named} | {row.entity_id for row in claimed}
    canonical = conn.execute(
        select(entities.c.id, entities.c.name, entities.c.type).where(entities.c.id.in_(sorted(found)))
    ).all()
    project_rows = conn.execute(
        select(projects.c.entity_id, projects.c.id).where(projects.c.entity_id.in_(sorted(found)))
    ).all()
    return EntityIndex.from_rows(canonical, [tuple(row) for row in claimed], [tuple(row) for row in project_rows])


def read_all_names(conn: Connection) -> EntityIndex:
    """Every entity, claimed name and project, as one index."""
    return EntityIndex.from_rows(
        conn.execute(select(entities.c.id, entities.c.name, entities.c.type)).all(),
        conn.execute(select(entity_names.c.entity_id, entity_names.c.name, entity_names.c.type)).all(),
        conn.execute(select(projects.c.entity_id, projects.c.id)).all(),
    )


def stored_entities(article) -> list[Entity]:
    """What the article stores as entities: those it names, then the places
    enclosing them (with no mention)."""
    return [*article.entities, *article.enclosing_places]


def article_keys(article) -> set[EntityKey]:
    """Every (form, type) the article's entities and their parents are named by."""
    stored = stored_entities(article)
    keys = {(form, entity.type) for entity in stored for form in entity.forms()}
    keys |= {(entity.parent, "org" if entity.type == "person" else "place") for entity in stored if entity.parent}
    return keys


def upsert_entity(conn: Connection, index: EntityIndex, entity: Entity, writes: ArticleWrites) -> int:
    entity_id = index.find(entity.forms(), entity.type)
    if entity_id is None:
        entity_id = conn.execute(
            insert(entities)
            .values(
                name=entity.name,
                type=entity.type,
                role=entity.role,
                adcode=entity.adcode,
                longitude=entity.longitude,
                latitude=entity.latitude,
            )
            .returning(entities.c.id)
        ).scalar_one()
        index.add_entity(entity_id, entity.name, entity.type)
        writes.claim(entity.name, entity.type, entity_id)
    else:
        # the longer full form becomes canonical; the old name stays an alias
        current = index.canonical[entity_id]
        if (
            len(entity.name) > len(current)
            and entity.adcode is None
            and entity.type in RENAMED_TYPES
            and not index.has_name(entity.name, entity.type)
        ):
            renamed = conn.execute(
                update(entities)
                .where(entities.c.id == entity_id, entities.c.name == current)
                .values(name=entity.name)
            )
            if renamed.rowcount != 1:  # another loader renamed it since this one read it
                raise ConcurrentWrite(f"{entity.type} {current!r} was renamed meanwhile")
            index.rename(entity_id, entity.name, entity.type)
            writes.claim(entity.name, entity.type, entity_id)
            add_alias(index, writes, entity_id, current, entity.type)
        if entity.role:
            writes.add("role", entity.role, entity_id)
    name = index.canonical[entity_id]
    for alias in sorted(entity.forms() - {name}):
        add_alias(index, writes, entity_id, alias, entity.type)
    return entity_id


def add_alias(index: EntityIndex, writes: ArticleWrites, entity_id: int, alias: str, type_: str) -> None:
    index.add_alias(entity_id, alias, type_)
    writes.add("alias", entity_id, alias)
    writes.claim(alias, type_, entity_id)


def claim_names(conn: Connection, writes: ArticleWrites, index: EntityIndex) -> None:
    """Claim the article's new names; a name claimed by another loader since
    the article was resolved means the resolution is stale."""
    new = {key: entity_id for key, entity_id in writes.claims.items() if key not in index.claimed}
    if not new:
        return
    rows = [{"type": type_, "name": name, "entity_id": entity_id} for (name, type_), entity_id in sorted(new.items())]
    conn.execute(insert_ignoring_duplicates(conn, entity_names), rows)
    owners = conn.execute(
        select(entity_names.c.name, entity_names.c.type, entity_names.c.entity_id).where(
            tuple_(entity_names.c.type, entity_names.c.name).in_(sorted((type_, name) for name, type_ in new))
        )
    )
    for name, type_, owner in owners:
        if owner != new[(name, type_)]:
            raise ConcurrentWrite(f"the {type_} name {name!r} was claimed by another load meanwhile")
    index.record_claims(new)


def write_entities(
    conn: Connection,
    article,
    document_id: int,
    paragraph_ids: dict[int, int],
    names: StoredNames | None = None,
) -> dict[EntityKey, int]:
    """Resolve (in `names`, by default the database) and insert the article's
    entities, mentions, projects, milestones, operators, and set parents;
    returns (name, type) -> entity id, for the metrics' subjects."""
    if not article.entities:
        return {}
    index = (names or NamesInDatabase()).index_for(conn, article)
    writes = ArticleWrites()
    ids: dict[EntityKey, int] = {}
    by_form: dict[str, int] = {}
    relocated: dict[int, int] = {}  # stored project -> the place the article gives it
    stored = stored_entities(article)
    for entity in stored:
        entity_id = upsert_entity(conn, index, entity, writes)
        ids[(entity.name, entity.type)] = entity_id
        for form in entity.forms():
            by_form.setdefault(form, entity_id)
        for m in entity.mentions:
            if m.paragraph_seq in paragraph_ids:
                writes.add(
                    "mention", entity_id, document_id, paragraph_ids[m.paragraph_seq], m.char_start, m.char_end, m.surface
                )
    claim_names(conn, writes, index)
    for entity in stored:
        if entity.parent:
            parent_type = "org" if entity.type == "person" else "place"
            parent_id = ids.get((entity.parent, parent_type)) or index.find({entity.parent}, parent_type)
            if parent_id is not None and parent_id != ids[(entity.name, entity.type)]:
                writes.add("parent", parent_id, ids[(entity.name, entity.type)])
    for project in article.projects:
        entity_id = ids.get((project.name, "project"))
        if entity_id is None:
            continue
        location_id = ids.get((project.location, "place")) if project.location else None
        if location_id is None and project.location:
            location_id = by_form.get(project.location)
        project_id = index.projects.get(entity_id)
        if project_id is None:
            # A new project: this article's place is the only one stated.
            project_id = conn.execute(
                insert(projects)
                .values(entity_id=entity_id, location_id=location_id, category=project.category, status=project.status)
                .returning(projects.c.id)
            ).scalar_one()
            index.add_project(entity_id, project_id)
        else:
            writes.add("project", project.status, project_id)
            if location_id is not None:
                relocated.setdefault(project_id, location_id)
        if location_id is not None:
            writes.add("site", project_id, document_id, location_id)
        for ms in project.milestones:
            if ms.paragraph_seq in paragraph_ids:
                writes.add("milestone", project_id, ms.event, ms.date, ms.status, paragraph_ids[ms.paragraph_seq])
        for org_name, role in project.operators:
            org_id = ids.get((org_name, "org"))
            if org_id is not None:
                writes.add("operator", project_id, org_id, role)
    # Rows other loaders may update too are locked in one order, entities
    # then projects, by id: two loaders wait for each other, never in a cycle.
    lock_rows(conn, entities, [row[-1] for row in writes.rows.get("role", []) + writes.rows.get("parent", [])])
    lock_rows(conn, projects, [row[-1] for row in writes.rows.get("project", [])] + list(relocated))
    writes.flush(conn)
    relocate(conn, relocated)
    return ids


def lock_rows(conn: Connection, table: Table, ids) -> None:
    """Where other loaders write at once (PostgreSQL), lock the rows of
    `table` with these ids for an update, in id order. `for no key update`:
    a loader that only points a new row at one of them (a foreign key takes
    `for key share`) is not kept waiting, nor keeps this one waiting."""
    if not ids or conn.dialect.name != "postgresql":
        return
    conn.execute(
        select(table.c.id).where(table.c.id.in_(sorted(set(ids)))).order_by(table.c.id).with_for_update(key_share=True)
    )


def relocate(conn: Connection, stated: dict[int, int | None]) -> None:
    """Work the projects' locations out again from their sites, after a site
    was added (project -> its place) or removed (project -> None). The
    project rows are locked first (`lock_rows`), in a statement of their own:
    the update then starts after any other loader that placed these projects
    has committed, and sees its sites."""
    if not stated:
        return
    ordered = sorted(stated)
    lock_rows(conn, projects, ordered)
    RELOCATE.execute_many(conn, [(stated[project_id], project_id) for project_id in ordered])


def delete_entity_facts(conn: Connection, document_id: int) -> None:
    """Remove a document's mentions, milestones and sites (for re-extraction),
    and place the projects it placed by what the other documents say; shared
    entities stay."""
    sited = {project_id: None for project_id, in SITED_BY_DOCUMENT.execute(conn, (document_id,))}
    DELETE_SITES.execute(conn, (document_id,))
    relocate(conn, sited)
    conn.execute(update(metrics).where(metrics.c.document_id == document_id).values(subject_id=None))
    conn.execute(delete(entity_mentions).where(entity_mentions.c.document_id == document_id))
    conn.execute(
        delete(project_milestones).where(
            project_milestones.c.paragraph_id.in_(select(paragraphs.c.id).where(paragraphs.c.document_id == document_id))
        )
    )
