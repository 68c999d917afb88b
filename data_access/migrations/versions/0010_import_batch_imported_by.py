"""Import batches say who imported them, so undo can name the import it will take back.

Revision ID: 0010
Revises: 0009

``import_batch.imported_by``: the signed-in email, "open mode" or "command line (user)", as the
audit trail writes it. Batches from before this revision get it from their audit event (which
names the batch: "file into table (batch 12): ..."); the sample and reference loads have none.
"""

import re

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_by', sa.String(length=255), nullable=True))
    conn = op.get_bind()
    events = conn.execute(sa.text("SELECT who, what FROM audit_event WHERE action = 'import'")).all()
    found = {}
    for who, what in events:
        if m := re.search(r"\(batch (\d+)\)", what or ""):
            found[int(m.group(1))] = who
    if found:
        conn.execute(sa.text("UPDATE import_batch SET imported_by = :who WHERE id = :id"),
                     [{"id": batch, "who": who} for batch, who in found.items()])


def downgrade() -> None:
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('imported_by')
