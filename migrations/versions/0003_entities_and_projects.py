"""Entities and projects: `entities` (places, orgs, people, projects, policies,
shared across documents), `entity_aliases`, `entity_mentions`, `projects`,
`project_milestones`, `project_operators`, and `metrics.subject_id`.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('type', sa.String(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Text(), nullable=True),
    sa.Column('adcode', sa.String(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['entities.id'], name=op.f('fk_entities_parent_id_entities'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entities')),
    sa.UniqueConstraint('name', 'type', name=op.f('uq_entities_name_type'))
    )
    op.create_table('entity_aliases',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_aliases_entity_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entity_id', 'alias', name=op.f('pk_entity_aliases'))
    )
    with op.batch_alter_table('entity_aliases', schema=None) as batch_op:
        batch_op.create_index('ix_entity_aliases_alias', ['alias'], unique=False)
    op.create_table('entity_mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('surface', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_entity_mentions_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_mentions_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_entity_mentions_paragraph_id_paragraphs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_mentions'))
    )
    with op.batch_alter_table('entity_mentions', schema=None) as batch_op:
        batch_op.create_index('ix_entity_mentions_entity_id', ['entity_id'], unique=False)
        batch_op.create_index('ix_entity_mentions_document_id', ['document_id'], unique=False)
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_projects_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['entities.id'], name=op.f('fk_projects_location_id_entities'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('entity_id', name=op.f('uq_projects_entity_id'))
    )
    op.create_table('project_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(), nullable=False),
    sa.Column('date', sa.String(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_project_milestones_paragraph_id_paragraphs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_milestones_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestones'))
    )
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.create_index('ix_project_milestones_project_id', ['project_id'], unique=False)
    op.create_table('project_operators',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['entities.id'], name=op.f('fk_project_operators_org_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_operators_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'org_id', 'role', name=op.f('pk_project_operators'))
    )
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_metrics_subject_id', ['subject_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_metrics_subject_id_entities'), 'entities', ['subject_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_metrics_subject_id_entities'), type_='foreignkey')
        batch_op.drop_index('ix_metrics_subject_id')
        batch_op.drop_column('subject_id')
    op.drop_table('project_operators')
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_project_milestones_project_id')
    op.drop_table('project_milestones')
    op.drop_table('projects')
    with op.batch_alter_table('entity_mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_entity_mentions_document_id')
        batch_op.drop_index('ix_entity_mentions_entity_id')
    op.drop_table('entity_mentions')
    with op.batch_alter_table('entity_aliases', schema=None) as batch_op:
        batch_op.drop_index('ix_entity_aliases_alias')
    op.drop_table('entity_aliases')
    op.drop_table('entities')
