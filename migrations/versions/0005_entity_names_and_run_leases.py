"""Entity names claimed per type (`entity_names`, unique on type and name) and
a lease on loader runs (`loader_runs.heartbeat_at`), so that loaders can run
at once against one database.

`entity_names` is filled from the stored aliases (oldest row first, the one
that named its entity until now) and then the canonical names.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('entity_names',
    sa.Column('type', sa.String(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_names_entity_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('type', 'name', name=op.f('pk_entity_names'))
    )
    with op.batch_alter_table('entity_names', schema=None) as batch_op:
        batch_op.create_index('ix_entity_names_entity_id', ['entity_id'], unique=False)
    with op.batch_alter_table('loader_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.String(), nullable=True))

    # SQLite keeps rows in insertion order (rowid); PostgreSQL databases start at this revision empty.
    alias_order = 'a.rowid' if op.get_bind().dialect.name == 'sqlite' else 'a.entity_id, a.alias'
    op.execute(
        "insert into entity_names (type, name, entity_id) select e.type, a.alias, a.entity_id"
        " from entity_aliases a join entities e on e.id = a.entity_id where true"
        f" order by {alias_order} on conflict do nothing"
    )
    op.execute(
        "insert into entity_names (type, name, entity_id) select type, name, id from entities where true"
        " order by id on conflict do nothing"
    )


def downgrade() -> None:
    with op.batch_alter_table('loader_runs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
    with op.batch_alter_table('entity_names', schema=None) as batch_op:
        batch_op.drop_index('ix_entity_names_entity_id')
    op.drop_table('entity_names')
