"""Command line: ``python -m data_access init | seed [--scale N] | check`` (issue #3).

Works on the same database as the app (``--url``, else DATABASE_URL, else secrets.toml, else the
embedded SQLite file). Problems print one plain message and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys
import time

from data_access import engine as eng
from data_access import seed
from data_access.engine import DatabaseProblem
from sample_data import generator


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data_access", description="Ward Panel Monitor database tools.")
    p.add_argument("--url", help="SQLAlchemy database URL (default: DATABASE_URL, secrets.toml, or embedded SQLite)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or upgrade the schema and load the reference data")
    s = sub.add_parser("seed", help="load the deterministic sample activity data")
    s.add_argument("--scale", type=int, default=1, help="multiply the wards by N (synthetic copies) for benchmarks")
    s.add_argument("--seed", type=int, default=generator.SEED, help=f"random seed (default {generator.SEED})")
    s.add_argument("--replace", action="store_true", help="delete ALL activity data first")
    sub.add_parser("check", help="report the schema version, row counts and reference checks")
    return p


def check(engine) -> list[str]:
    """Problems with the reference data in the database; empty when all is well."""
    from data_access import queries, reference

    problems = []
    wards = set(queries.wards(engine)["ward_code"])
    boundary = {f["properties"]["ward_code"] for f in reference.ward_geojson()["features"]}
    if missing := boundary - wards:
        problems.append(f"{len(missing)} wards in the boundaries have no ward row, e.g. {sorted(missing)[0]}")
    census = set(queries.ward_population(engine)["ward_code"])
    if unknown := census - wards:
        problems.append(f"{len(unknown)} Census ward codes match no ward, e.g. {sorted(unknown)[0]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        url = eng.resolve_url(args.url)
        engine = eng.make_engine(url)
        seed.prepare(engine, sample=False)
        print(f"Database: {eng.safe_url(url)} (schema version {eng.current_revision(engine)})")
        if args.command == "seed":
            counts = seed.seed_sample(engine, seed=args.seed, scale=args.scale, replace=args.replace)
            print("Loaded sample data: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        elif args.command == "check":
            for table, n in seed.row_counts(engine).items():
                print(f"  {table:<22}{n:>10,}")
            if problems := check(engine):
                for p in problems:
                    print(f"Problem: {p}", file=sys.stderr)
                return 1
            print("Reference checks passed: every boundary ward has a row; every Census ward code matches a ward.")
    except DatabaseProblem as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print(f"Done in {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
