"""Load the generated sample into a database: the generator's frames written by ``data_access.seed``.

The sample lives beside its generator, above the data access layer, so ``data_access`` never
imports it (ARCHITECTURE.md); the app's state and the command line call these.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import Engine

from data_access import reference
from data_access import seed as db_seed
from sample_data import generator

SEED = generator.SEED


def seed_sample(engine: Engine, *, seed: int = SEED, scale: int = 1, replace: bool = False) -> dict[str, int]:
    """Fill the activity tables with the deterministic sample; returns rows per table.

    Refuses (DatabaseProblem) when activity data is already there unless ``replace`` is set;
    ``scale`` N adds N - 1 synthetic copies of London for benchmarks (their records stay on their
    own codes throughout). Records dated before 5 May 2022 are kept on the wards of then, from the
    successor lookup in the reference folder. All in one transaction.
    """
    return db_seed.seed_sample(
        engine, partial(generator.generate, seed=seed, lookup=reference.ward_successors()),
        label=f"sample data generator (seed {seed}, scale {scale})", scale=scale, replace=replace,
    )


def prepare(engine: Engine, *, sample: bool) -> None:
    """Upgrade the schema, load reference data, and add the sample if asked and the database has none."""
    db_seed.prepare(engine)
    if sample and not db_seed.has_activity(engine):
        seed_sample(engine)
