"""The date the figures are complete to: counted and kept the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from data_access import audit, queries, seed, writes
from data_access import engine as eng
from data_access.__main__ import main

MEETINGS = (b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
            b"E05009367,2023-10-10,12,3,yes,yes,yes,online\n"
            b"E05013652,2023-10-10,9,2,yes,no,yes,in person\n"
            b"E05013653,2023-10-10,9,2,yes,no,yes,in person\n"
            b"E05013652,2025-03-01,9,2,yes,no,yes,in person\n")


def test_rows_are_counted_by_day_and_the_setting_is_kept_with_its_audit(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    checked = writes.check_files(engine, [("meetings.csv", MEETINGS)])
    writes.import_checked(engine, checked, [MEETINGS], kind="upload")
    by_day = dict(queries.rows_by_day(engine).iter_rows())
    assert by_day == {dt.date(2023, 10, 10): 3, dt.date(2025, 3, 1): 1}
    assert queries.setting(engine, queries.COMPLETE_TO) is None
    writes.set_complete_to(engine, dt.date(2023, 12, 31), who="ann@camden.example.org")
    value, by, _ = queries.setting(engine, queries.COMPLETE_TO)
    assert (value, by) == ("2023-12-31", "ann@camden.example.org")
    writes.set_complete_to(engine, None, who="ann@camden.example.org")
    assert queries.setting(engine, queries.COMPLETE_TO) is None
    whats = audit.events(engine)["what"].to_list()
    assert whats[:2] == ["figures complete to: worked out from the data", "figures complete to 2023-12-31"]
    engine.dispose()


def test_the_command_line_shows_sets_and_refuses_a_day_that_is_not_a_quarters_end(sqlite_url, capsys):
    engine = eng.make_engine(sqlite_url)
    seed.prepare(engine)
    checked = writes.check_files(engine, [("meetings.csv", MEETINGS)])
    writes.import_checked(engine, checked, [MEETINGS], kind="upload")
    engine.dispose()

    def cli(*args):
        capsys.readouterr()
        returncode = main(["--url", sqlite_url, "complete-to", *args])
        out = capsys.readouterr()
        return SimpleNamespace(returncode=returncode, stdout=out.out, stderr=out.err)

    shown = cli()
    assert shown.returncode == 0 and "Figures to 31 December 2023 (the latest quarter" in shown.stdout
    refused = cli("2023-11-15")
    assert refused.returncode == 1 and "15 November 2023 is not the last day of a quarter" in refused.stderr
    done = cli("2023-09-30")
    assert done.returncode == 0 and "Figures to 30 September 2023 (set by command line" in done.stdout
