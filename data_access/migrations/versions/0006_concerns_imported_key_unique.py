"""An imported concern's natural key is unique (among imported rows), as every other table's is.

Revision ID: 0006
Revises: 0005

``concern`` had no unique constraint on (ward_code, raised_on, source, category): an import read
the table and then inserted, so two imports of one file at once could store its rows twice. A
partial unique index holds the key among imported rows only (``submitted_at IS NULL``): two
residents may still raise the same category on the same day from the public ward page.

Rows stored twice before this revision stop it: it names them and changes nothing, so an
administrator can decide which to keep (their counts may need adding together).
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

KEY = ['ward_code', 'raised_on', 'source', 'category']
IMPORTED = "submitted_at IS NULL"
SHOWN = 5


def duplicates(bind) -> list:
    """(ward_code, raised_on, source, category, rows) for each key imported more than once."""
    return bind.execute(sa.text(
        "SELECT ward_code, raised_on, source, category, COUNT(*) AS n FROM concern "
        f"WHERE {IMPORTED} GROUP BY ward_code, raised_on, source, category HAVING COUNT(*) > 1 "
        "ORDER BY ward_code, raised_on, source, category")).all()


def upgrade() -> None:
    if found := duplicates(op.get_bind()):
        from data_access.engine import DatabaseProblem

        rows = sum(r.n for r in found)
        shown = "; ".join(f"{r.ward_code} {r.raised_on} {r.source} / {r.category}: {r.n} rows" for r in found[:SHOWN])
        more = f" and {len(found) - SHOWN:,} more" if len(found) > SHOWN else ""
        raise DatabaseProblem(
            f"The database was not brought up to date: {rows:,} imported concerns share their ward, day, source and "
            f"category with another ({shown}{more}), and from this version each is held once. Keep one row of each "
            "(adding the counts together if they are one concern), for example with python -m data_access undo "
            "concerns or in SQL, and start the app again. Nothing was changed."
        )
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index('uq_concern_imported_key', KEY, unique=True,
                              sqlite_where=sa.text(IMPORTED), postgresql_where=sa.text(IMPORTED))


def downgrade() -> None:
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index('uq_concern_imported_key', sqlite_where=sa.text(IMPORTED), postgresql_where=sa.text(IMPORTED))
