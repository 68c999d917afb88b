"""Wards in time: records may be kept on the wards in force before 5 May 2022.

Revision ID: 0012
Revises: 0011

``ward_pre2022`` holds the wards in force before the May 2022 boundary changes and
``ward_successor`` which 2022 wards each one's area went to (both loaded with the reference
data). ``recorded_ward`` is every code a record may carry, with its borough and the 2022 ward it
counts for in figures; the activity tables' ward codes now point at it instead of at ``ward``.
The 2022 wards already in ``ward`` are copied into it here, before the foreign keys move, so
every row already stored keeps a valid reference (the reference loader adds the older wards).

Downgrading moves the foreign keys back to ``ward``, which fails while any record is kept on a
ward from before May 2022.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ACTIVITY = ('panel', 'panel_member', 'meeting', 'promise', 'engagement_activity', 'concern', 'remedy_plan', 'dwo_assignment')


def upgrade() -> None:
    op.create_table(
        'ward_pre2022',
        sa.Column('code', sa.String(length=9), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('borough_code', sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(['borough_code'], ['borough.code'], name=op.f('fk_ward_pre2022_borough_code_borough')),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_ward_pre2022')),
    )
    with op.batch_alter_table('ward_pre2022', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ward_pre2022_borough_code'), ['borough_code'], unique=False)
    op.create_table(
        'ward_successor',
        sa.Column('old_code', sa.String(length=9), nullable=False),
        sa.Column('new_code', sa.String(length=9), nullable=False),
        sa.Column('share_of_old_area', sa.Float(), nullable=False),
        sa.Column('share_of_new_area', sa.Float(), nullable=False),
        sa.Column('best_fit', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['new_code'], ['ward.code'], name=op.f('fk_ward_successor_new_code_ward')),
        sa.ForeignKeyConstraint(['old_code'], ['ward_pre2022.code'], name=op.f('fk_ward_successor_old_code_ward_pre2022')),
        sa.PrimaryKeyConstraint('old_code', 'new_code', name=op.f('pk_ward_successor')),
    )
    with op.batch_alter_table('ward_successor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ward_successor_new_code'), ['new_code'], unique=False)
    op.create_table(
        'recorded_ward',
        sa.Column('code', sa.String(length=9), nullable=False),
        sa.Column('borough_code', sa.String(length=9), nullable=False),
        sa.Column('counts_as', sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(['borough_code'], ['borough.code'], name=op.f('fk_recorded_ward_borough_code_borough')),
        sa.ForeignKeyConstraint(['counts_as'], ['ward.code'], name=op.f('fk_recorded_ward_counts_as_ward')),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_recorded_ward')),
    )
    with op.batch_alter_table('recorded_ward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recorded_ward_borough_code'), ['borough_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_recorded_ward_counts_as'), ['counts_as'], unique=False)
    op.execute("INSERT INTO recorded_ward (code, borough_code, counts_as) SELECT code, borough_code, code FROM ward")
    for table in ACTIVITY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_ward_code_ward', type_='foreignkey')
            batch_op.create_foreign_key(f'fk_{table}_ward_code_recorded_ward', 'recorded_ward', ['ward_code'], ['code'])


def downgrade() -> None:
    for table in ACTIVITY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_ward_code_recorded_ward', type_='foreignkey')
            batch_op.create_foreign_key(f'fk_{table}_ward_code_ward', 'ward', ['ward_code'], ['code'])
    op.drop_table('recorded_ward')
    op.drop_table('ward_successor')
    op.drop_table('ward_pre2022')
