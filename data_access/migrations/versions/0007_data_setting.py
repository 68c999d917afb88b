"""Settings about the data that every user shares: first, the date the figures are complete to.

Revision ID: 0007
Revises: 0006

Pages opened on the latest quarter holding any row, so one stray row dated in the future moved
every page's default. ``data_setting`` holds ``figures_complete_to``, set by a data steward on the
Data page or the command line, with who set it and when.
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'data_setting',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.Column('set_by', sa.String(length=255), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_setting')),
    )


def downgrade() -> None:
    op.drop_table('data_setting')
