"""Metrics: the `metrics` table (every quantity a paragraph states, normalized,
with its qualifier, label, year and subject), its indexes for the common
filters (document, paragraph, dimension, unit_normalized, label), and
`documents.extractor_version`, which records the extractor that produced a
document's facts so that `urbandb reextract` can tell stale documents.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('metrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('surface', sa.String(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(), nullable=True),
    sa.Column('value_normalized', sa.Float(), nullable=False),
    sa.Column('unit_normalized', sa.String(), nullable=False),
    sa.Column('dimension', sa.String(), nullable=False),
    sa.Column('qualifier', sa.String(), nullable=False),
    sa.Column('value_min', sa.Float(), nullable=True),
    sa.Column('value_max', sa.Float(), nullable=True),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('as_of_year', sa.Integer(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('sentence', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_metrics_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_metrics_paragraph_id_paragraphs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics'))
    )
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.create_index('ix_metrics_dimension_unit_normalized', ['dimension', 'unit_normalized'], unique=False)
        batch_op.create_index('ix_metrics_document_id', ['document_id'], unique=False)
        batch_op.create_index('ix_metrics_label', ['label'], unique=False)
        batch_op.create_index('ix_metrics_paragraph_id', ['paragraph_id'], unique=False)
        batch_op.create_index('ix_metrics_unit_normalized', ['unit_normalized'], unique=False)

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extractor_version', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('extractor_version')

    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_index('ix_metrics_unit_normalized')
        batch_op.drop_index('ix_metrics_paragraph_id')
        batch_op.drop_index('ix_metrics_label')
        batch_op.drop_index('ix_metrics_document_id')
        batch_op.drop_index('ix_metrics_dimension_unit_normalized')

    op.drop_table('metrics')
