"""Writes an article's entities and projects, resolving them against the rows
already in the database (cross-document: by canonical name or alias + type).

Called by the writer inside its per-file transaction. Resolution reads the
run's `EntityIndex`, not the database; rows are written straight through the
driver, most of them in one `executemany` per table and article.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from urbandb.db.engine import driver_cursor
from urbandb.extract.entity_records import Entity
from urbandb.loaders.entity_index import EntityIndex

# Only these grow a longer canonical name; places keep their official one.
RENAMED_TYPES = ("project", "org", "policy")

INSERT_ENTITY = "insert into entities (name, type, role, adcode, longitude, latitude) values (?, ?, ?, ?, ?, ?)"
RENAME_ENTITY = "update entities set name = ? where id = ?"
INSERT_PROJECT = "insert into projects (entity_id, location_id, category, status) values (?, ?, ?, ?)"
# Each batch below is written once per article, in the order the facts were found.
INSERT_ALIAS = "insert or ignore into entity_aliases (entity_id, alias) values (?, ?)"
SET_ROLE = "update entities set role = ? where id = ? and role is null"
INSERT_MENTION = (
    "insert into entity_mentions (entity_id, document_id, paragraph_id, char_start, char_end, surface) "
    "values (?, ?, ?, ?, ?, ?)"
)
SET_PARENT = "update entities set parent_id = ? where id = ? and parent_id is null"
UPDATE_PROJECT = (
    "update projects set location_id = coalesce(location_id, ?), status = coalesce(?, status) where id = ?"
)
INSERT_MILESTONE = "insert into project_milestones (project_id, event, date, status, paragraph_id) values (?, ?, ?, ?, ?)"
INSERT_OPERATOR = "insert or ignore into project_operators (project_id, org_id, role) values (?, ?, ?)"
SET_METRIC_SUBJECT = "update metrics set subject_id = ? where id = ?"


@dataclass
class ArticleWrites:
    """Rows of one article waiting for their `executemany`, by statement."""

    rows: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, statement: str, row: tuple) -> None:
        self.rows.setdefault(statement, []).append(row)

    def flush(self, cursor) -> None:
        for statement, rows in self.rows.items():
            cursor.executemany(statement, rows)
        self.rows.clear()


def load_entity_index(conn: Connection) -> EntityIndex:
    """The entities, aliases (in row order) and projects stored now."""
    cursor = driver_cursor(conn)
    return EntityIndex.from_rows(
        cursor.execute("select id, name, type from entities").fetchall(),
        cursor.execute(
            "select a.entity_id, a.alias, e.type from entity_aliases a join entities e on e.id = a.entity_id "
            "order by a.rowid"
        ).fetchall(),
        cursor.execute("select entity_id, id from projects").fetchall(),
    )


def upsert_entity(cursor, index: EntityIndex, entity: Entity, writes: ArticleWrites) -> int:
    entity_id = index.find(entity.forms(), entity.type)
    if entity_id is None:
        cursor.execute(
            INSERT_ENTITY,
            (entity.name, entity.type, entity.role, entity.adcode, entity.longitude, entity.latitude),
        )
        entity_id = cursor.lastrowid
        index.add_entity(entity_id, entity.name, entity.type)
    else:
        # the longer full form becomes canonical; the old name stays an alias
        current = index.canonical[entity_id]
        if (
            len(entity.name) > len(current)
            and entity.adcode is None
            and entity.type in RENAMED_TYPES
            and not index.has_name(entity.name, entity.type)
        ):
            cursor.execute(RENAME_ENTITY, (entity.name, entity_id))
            index.rename(entity_id, entity.name, entity.type)
            add_alias(index, writes, entity_id, current, entity.type)
        if entity.role:
            writes.add(SET_ROLE, (entity.role, entity_id))
    name = index.canonical[entity_id]
    for alias in sorted(entity.forms() - {name}):
        add_alias(index, writes, entity_id, alias, entity.type)
    return entity_id


def add_alias(index: EntityIndex, writes: ArticleWrites, entity_id: int, alias: str, type_: str) -> None:
    index.add_alias(entity_id, alias, type_)
    writes.add(INSERT_ALIAS, (entity_id, alias))


def write_entities(
    conn: Connection,
    article,
    document_id: int,
    paragraph_ids: dict[int, int],
    metric_ids: list[int],
    index: EntityIndex,
) -> None:
    """Resolve and insert the article's entities, mentions, projects, milestones,
    operators, set parents, and set `metrics.subject_id`."""
    cursor = driver_cursor(conn)
    writes = ArticleWrites()
    ids: dict[tuple[str, str], int] = {}
    by_form: dict[str, int] = {}
    for entity in article.entities:
        entity_id = upsert_entity(cursor, index, entity, writes)
        ids[(entity.name, entity.type)] = entity_id
        for form in entity.forms():
            by_form.setdefault(form, entity_id)
        for m in entity.mentions:
            if m.paragraph_seq in paragraph_ids:
                writes.add(
                    INSERT_MENTION,
                    (entity_id, document_id, paragraph_ids[m.paragraph_seq], m.char_start, m.char_end, m.surface),
                )
    for entity in article.entities:
        if entity.parent:
            parent_type = "org" if entity.type == "person" else "place"
            parent_id = ids.get((entity.parent, parent_type)) or index.find({entity.parent}, parent_type)
            if parent_id is not None and parent_id != ids[(entity.name, entity.type)]:
                writes.add(SET_PARENT, (parent_id, ids[(entity.name, entity.type)]))
    for project in article.projects:
        entity_id = ids.get((project.name, "project"))
        if entity_id is None:
            continue
        location_id = ids.get((project.location, "place")) if project.location else None
        if location_id is None and project.location:
            location_id = by_form.get(project.location)
        project_id = index.projects.get(entity_id)
        if project_id is None:
            cursor.execute(INSERT_PROJECT, (entity_id, location_id, project.category, project.status))
            project_id = cursor.lastrowid
            index.add_project(entity_id, project_id)
        else:
            writes.add(UPDATE_PROJECT, (location_id, project.status, project_id))
        for ms in project.milestones:
            if ms.paragraph_seq in paragraph_ids:
                writes.add(INSERT_MILESTONE, (project_id, ms.event, ms.date, ms.status, paragraph_ids[ms.paragraph_seq]))
        for org_name, role in project.operators:
            org_id = ids.get((org_name, "org"))
            if org_id is not None:
                writes.add(INSERT_OPERATOR, (project_id, org_id, role))
    for metric, metric_id in zip(article.metrics, metric_ids):
        subject_id = ids.get((metric.subject, metric.subject_type)) if metric.subject else None
        if subject_id is not None:
            writes.add(SET_METRIC_SUBJECT, (subject_id, metric_id))
    writes.flush(cursor)


def delete_entity_facts(conn: Connection, document_id: int) -> None:
    """Remove a document's mentions and milestones (for re-extraction); shared entities stay."""
    cursor = driver_cursor(conn)
    cursor.execute("update metrics set subject_id = null where document_id = ?", (document_id,))
    cursor.execute("delete from entity_mentions where document_id = ?", (document_id,))
    cursor.execute(
        "delete from project_milestones where paragraph_id in (select id from paragraphs where document_id = ?)",
        (document_id,),
    )
