"""Where each document says a project is (`project_sites`), so that a
project's location is worked out from every document that places it, in any
load order, and follows a document that changes or goes.

Projects loaded before this revision have no sites: each document that
mentions both a located project and its place is taken to give that place,
the nearest record of provenance they kept (`urbandb reextract` rebuilds the
exact one).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('project_sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_project_sites_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['entities.id'], name=op.f('fk_project_sites_location_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_sites_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_sites')),
    sa.UniqueConstraint('project_id', 'document_id', name=op.f('uq_project_sites_project_id_document_id'))
    )
    # The unique key leads with project_id; deleting a document or a place cascades through these.
    with op.batch_alter_table('project_sites', schema=None) as batch_op:
        batch_op.create_index('ix_project_sites_document_id', ['document_id'], unique=False)
        batch_op.create_index('ix_project_sites_location_id', ['location_id'], unique=False)

    op.execute(
        "insert into project_sites (project_id, document_id, location_id)"
        " select distinct p.id, m.document_id, p.location_id from projects p"
        " join entity_mentions m on m.entity_id = p.entity_id"
        " where p.location_id is not null and exists (select 1 from entity_mentions l"
        " where l.document_id = m.document_id and l.entity_id = p.location_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('project_sites', schema=None) as batch_op:
        batch_op.drop_index('ix_project_sites_location_id')
        batch_op.drop_index('ix_project_sites_document_id')
    op.drop_table('project_sites')
