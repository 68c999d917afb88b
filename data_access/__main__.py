"""Command line: ``python -m data_access init | seed [--scale N] | check``,
``import FILE... [--table T] [--dry-run] [--encoding cp1252]``, ``undo TABLE`` and ``import-policeuk FILE
--neighbourhood ID --kind priorities|events``.

Works on the same database as the app (``--url``, else DATABASE_URL, else secrets.toml, else the
embedded SQLite file). Problems print one plain message and exit with a non-zero status (1: the
files or the undo were refused; 2: the command line or the database, lost or damaged included, with
a line of details: which database and the driver's words; 3: anything unexpected); never a traceback.
"""

from __future__ import annotations

import argparse
import stat
import sys
import time
from pathlib import Path

from data_access import audit, seed
from data_access import engine as eng
from sample_data import load as sample_load


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data_access", description="Ward Panel Monitor database tools.")
    p.add_argument("--url", help="SQLAlchemy database URL (default: DATABASE_URL, secrets.toml, or embedded SQLite)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or upgrade the schema and load the reference data")
    s = sub.add_parser("seed", help="load the deterministic sample activity data")
    s.add_argument("--scale", type=int, default=1, help="multiply the wards by N (synthetic copies) for benchmarks")
    s.add_argument("--seed", type=int, default=sample_load.SEED, help=f"random seed (default {sample_load.SEED})")
    s.add_argument("--replace", action="store_true", help="delete ALL activity data first")
    sub.add_parser("check", help="report the schema version, row counts and reference checks")
    # The same checks as the Data page, from the command line.
    from dashboard.domain.contract import TABLES

    i = sub.add_parser("import", help="check and import CSV files (all rows of a file or none)")
    i.add_argument("files", nargs="+", metavar="FILE")
    i.add_argument("--table", choices=list(TABLES), help="the table (default: recognised from each file's header)")
    i.add_argument("--dry-run", action="store_true", help="check and preview only; change nothing")
    i.add_argument("--encoding", choices=("utf-8", "cp1252"), default="utf-8",
                   help="the files' text: utf-8 (the default, with or without a byte-order mark) or cp1252 (Windows-1252, "
                        "Excel's plain 'CSV'); a file that is not valid in it is refused")
    u = sub.add_parser("undo", help="undo the last import of a table")
    u.add_argument("table", choices=list(TABLES))
    c = sub.add_parser("complete-to", help="show or set the date the figures are complete to (pages open on its quarter)")
    c.add_argument("day", nargs="?", metavar="DATE|auto",
                   help="the last day of an ended quarter (2023-12-31), or 'auto' to work it out from the data; "
                        "without it, say what it is now")
    q = sub.add_parser("import-policeuk", help="import a saved police.uk neighbourhood priorities or events response")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--neighbourhood", required=True, help="the police.uk neighbourhood id (a 2022 ward code for most Met teams)")
    q.add_argument("--kind", required=True, choices=("priorities", "events"))
    q.add_argument("--dry-run", action="store_true", help="check and preview only; change nothing")
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
    # Every ward before May 2022 has one 2022 ward its records count for, and may be recorded on.
    former = set(queries.former_wards(engine)["ward_code"])
    successors = queries.ward_successors(engine)
    best = successors.filter(successors["best_fit"])["old_code"]
    if former and (without := former - set(best)) | (twice := set(best.filter(best.is_duplicated()))):
        problems.append(f"wards before May 2022 with no single best-fit 2022 ward: {len(without | twice)}, "
                        f"e.g. {sorted(without | twice)[0]}")
    if unrecordable := (former | wards) - set(queries.ward_places(engine)["ward_code"]):
        problems.append(f"ward codes a record cannot be kept on: {len(unrecordable)}, e.g. {sorted(unrecordable)[0]}")
    return problems


