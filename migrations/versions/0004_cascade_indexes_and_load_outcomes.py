"""Indexes on every foreign key a delete cascades through (or sets null), and
what a load records about each input: `load_errors.severity` (error, skipped,
warning), `load_errors.source_item` (the JSON Lines record), the file name's
raw bytes when it is not UTF-8 (`path_bytes`), and `loader_runs.files_skipped`.

Without `entity_mentions.paragraph_id` and `project_milestones.paragraph_id`
indexes, deleting a changed file's paragraphs scans both tables per paragraph.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# (table, column) of each foreign key with ON DELETE that had no index leading with it.
CASCADE_KEYS = (
    ('entity_mentions', 'paragraph_id'),
    ('project_milestones', 'paragraph_id'),
    ('project_operators', 'org_id'),
    ('projects', 'location_id'),
    ('entities', 'parent_id'),
    ('source_files', 'run_id'),
)


def upgrade() -> None:
    for table, column in CASCADE_KEYS:
        op.create_index(f'ix_{table}_{column}', table, [column], unique=False)
    with op.batch_alter_table('load_errors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('severity', sa.String(), server_default='error', nullable=False))
        batch_op.add_column(sa.Column('source_item', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('path_bytes', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('source_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path_bytes', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('loader_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('files_skipped', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('loader_runs', schema=None) as batch_op:
        batch_op.drop_column('files_skipped')
    with op.batch_alter_table('source_files', schema=None) as batch_op:
        batch_op.drop_column('path_bytes')
    with op.batch_alter_table('load_errors', schema=None) as batch_op:
        batch_op.drop_column('path_bytes')
        batch_op.drop_column('source_item')
        batch_op.drop_column('severity')
    for table, column in reversed(CASCADE_KEYS):
        op.drop_index(f'ix_{table}_{column}', table_name=table)
