"""SQLAlchemy models: the one `MetaData` that Alembic migrations are checked against.

Table and column names are a contract: reports in `queries/`, the Datasette
site and outside checks rely on them. Change them only through a migration.
"""
from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints make batch migrations on SQLite reproducible.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LoaderRun(Base):
    """One invocation of `urbandb load` (or `reextract`)."""

    __tablename__ = "loader_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[str] = mapped_column(String, nullable=False)
    finished_at: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, nullable=False)  # running, ok, failed, interrupted
    files_seen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    files_added: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    files_updated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    files_unchanged: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    files_failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Not article files (unsupported type, pipe or device, over the size limit): recorded, not failed.
    files_skipped: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # Refreshed while the run loads; a running run whose lease is past is dead (see writer.LEASE_SECONDS).
    heartbeat_at: Mapped[str | None] = mapped_column(String)


class LoadError(Base):
    """An input a run could not load, skipped, or loaded with a caveat, and why."""

    __tablename__ = "load_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("loader_runs.id", ondelete="CASCADE"), nullable=False, index=True)
    source_path: Mapped[str] = mapped_column(String, nullable=False, index=True)
    error_type: Mapped[str] = mapped_column(String, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    # error: not loaded; skipped: not an article file (by kind or size); warning: loaded with a caveat.
    severity: Mapped[str] = mapped_column(String, nullable=False, default="error", server_default="error")
    # The record of a JSON Lines file (0-based line), when the problem is one record's.
    source_item: Mapped[int | None] = mapped_column(Integer)
    # The file name as the OS gave it, when it is not UTF-8 (`source_path` then shows it escaped).
    path_bytes: Mapped[bytes | None] = mapped_column(LargeBinary)


class SourceFile(Base):
    """A file as last loaded: its hash decides whether the next run skips it.

    One file may hold several documents (JSON Lines), so the file, not the
    document, is the unit of change detection and of the load transaction.
    """

    __tablename__ = "source_files"

    path: Mapped[str] = mapped_column(String, primary_key=True)
    content_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    document_count: Mapped[int] = mapped_column(Integer, nullable=False)
    loaded_at: Mapped[str] = mapped_column(String, nullable=False)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("loader_runs.id", ondelete="SET NULL"), index=True)
    # The file name as the OS gave it, when it is not UTF-8 (`path` then shows it escaped).
    path_bytes: Mapped[bytes | None] = mapped_column(LargeBinary)


