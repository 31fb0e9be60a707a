"""Documents, their paragraphs, loader runs and errors, and the paragraph search index.

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('loader_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.String(), nullable=False),
    sa.Column('finished_at', sa.String(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('files_seen', sa.Integer(), nullable=False),
    sa.Column('files_added', sa.Integer(), nullable=False),
    sa.Column('files_updated', sa.Integer(), nullable=False),
    sa.Column('files_unchanged', sa.Integer(), nullable=False),
    sa.Column('files_failed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loader_runs'))
    )
    op.create_table('load_errors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('source_path', sa.String(), nullable=False),
    sa.Column('error_type', sa.String(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['loader_runs.id'], name=op.f('fk_load_errors_run_id_loader_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_load_errors'))
    )
    with op.batch_alter_table('load_errors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_load_errors_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_load_errors_source_path'), ['source_path'], unique=False)

    op.create_table('source_files',
    sa.Column('path', sa.String(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('document_count', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sa.String(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['loader_runs.id'], name=op.f('fk_source_files_run_id_loader_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('path', name=op.f('pk_source_files'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_path', sa.String(), nullable=False),
    sa.Column('source_item', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(), nullable=False),
    sa.Column('encoding', sa.String(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('subtitle', sa.Text(), nullable=True),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('publication', sa.String(), nullable=True),
    sa.Column('published_date', sa.String(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('char_count', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sa.String(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['loader_runs.id'], name=op.f('fk_documents_run_id_loader_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_path'], ['source_files.path'], name=op.f('fk_documents_source_path_source_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('source_path', 'source_item', name=op.f('uq_documents_source_path_source_item'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_content_sha256'), ['content_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_publication'), ['publication'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_published_date'), ['published_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_source_path'), ['source_path'], unique=False)

    op.create_table('paragraphs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('section', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_paragraphs_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paragraphs')),
    sa.UniqueConstraint('document_id', 'seq', name=op.f('uq_paragraphs_document_id_seq'))
    )
    with op.batch_alter_table('paragraphs', schema=None) as batch_op:
        batch_op.create_index('ix_paragraphs_kind', ['kind'], unique=False)

    # Paragraph search: a trigram index. On SQLite an FTS5 table (built in,
    # so DuckDB and any other reader can still open the file) whose rows the
    # loader writes, not triggers, because batch migrations on SQLite drop
    # triggers. On PostgreSQL a pg_trgm index on the text itself.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX fts_paragraphs ON paragraphs USING gin (text gin_trgm_ops)"
            " WHERE kind <> 'boilerplate'"
        )
    else:
        op.execute("CREATE VIRTUAL TABLE fts_paragraphs USING fts5(text, tokenize='trigram')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX fts_paragraphs")
    else:
        op.execute("DROP TABLE fts_paragraphs")
    with op.batch_alter_table('paragraphs', schema=None) as batch_op:
        batch_op.drop_index('ix_paragraphs_kind')

    op.drop_table('paragraphs')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_source_path'))
        batch_op.drop_index(batch_op.f('ix_documents_run_id'))
        batch_op.drop_index(batch_op.f('ix_documents_published_date'))
        batch_op.drop_index(batch_op.f('ix_documents_publication'))
        batch_op.drop_index(batch_op.f('ix_documents_content_sha256'))

    op.drop_table('documents')
    op.drop_table('source_files')
    with op.batch_alter_table('load_errors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_load_errors_source_path'))
        batch_op.drop_index(batch_op.f('ix_load_errors_run_id'))

    op.drop_table('load_errors')
    op.drop_table('loader_runs')