def print_report(report, out=sys.stdout) -> None:
    """The error report as a plain text table: file, row, column, value, problem."""
    rows = [("file", "row", "column", "value", "problem")]
    for r in report.iter_rows(named=True):
        note = "" if r["severity"] == "error" else "(note) "
        rows.append((r["file"] or "", "" if r["row"] is None else str(r["row"]), r["column"] or "",
                     (r["value"] or "")[:40], note + r["problem"]))
    widths = [min(max(len(row[k]) for row in rows), 40) for k in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w)[:w] for cell, w in zip(row[:4], widths)) + "  " + row[4], file=out)


def read_file(path: str):
    """(bytes, None), or (None, the problem in plain words): a folder, a missing or unreadable
    file, a device, or one above the size limit (decided before reading it)."""
    from dashboard.domain import imports as im

    p = Path(path)
    shown = p.name or path

    def refused(reason: str):
        return None, im.Problem(shown, None, None, None, reason)

    try:
        info = p.stat()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        return refused(f"The file {path!r} could not be opened ({getattr(exc, 'strerror', None) or exc}).")
    if stat.S_ISDIR(info.st_mode):
        return refused(f"{path!r} is a folder, not a file: name the CSV files inside it.")
    if not stat.S_ISREG(info.st_mode):
        return refused(f"{path!r} is not a regular file (a device or a pipe), so it was not read.")
    if too_big := im.size_problem(shown, info.st_size):  # decided before reading the file
        return None, too_big
    try:
        return p.read_bytes(), None
    except OSError as exc:
        return refused(f"The file {path!r} could not be read ({exc.strerror or exc}).")


def run_import(engine, args) -> int:
    """Check every file; print the report; import only if no file has an error."""
    from dashboard.domain import imports as im
    from data_access import writes

    paths = [args.file] if args.command == "import-policeuk" else args.files
    datas, names, problems = [], [], []
    for path in paths:
        data, problem = read_file(path)
        if problem is not None:
            problems.append(problem)
            continue
        datas.append(data)
        names.append(Path(path).name)
    if args.command == "import-policeuk":
        checked = [writes.check_policeuk(engine, d, file=n, kind=args.kind, neighbourhood=args.neighbourhood)
                   for n, d in zip(names, datas)]
    else:
        checked = writes.check_files(engine, list(zip(names, datas)), [args.table] * len(names) if args.table else None,
                                     encoding=args.encoding)
    problems += [p for c in checked for p in c.problems]
    failed = any(p.severity == im.ERROR for p in problems)
    if problems:
        print_report(im.problem_frame(problems), out=sys.stderr if failed else sys.stdout)
    if failed:
        unlisted = sum(c.unlisted for c in checked)
        n = sum(p.severity == im.ERROR for p in problems) + unlisted  # every problem, listed or not
        listed = f" (the report lists the first {im.MAX_REPORTED:,} of each file)" if unlisted else ""
        print(f"{n:,} problem{'s' if n != 1 else ''} found{listed}; nothing was imported. Fix the file and run again.", file=sys.stderr)
        return 1
    for c in checked:
        counts = im.diff_counts(writes.preview(engine, c.table, c.frame, absent=c.absent))
        print(f"{c.file} -> {c.table}: {counts['new']:,} new, {counts['changed']:,} changed, {counts['unchanged']:,} unchanged rows")
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return 0
    try:
        # The command line runs with the server's rights; each import is audited in its own transaction.
        if args.command == "import-policeuk":
            results, unmatched = writes.import_policeuk(engine, checked[0], datas[0], neighbourhood=args.neighbourhood,
                                                        kind=args.kind, load="cli", who=audit.command_line_user())
            if unmatched:
                print(f"Nothing imported: neighbourhood {args.neighbourhood!r} is no 2022 ward, so its {unmatched:,} "
                      f"{args.kind} were left out. It is kept with the import history (the Data page lists it).")
        else:
            results = writes.import_checked(engine, checked, datas, kind="cli", who=audit.command_line_user())
    except writes.ImportRefused as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    for r in results:
        if r.recorded:
            print(f"Imported batch {r.batch_id} into {r.table}: {r.new:,} new, {r.changed:,} changed, {r.unchanged:,} unchanged.")
        else:
            print(f"{r.describe()}.")
    return 0