class Document(Base):
    """One article: its metadata and its normalized body text."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("source_path", "source_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_path: Mapped[str] = mapped_column(
        ForeignKey("source_files.path", ondelete="CASCADE"), nullable=False, index=True
    )
    # Position of the article inside its file: 0, or the line of a JSON Lines file.
    source_item: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    content_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    format: Mapped[str] = mapped_column(String, nullable=False)  # text, markdown, html, json
    encoding: Mapped[str] = mapped_column(String, nullable=False)
    title: Mapped[str | None] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    publication: Mapped[str | None] = mapped_column(String, index=True)
    published_date: Mapped[str | None] = mapped_column(String, index=True)
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    char_count: Mapped[int] = mapped_column(Integer, nullable=False)
    loaded_at: Mapped[str] = mapped_column(String, nullable=False)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("loader_runs.id", ondelete="SET NULL"), index=True)
    # Which extractors produced this document's facts (metrics-1.0+…): `reextract` redoes older ones.
    extractor_version: Mapped[str | None] = mapped_column(String)


class Paragraph(Base):
    """A block of a document, classified by what it is on the page."""

    __tablename__ = "paragraphs"
    __table_args__ = (
        UniqueConstraint("document_id", "seq"),
        Index("ix_paragraphs_kind", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    # title, subtitle, heading, byline, body, caption, infobox, boilerplate
    kind: Mapped[str] = mapped_column(String, nullable=False)
    section: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    char_start: Mapped[int] = mapped_column(Integer, nullable=False)
    char_end: Mapped[int] = mapped_column(Integer, nullable=False)


class SearchBacklog(Base):
    """A document written but not yet in SQLite's full-text index: a load
    indexes the backlog every few dozen files and at its end
    (`urbandb.db.search`). Empty on PostgreSQL, which keeps its own index."""

    __tablename__ = "search_backlog"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)


PARAGRAPH_KINDS = ("title", "subtitle", "heading", "byline", "body", "caption", "infobox", "boilerplate")
DOCUMENT_FORMATS = ("text", "markdown", "html", "json")


# --- metrics ---


class Metric(Base):
    """A quantity stated in a paragraph, normalized as `spec/metrics.md` defines.

    `char_start`/`char_end` are offsets into the paragraph's text; `subject` is
    the text as the article names it (an entity link comes later).
    """

    __tablename__ = "metrics"
    __table_args__ = (
        Index("ix_metrics_document_id", "document_id"),
        Index("ix_metrics_paragraph_id", "paragraph_id"),
        Index("ix_metrics_dimension_unit_normalized", "dimension", "unit_normalized"),
        Index("ix_metrics_unit_normalized", "unit_normalized"),
        Index("ix_metrics_label", "label"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraphs.id", ondelete="CASCADE"), nullable=False)
    char_start: Mapped[int] = mapped_column(Integer, nullable=False)
    char_end: Mapped[int] = mapped_column(Integer, nullable=False)
    surface: Mapped[str] = mapped_column(String, nullable=False)  # 约24.57万平方米
    value: Mapped[float] = mapped_column(Float, nullable=False)  # 24.57: as written; lower bound of a range
    unit: Mapped[str | None] = mapped_column(String)  # 万平方米: as written, multiplier included
    value_normalized: Mapped[float] = mapped_column(Float, nullable=False)  # 245700
    unit_normalized: Mapped[str] = mapped_column(String, nullable=False)  # m2, CNY, USD, m, %, ratio, year, 个 …
    # area, money, length, count, population, percent, ratio, duration, temperature, mass
    dimension: Mapped[str] = mapped_column(String, nullable=False)
    # exact, approx, more_than, at_least, less_than, nearly, range
    qualifier: Mapped[str] = mapped_column(String, nullable=False, default="exact")
    value_min: Mapped[float | None] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(Text)  # what is measured: 规划建筑规模
    as_of_year: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str | None] = mapped_column(Text)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"), index=True)
    sentence: Mapped[str | None] = mapped_column(Text)


METRIC_DIMENSIONS = ("area", "money", "length", "count", "population", "percent", "ratio", "duration", "temperature", "mass")
METRIC_QUALIFIERS = ("exact", "approx", "more_than", "at_least", "less_than", "nearly", "range")


# --- entities ---


class Entity(Base):
    """A place, organization, person, project or policy, shared across documents."""

    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("name", "type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)  # canonical
    type: Mapped[str] = mapped_column(String, nullable=False)  # place, org, person, project, policy
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"), index=True)
    role: Mapped[str | None] = mapped_column(Text)
    adcode: Mapped[str | None] = mapped_column(String)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)


class EntityAlias(Base):
    __tablename__ = "entity_aliases"
    __table_args__ = (Index("ix_entity_aliases_alias", "alias"),)

    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    alias: Mapped[str] = mapped_column(Text, primary_key=True)


class EntityName(Base):
    """Every name and alias an entity has claimed, per type; the first claimer
    keeps it. The key is what keeps loaders running at once from creating two
    entities for one name: the second to claim a form sees the first's."""

    __tablename__ = "entity_names"
    __table_args__ = (Index("ix_entity_names_entity_id", "entity_id"),)

    type: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), nullable=False)


class EntityMention(Base):
    __tablename__ = "entity_mentions"
    __table_args__ = (
        Index("ix_entity_mentions_entity_id", "entity_id"),
        Index("ix_entity_mentions_document_id", "document_id"),
        # Deleting a changed file's paragraphs cascades here.
        Index("ix_entity_mentions_paragraph_id", "paragraph_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), nullable=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraphs.id", ondelete="CASCADE"), nullable=False)
    char_start: Mapped[int] = mapped_column(Integer, nullable=False)
    char_end: Mapped[int] = mapped_column(Integer, nullable=False)
    surface: Mapped[str] = mapped_column(Text, nullable=False)


class ProjectRow(Base):
    """What the texts say of a project entity (one row per entity, upserted)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, unique=True)
    # Worked out from `project_sites` whenever they change: the place most documents give.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(String, nullable=False)
    status: Mapped[str | None] = mapped_column(String)  # planned, under construction, completed, in use


class ProjectSite(Base):
    """Where one document says a project is: a project's location is the
    place most of its documents give (see `loaders.entity_store.located`)."""

    __tablename__ = "project_sites"
    __table_args__ = (
        UniqueConstraint("project_id", "document_id"),
        # Deleting a changed file's documents, or a place, cascades through these.
        Index("ix_project_sites_document_id", "document_id"),
        Index("ix_project_sites_location_id", "location_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    location_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), nullable=False)


class ProjectMilestone(Base):
    __tablename__ = "project_milestones"
    __table_args__ = (
        Index("ix_project_milestones_project_id", "project_id"),
        Index("ix_project_milestones_paragraph_id", "paragraph_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    event: Mapped[str] = mapped_column(String, nullable=False)
    date: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, nullable=False)  # done, planned
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraphs.id", ondelete="CASCADE"), nullable=False)


class ProjectOperator(Base):
    __tablename__ = "project_operators"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String, primary_key=True)  # developer, operator, builder
