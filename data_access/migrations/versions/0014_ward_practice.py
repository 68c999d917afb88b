"""Ward-level practice: recorded crime by ward, month and crime type; who leads a promise; venues;
the local groups a board expects on each panel.

Revision ID: 0014
Revises: 0013

``crime_count`` holds counts of recorded crime by 2022 ward, month (its first day) and police.uk
crime type, made from police.uk street-level files by sharing each LSOA's records between the
wards it overlaps by residents (so a count may have decimals). No crime record is kept.

``promise`` gains three optional columns: ``lead_agency`` (empty: the police lead it),
``action`` (what the panel agreed to do) and ``barrier`` (what stood in the way).
``engagement_activity`` gains an optional ``venue``. ``ward_group`` holds the significant local
groups (an estate, a college, a hospital, a housing provider ...) a board expects on a ward's panel.
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'crime_count',
        sa.Column('ward_code', sa.String(length=9), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('crime_type', sa.String(length=80), nullable=False),
        sa.Column('count', sa.Float(), nullable=False),
        sa.CheckConstraint('count >= 0', name=op.f('ck_crime_count_count_not_negative')),
        sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_crime_count_ward_code_ward')),
        sa.PrimaryKeyConstraint('ward_code', 'month', 'crime_type', name=op.f('pk_crime_count')),
    )
    op.create_table(
        'ward_group',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('ward_code', sa.String(length=9), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_ward_group_ward_code_ward')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ward_group')),
        sa.UniqueConstraint('ward_code', 'organisation', name=op.f('uq_ward_group_ward_code_organisation')),
    )
    with op.batch_alter_table('ward_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ward_group_ward_code'), ['ward_code'], unique=False)
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_agency', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('action', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('barrier', sa.Text(), nullable=True))
    with op.batch_alter_table('engagement_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('engagement_activity', schema=None) as batch_op:
        batch_op.drop_column('venue')
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.drop_column('barrier')
        batch_op.drop_column('action')
        batch_op.drop_column('lead_agency')
    with op.batch_alter_table('ward_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ward_group_ward_code'))
    op.drop_table('ward_group')
    op.drop_table('crime_count')
