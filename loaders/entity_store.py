"""Writes an article's entities and projects, resolving them against the rows
already in the database (cross-document: by canonical name or alias + type).

Called by the writer inside its per-file transaction.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection

from extract.entity_records import Entity

# Plain SQL sent straight to the driver (`exec_driver_sql`): these statements
# run many times per article, and SQLAlchemy's handling of each one cost more
# than SQLite's work.
FIND_ENTITY = (
    "select e.id, e.name from entities e where e.type = :t and e.name in ({forms}) "
    "union all select a.entity_id, a.alias from entity_aliases a join entities e on e.id = a.entity_id "
    "where e.type = :t and a.alias in ({forms})"
)
INSERT_ALIAS = "insert or ignore into entity_aliases (entity_id, alias) values (:i, :a)"
INSERT_MENTION = (
    "insert into entity_mentions (entity_id, document_id, paragraph_id, char_start, char_end, surface) "
    "values (:e, :d, :p, :s, :t, :u)"
)
SET_METRIC_SUBJECT = "update metrics set subject_id = :s where id = :m"


def find_entity(conn: Connection, forms: set[str], type_: str) -> int | None:
    """The id of an existing entity of `type_` whose name or an alias is one of `forms`."""
    if not forms:
        return None
    # One query for every form; the longest form that matches decides.
    names = {f"f{i}": form for i, form in enumerate(sorted(forms))}
    statement = FIND_ENTITY.format(forms=", ".join(f":{key}" for key in names))
    found: dict[str, int] = {}
    for entity_id, form in conn.exec_driver_sql(statement, {"t": type_, **names}):
        found.setdefault(form, entity_id)
    for form in sorted(forms, key=len, reverse=True):
        if form in found:
            return found[form]
    return None


def upsert_entity(conn: Connection, entity: Entity) -> int:
    entity_id = find_entity(conn, entity.forms(), entity.type)
    if entity_id is None:
        entity_id = conn.exec_driver_sql(
            "insert into entities (name, type, role, adcode, longitude, latitude) "
            "values (:name, :type, :role, :adcode, :lon, :lat) returning id",
            {"name": entity.name, "type": entity.type, "role": entity.role, "adcode": entity.adcode,
             "lon": entity.longitude, "lat": entity.latitude},
        ).scalar_one()
    else:
        # the longer full form becomes canonical; the old name stays an alias
        current = conn.exec_driver_sql("select name from entities where id = :i", {"i": entity_id}).scalar_one()
        if len(entity.name) > len(current) and entity.adcode is None and entity.type in ("project", "org", "policy"):
            clash = conn.exec_driver_sql("select 1 from entities where name = :n and type = :t", {"n": entity.name, "t": entity.type}).first()
            if clash is None:
                conn.exec_driver_sql("update entities set name = :n where id = :i", {"n": entity.name, "i": entity_id})
                conn.exec_driver_sql(INSERT_ALIAS, {"i": entity_id, "a": current})
        if entity.role:
            conn.exec_driver_sql("update entities set role = coalesce(role, :r) where id = :i", {"r": entity.role, "i": entity_id})
    name = conn.exec_driver_sql("select name from entities where id = :i", {"i": entity_id}).scalar_one()
    aliases = [{"i": entity_id, "a": alias} for alias in sorted(entity.forms() - {name})]
    if aliases:
        conn.exec_driver_sql(INSERT_ALIAS, aliases)
    return entity_id


def write_entities(conn: Connection, article, document_id: int, paragraph_ids: dict[int, int], metric_ids: list[int]) -> None:
    """Resolve and insert the article's entities, mentions, projects, milestones,
    operators, set parents, and set `metrics.subject_id`."""
    ids: dict[tuple[str, str], int] = {}
    by_form: dict[str, int] = {}
    mentions: list[dict] = []
    for entity in article.entities:
        entity_id = upsert_entity(conn, entity)
        ids[(entity.name, entity.type)] = entity_id
        for form in entity.forms():
            by_form.setdefault(form, entity_id)
        for m in entity.mentions:
            if m.paragraph_seq not in paragraph_ids:
                continue
            mentions.append(
                {"e": entity_id, "d": document_id, "p": paragraph_ids[m.paragraph_seq],
                 "s": m.char_start, "t": m.char_end, "u": m.surface}
            )
    if mentions:
        conn.exec_driver_sql(INSERT_MENTION, mentions)
    for entity in article.entities:
        if entity.parent:
            parent_type = "org" if entity.type == "person" else "place"
            parent_id = ids.get((entity.parent, parent_type)) or find_entity(conn, {entity.parent}, parent_type)
            if parent_id is not None and parent_id != ids[(entity.name, entity.type)]:
                conn.exec_driver_sql("update entities set parent_id = coalesce(parent_id, :p) where id = :i",
                             {"p": parent_id, "i": ids[(entity.name, entity.type)]})
    for project in article.projects:
        entity_id = ids.get((project.name, "project"))
        if entity_id is None:
            continue
        location_id = ids.get((project.location, "place")) if project.location else None
        if location_id is None and project.location:
            location_id = by_form.get(project.location)
        row = conn.exec_driver_sql("select id, location_id from projects where entity_id = :e", {"e": entity_id}).first()
        if row is None:
            project_id = conn.exec_driver_sql(
                "insert into projects (entity_id, location_id, category, status) values (:e, :l, :c, :s) returning id",
                {"e": entity_id, "l": location_id, "c": project.category, "s": project.status},
            ).scalar_one()
        else:
            project_id = row[0]
            conn.exec_driver_sql("update projects set location_id = coalesce(location_id, :l), status = coalesce(:s, status) where id = :i",
                         {"l": location_id, "s": project.status, "i": project_id})
        for ms in project.milestones:
            if ms.paragraph_seq in paragraph_ids:
                conn.exec_driver_sql("insert into project_milestones (project_id, event, date, status, paragraph_id) values (:p, :e, :d, :s, :g)",
                             {"p": project_id, "e": ms.event, "d": ms.date, "s": ms.status, "g": paragraph_ids[ms.paragraph_seq]})
        for org_name, role in project.operators:
            org_id = ids.get((org_name, "org"))
            if org_id is not None:
                conn.exec_driver_sql("insert or ignore into project_operators (project_id, org_id, role) values (:p, :o, :r)",
                             {"p": project_id, "o": org_id, "r": role})
    subjects = [
        {"s": by_form[metric.subject], "m": metric_id}
        for metric, metric_id in zip(article.metrics, metric_ids)
        if metric.subject and metric.subject in by_form
    ]
    if subjects:
        conn.exec_driver_sql(SET_METRIC_SUBJECT, subjects)


def delete_entity_facts(conn: Connection, document_id: int) -> None:
    """Remove a document's mentions and milestones (for re-extraction); shared entities stay."""
    conn.exec_driver_sql("update metrics set subject_id = null where document_id = :d", {"d": document_id})
    conn.exec_driver_sql("delete from entity_mentions where document_id = :d", {"d": document_id})
    conn.exec_driver_sql(
        "delete from project_milestones where paragraph_id in (select id from paragraphs where document_id = :d)",
        {"d": document_id},
    )
