"""Initial schema: reference, activity and import tables.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 19:02:05.197116
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('borough',
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('police_force', sa.String(length=80), nullable=False),
    sa.Column('bcu', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_borough')),
    sa.UniqueConstraint('name', name=op.f('uq_borough_name'))
    )
    op.create_table('confidence_measure',
    sa.Column('borough_code', sa.String(length=9), nullable=False),
    sa.Column('quarter_end', sa.Date(), nullable=False),
    sa.Column('measure', sa.String(length=60), nullable=False),
    sa.Column('value_pct', sa.Float(), nullable=False),
    sa.Column('base_n', sa.Integer(), nullable=True),
    sa.CheckConstraint('value_pct >= 0 AND value_pct <= 100', name=op.f('ck_confidence_measure_pct_range')),
    sa.PrimaryKeyConstraint('borough_code', 'quarter_end', 'measure', name=op.f('pk_confidence_measure'))
    )
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rows_new', sa.Integer(), nullable=False),
    sa.Column('rows_changed', sa.Integer(), nullable=False),
    sa.Column('rows_unchanged', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_table('ward',
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('borough_code', sa.String(length=9), nullable=False),
    sa.Column('centroid_lon', sa.Float(), nullable=True),
    sa.Column('centroid_lat', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['borough_code'], ['borough.code'], name=op.f('fk_ward_borough_code_borough')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_ward'))
    )
    with op.batch_alter_table('ward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ward_borough_code'), ['borough_code'], unique=False)

    op.create_table('dwo_assignment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('officer_ref', sa.String(length=40), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_dwo_assignment_ward_code_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dwo_assignment')),
    sa.UniqueConstraint('ward_code', 'officer_ref', 'started_on', name=op.f('uq_dwo_assignment_ward_code_officer_ref_started_on'))
    )
    with op.batch_alter_table('dwo_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dwo_assignment_ward_code'), ['ward_code'], unique=False)

    op.create_table('engagement_activity',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('people_reached', sa.Integer(), nullable=False),
    sa.Column('young_people_reached', sa.Integer(), nullable=False),
    sa.Column('promise_ref', sa.String(length=40), nullable=True),
    sa.CheckConstraint('people_reached >= 0 AND young_people_reached >= 0', name=op.f('ck_engagement_activity_counts_not_negative')),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_engagement_activity_ward_code_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_activity')),
    sa.UniqueConstraint('ward_code', 'held_on', 'kind', name=op.f('uq_engagement_activity_ward_code_held_on_kind'))
    )
    with op.batch_alter_table('engagement_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_activity_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagement_activity_ward_code'), ['ward_code'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendees', sa.Integer(), nullable=False),
    sa.Column('public_attendees', sa.Integer(), nullable=False),
    sa.Column('dwo_present', sa.Boolean(), nullable=False),
    sa.Column('promises_reviewed', sa.Boolean(), nullable=False),
    sa.Column('minutes_published', sa.Boolean(), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('open_to_public', sa.Boolean(), nullable=True),
    sa.CheckConstraint('attendees >= 0 AND public_attendees >= 0', name=op.f('ck_meeting_counts_not_negative')),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_meeting_ward_code_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('ward_code', 'held_on', name=op.f('uq_meeting_ward_code_held_on'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_ward_code'), ['ward_code'], unique=False)

    op.create_table('panel',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('chair_type', sa.String(length=40), nullable=False),
    sa.Column('meetings_open_to_public', sa.Boolean(), nullable=False),
    sa.Column('terms_of_reference_agreed', sa.Boolean(), nullable=False),
    sa.Column('last_membership_review_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_panel_ward_code_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel')),
    sa.UniqueConstraint('ward_code', 'established_on', name=op.f('uq_panel_ward_code_established_on'))
    )
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_ward_code'), ['ward_code'], unique=False)

    op.create_table('panel_member',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('member_ref', sa.String(length=40), nullable=False),
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.Column('is_chair', sa.Boolean(), nullable=False),
    sa.Column('ethnic_group', sa.String(length=60), nullable=False),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('sex', sa.String(length=20), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_panel_member_ward_code_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_member')),
    sa.UniqueConstraint('ward_code', 'member_ref', name=op.f('uq_panel_member_ward_code_member_ref'))
    )
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_member_ward_code'), ['ward_code'], unique=False)

    op.create_table('promise',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('promise_ref', sa.String(length=40), nullable=False),
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('set_on', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('feedback_published_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_promise_ward_code_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise')),
    sa.UniqueConstraint('promise_ref', name=op.f('uq_promise_promise_ref'))
    )
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promise_set_on'), ['set_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_promise_ward_code'), ['ward_code'], unique=False)

    op.create_table('remedy_plan',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('problem', sa.String(length=30), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_remedy_plan_ward_code_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remedy_plan')),
    sa.UniqueConstraint('ward_code', 'problem', 'agreed_on', name=op.f('uq_remedy_plan_ward_code_problem_agreed_on'))
    )
    with op.batch_alter_table('remedy_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remedy_plan_ward_code'), ['ward_code'], unique=False)

    op.create_table('ward_population',
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('dimension', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=80), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_ward_population_count_not_negative')),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_ward_population_ward_code_ward')),
    sa.PrimaryKeyConstraint('ward_code', 'dimension', 'category', name=op.f('pk_ward_population'))
    )


def downgrade() -> None:
    op.drop_table('ward_population')
    with op.batch_alter_table('remedy_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remedy_plan_ward_code'))

    op.drop_table('remedy_plan')
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promise_ward_code'))
        batch_op.drop_index(batch_op.f('ix_promise_set_on'))

    op.drop_table('promise')
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_member_ward_code'))

    op.drop_table('panel_member')
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_ward_code'))

    op.drop_table('panel')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_ward_code'))
        batch_op.drop_index(batch_op.f('ix_meeting_held_on'))

    op.drop_table('meeting')
    with op.batch_alter_table('engagement_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_activity_ward_code'))
        batch_op.drop_index(batch_op.f('ix_engagement_activity_held_on'))

    op.drop_table('engagement_activity')
    with op.batch_alter_table('dwo_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dwo_assignment_ward_code'))

    op.drop_table('dwo_assignment')
    with op.batch_alter_table('ward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ward_borough_code'))

    op.drop_table('ward')
    op.drop_table('import_batch')
    op.drop_table('confidence_measure')
    op.drop_table('borough')
