"""police.uk files whose neighbourhood id matched no 2022 ward, kept with the import history.

Revision ID: 0011
Revises: 0010

Such a file imports nothing (every item is "not matched to a ward"), so it records no import
batch; ``policeuk_unmatched`` keeps the id, the file, what it held and who tried it, so the id
can be matched to a ward later instead of being reported once and forgotten.
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'policeuk_unmatched',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('neighbourhood', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('checksum', sa.String(length=64), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=False), nullable=False),
        sa.Column('seen_by', sa.String(length=255), nullable=True),
        sa.Column('boroughs', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policeuk_unmatched')),
    )


def downgrade() -> None:
    op.drop_table('policeuk_unmatched')
