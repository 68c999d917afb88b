"""Community concerns, a panel's public contact, promises kept internal.

Revision ID: 0004
Revises: 0002

Follows 0003 (the audit trail).
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('concern',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ward_code', sa.String(length=9), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), server_default='accepted', nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('count >= 1', name=op.f('ck_concern_count_positive')),
    sa.CheckConstraint("status IN ('accepted', 'pending', 'rejected')", name=op.f('ck_concern_status_known')),
    sa.ForeignKeyConstraint(['ward_code'], ['ward.code'], name=op.f('fk_concern_ward_code_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern'))
    )
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_raised_on'), ['raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_ward_code'), ['ward_code'], unique=False)
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_contact', sa.Text(), nullable=True))
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.drop_column('internal')
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.drop_column('public_contact')
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_ward_code'))
        batch_op.drop_index(batch_op.f('ix_concern_raised_on'))
    op.drop_table('concern')
