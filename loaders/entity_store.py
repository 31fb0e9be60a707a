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
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import ContextManager, Iterator, Protocol

from sqlalchemy import (
    Integer, String, Table, and_, bindparam, case, delete, func, insert, or_, select, tuple_, update,
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
)
from urbandb.db.prepared import Prepared
from urbandb.extract.entity_records import PROJECT_STATUSES, Entity
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
        # Only a row the article changes is written again (a place where none was, or a later stage).
        .where(
            projects.c.id == p("b_id"),
            or_(
                and_(projects.c.location_id.is_(None), p("b_location", type_=Integer).is_not(None)),
                status_rank(p("b_status", type_=String)) > status_rank(projects.c.status),
            ),
        )
        .values(
            location_id=func.coalesce(projects.c.location_id, p("b_location", type_=Integer)),
            status=case(
                (status_rank(p("b_status", type_=String)) > status_rank(projects.c.status), p("b_status", type_=String)),
                else_=projects.c.status,
            ),
        ),
        ["b_location", "b_status", "b_id"],
    ),
    "milestone": Prepared(insert(project_milestones), ["project_id", "event", "date", "status", "paragraph_id"]),
    "operator": Prepared(_ignoring_duplicates(project_operators), ["project_id", "org_id", "role"]),
}
del p


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


def article_keys(article) -> set[EntityKey]:
    """Every (form, type) the article's entities and their parents are named by."""
    keys = {(form, entity.type) for entity in article.entities for form in entity.forms()}
    keys |= {
        (entity.parent, "org" if entity.type == "person" else "place") for entity in article.entities if entity.parent
    }
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
    for entity in article.entities:
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
    for entity in article.entities:
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
            project_id = conn.execute(
                insert(projects)
                .values(entity_id=entity_id, location_id=location_id, category=project.category, status=project.status)
                .returning(projects.c.id)
            ).scalar_one()
            index.add_project(entity_id, project_id)
        else:
            writes.add("project", location_id, project.status, project_id)
        for ms in project.milestones:
            if ms.paragraph_seq in paragraph_ids:
                writes.add("milestone", project_id, ms.event, ms.date, ms.status, paragraph_ids[ms.paragraph_seq])
        for org_name, role in project.operators:
            org_id = ids.get((org_name, "org"))
            if org_id is not None:
                writes.add("operator", project_id, org_id, role)
    writes.flush(conn)
    return ids


def delete_entity_facts(conn: Connection, document_id: int) -> None:
    """Remove a document's mentions and milestones (for re-extraction); shared entities stay."""
    conn.execute(update(metrics).where(metrics.c.document_id == document_id).values(subject_id=None))
    conn.execute(delete(entity_mentions).where(entity_mentions.c.document_id == document_id))
    conn.execute(
        delete(project_milestones).where(
            project_milestones.c.paragraph_id.in_(select(paragraphs.c.id).where(paragraphs.c.document_id == document_id))
        )
    )