def complete_to(engine, day: str | None) -> int:
    """Show, set or clear (``auto``) the date the figures are complete to."""
    import datetime as dt

    from dashboard.domain import periods
    from dashboard.domain.formatting import uk_date
    from data_access import queries, writes

    if day is not None:
        if day.strip().lower() == "auto":
            chosen = None
        else:
            try:
                chosen = dt.date.fromisoformat(day.strip())
            except ValueError:
                print(f"Error: {day!r} is not a date; write it as 2023-12-31, or 'auto'.", file=sys.stderr)
                return 1
            if chosen != periods.quarter_end(chosen) or chosen > dt.date.today():
                print(f"Error: {uk_date(chosen)} is not the last day of a quarter that has ended; figures are complete "
                      f"to a quarter's end, e.g. {uk_date(periods.quarter_end(min(chosen, dt.date.today()) - dt.timedelta(days=92)))}.",
                      file=sys.stderr)
                return 1
        writes.set_complete_to(engine, chosen, who=audit.command_line_user())
    if (stored := queries.setting(engine, queries.COMPLETE_TO)) is not None:
        value, by, at = stored
        now = periods.CompleteTo(dt.date.fromisoformat(value), by, at.date())
    else:
        worked_out = periods.worked_out_complete_to(queries.rows_by_day(engine), dt.date.today())
        if worked_out is None:
            print("There is no activity data yet, so there is no date the figures are complete to.")
            return 0
        now = periods.CompleteTo(worked_out)
    print(now.describe())
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and what was wrong
        return exc.code if isinstance(exc.code, int) else 2
    started = time.perf_counter()
    url = None
    try:
        url = eng.resolve_url(args.url)
        engine = eng.make_engine(url)
        seed.prepare(engine)
        print(f"Database: {eng.safe_url(url)} (schema version {eng.current_revision(engine)})")
        if args.command == "seed":
            counts = sample_load.seed_sample(engine, seed=args.seed, scale=args.scale, replace=args.replace)
            print("Loaded sample data: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        elif args.command in ("import", "import-policeuk"):
            return run_import(engine, args)
        elif args.command == "undo":
            from data_access import writes

            try:
                deleted, restored, name = writes.undo_last(engine, args.table, who=audit.command_line_user())
            except writes.ImportRefused as exc:
                print(f"Error: {exc}", file=sys.stderr)
                return 1
            print(f"Undid the import of {name} into {args.table}: {deleted:,} rows removed, {restored:,} rows restored.")
        elif args.command == "complete-to":
            return complete_to(engine, args.day)
        elif args.command == "check":
            for table, n in seed.row_counts(engine).items():
                print(f"  {table:<22}{n:>10,}")
            if problems := check(engine):
                for p in problems:
                    print(f"Problem: {p}", file=sys.stderr)
                return 1
            print("Reference checks passed: every boundary ward has a row; every Census ward code matches a ward; every "
                  "ward before May 2022 has one best-fit 2022 ward; every ward code of either time can be recorded on.")
    except eng.database_errors() as exc:  # lost, damaged, busy: the app's plain message, then which database and why
        problem = eng.as_problem(exc, url, f"The {args.command} command")
        print(f"Error: {problem}", file=sys.stderr)
        if problem.detail != str(problem):  # the command line is run by whoever runs the app: its output is their log
            print(f"Details: {problem.detail}", file=sys.stderr)
        return 2
    except Exception as exc:  # the promise of the command line: a message, never a traceback
        reason = (str(exc).strip().splitlines() or [""])[0][:200]
        print(f"Error: the {args.command} command stopped on something it did not expect ({type(exc).__name__}: {reason}). "
              "An import or undo is one transaction, so nothing of it was written.", file=sys.stderr)
        return 3
    print(f"Done in {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
