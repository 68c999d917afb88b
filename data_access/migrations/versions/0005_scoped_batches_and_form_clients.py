"""Import batches know the boroughs they touched; resident concerns know their sender's client key.

Revision ID: 0005
Revises: 0004

``import_batch.boroughs``: the borough codes an import wrote or overwrote (comma separated), so
the import history shown to a user scoped to boroughs holds only imports within theirs. Batches
from before this revision have none and are shown only to London-wide users.
``concern.client_key``: a keyed hash of the address a public-form concern came from, so the
per-client limit holds across reloads, browsers and restarts (never the address itself).
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('boroughs', sa.Text(), nullable=True))
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_concern_client_key'), ['client_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_client_key'))
        batch_op.drop_column('client_key')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('boroughs')
