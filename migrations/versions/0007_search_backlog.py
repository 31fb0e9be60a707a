"""The search backlog (`search_backlog`): documents written but not yet in
SQLite's full-text index. A load indexes the backlog every few dozen files
and at the end of each run, not file by file: FTS5 writes a segment per
transaction, and merging a thousand small segments was a sixth of a load's
time. A document's backlog row is written in its file's transaction, so a
run that dies leaves the backlog for the next run to index first.

PostgreSQL keeps its own index (pg_trgm); its backlog stays empty.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_backlog',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_search_backlog_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_search_backlog'))
    )


def downgrade() -> None:
    # Nothing written stays unsearchable: the backlog is indexed before it goes.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            "insert into fts_paragraphs (rowid, text) select p.id, p.text from paragraphs p"
            " join search_backlog b on b.document_id = p.document_id"
            " where p.kind not in ('boilerplate') order by p.id"
        )
    op.drop_table('search_backlog')
