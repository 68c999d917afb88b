"""A data version that every change moves on, so every app process sees a change within seconds.

Revision ID: 0008
Revises: 0007

Each process cached tables for ten minutes and forgot them only after a change made in that
process: an import from the command line or another process stayed invisible for up to ten
minutes. ``data_version`` holds one row whose ``version`` every import, undo, concern, review,
setting and seed moves on in its own transaction; processes look at it every few seconds.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=False), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 0, 'changed_at': None}])


def downgrade() -> None:
    op.drop_table('data_version')
