"""The Safer Neighbourhood Board: its members, its meetings, the Borough Commanders and its money.

Revision ID: 0013
Revises: 0012

Four tables users maintain, each kept by borough: ``board_member`` (pseudonymous, like
``panel_member``), ``board_meeting`` (with the Borough Commander's attendance and update),
``borough_commander`` (who was in post when) and ``board_funding`` (grant and spend by year
and source, in whole pounds).
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLES = ('board_member', 'board_meeting', 'borough_commander', 'board_funding')


def _borough(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['borough_code'], ['borough.code'], name=op.f(f'fk_{table}_borough_code_borough'))


def upgrade() -> None:
    op.create_table(
        'board_member',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('member_ref', sa.String(length=40), nullable=False),
        sa.Column('borough_code', sa.String(length=9), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('ward_represented', sa.String(length=9), nullable=True),
        sa.Column('group_represented', sa.String(length=120), nullable=True),
        sa.Column('ethnic_group', sa.String(length=60), nullable=False),
        sa.Column('age_band', sa.String(length=20), nullable=False),
        sa.Column('sex', sa.String(length=20), nullable=False),
        sa.Column('joined_on', sa.Date(), nullable=False),
        sa.Column('left_on', sa.Date(), nullable=True),
        _borough('board_member'),
        sa.ForeignKeyConstraint(['ward_represented'], ['ward.code'], name=op.f('fk_board_member_ward_represented_ward')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_board_member')),
        sa.UniqueConstraint('borough_code', 'member_ref', name=op.f('uq_board_member_borough_code_member_ref')),
    )
    op.create_table(
        'board_meeting',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('borough_code', sa.String(length=9), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('commander_present', sa.Boolean(), nullable=False),
        sa.Column('commander_update_given', sa.Boolean(), nullable=False),
        sa.Column('panel_chairs_present', sa.Integer(), nullable=False),
        sa.CheckConstraint('panel_chairs_present >= 0', name=op.f('ck_board_meeting_count_not_negative')),
        _borough('board_meeting'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_board_meeting')),
        sa.UniqueConstraint('borough_code', 'held_on', name=op.f('uq_board_meeting_borough_code_held_on')),
    )
    op.create_table(
        'borough_commander',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('officer_ref', sa.String(length=40), nullable=False),
        sa.Column('borough_code', sa.String(length=9), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        _borough('borough_commander'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_borough_commander')),
        sa.UniqueConstraint('borough_code', 'officer_ref', 'started_on', name=op.f('uq_borough_commander_borough_code_officer_ref_started_on')),
    )
    op.create_table(
        'board_funding',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('borough_code', sa.String(length=9), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('spent', sa.Integer(), nullable=False),
        sa.Column('spent_on', sa.Text(), nullable=True),
        sa.CheckConstraint('amount >= 0 AND spent >= 0', name=op.f('ck_board_funding_money_not_negative')),
        _borough('board_funding'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_board_funding')),
        sa.UniqueConstraint('borough_code', 'year', 'source', name=op.f('uq_board_funding_borough_code_year_source')),
    )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_borough_code'), ['borough_code'], unique=False)


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_borough_code'))
        op.drop_table(table)
