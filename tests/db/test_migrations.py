"""Migrations run up from empty, and a database the app did not make is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from data_access import engine as eng
from data_access.models import Base


def test_upgrade_from_empty_creates_every_table(any_url):
    engine = eng.make_engine(any_url)
    eng.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert eng.current_revision(engine) == eng.head_revision()
    eng.upgrade(engine)  # a second start is a no-op, not an error
    assert eng.current_revision(engine) == eng.head_revision()
    engine.dispose()


def test_migrated_schema_matches_the_models(any_url):
    """Alembic's autogenerate finds nothing to do: the migration and models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = eng.make_engine(any_url)
    eng.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_foreign_keys_are_enforced(any_url):
    engine = eng.make_engine(any_url)
    eng.upgrade(engine)
    with pytest.raises(DBAPIError):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO ward (code, name, borough_code) VALUES ('E05999999', 'Nowhere', 'E09999999')"))
    engine.dispose()


def test_database_of_unknown_schema_is_refused_and_left_alone(sqlite_url):
    plain = create_engine(sqlite_url)
    with plain.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)"))
        conn.execute(text("INSERT INTO invoices VALUES (1, 9.5)"))
    with pytest.raises(eng.DatabaseProblem, match=r"holds tables \(invoices\).*did not create"):
        eng.upgrade(eng.make_engine(sqlite_url))
    with plain.connect() as conn:
        assert set(inspect(conn).get_table_names()) == {"invoices"}
        assert conn.execute(text("SELECT total FROM invoices")).scalar() == 9.5


def test_database_from_a_newer_version_is_refused(sqlite_url):
    engine = eng.make_engine(sqlite_url)
    eng.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(eng.DatabaseProblem, match="schema version 9999"):
        eng.upgrade(engine)


def test_unreachable_server_gives_a_plain_message():
    engine = eng.make_engine("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(eng.DatabaseProblem) as caught:
        eng.upgrade(engine)
    message = str(caught.value)
    assert message.startswith("Could not connect to the database") and "DATABASE_URL" in message
    # Which server, and why, is for the administrator's log: a page may be read by anyone.
    assert "127.0.0.1" not in message and "nobody" not in message
    assert "postgresql+psycopg://nobody@127.0.0.1:1/none" in caught.value.detail
    assert "Connection refused" in caught.value.detail


def test_password_is_never_shown():
    assert "s3cret" not in eng.safe_url("postgresql://me:s3cret@db/x")


def test_nonsense_url_is_explained():
    with pytest.raises(eng.DatabaseProblem, match="not a valid SQLAlchemy URL"):
        eng.make_engine("not a url at all")


def test_url_comes_from_secrets_when_no_environment(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.sql]\nurl = "sqlite:///from-secrets.sqlite"\n')
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(eng, "SECRETS_PATH", secrets)
    assert eng.resolve_url() == "sqlite:///from-secrets.sqlite"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.sqlite")
    assert eng.resolve_url() == "sqlite:///from-env.sqlite"


def test_the_concerns_key_migration_names_duplicates_and_changes_nothing(any_url):
    """0006 makes an imported concern's natural key unique; rows already stored twice stop it, named."""
    from alembic import command

    engine = eng.make_engine(any_url)
    with engine.begin() as conn:
        command.upgrade(eng._alembic_config(conn), "0005")
    concern = ("INSERT INTO concern (ward_code, raised_on, source, category, count, status, submitted_at) "
               "VALUES ('E05014053', '2023-05-16', :source, 'theft', 2, 'accepted', :at)")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO borough (code, name, police_force) VALUES ('E09000002', 'Barking and Dagenham', 'Met')"))
        conn.execute(text("INSERT INTO ward (code, name, borough_code) VALUES ('E05014053', 'Abbey', 'E09000002')"))
        for source, at in (("survey", None), ("survey", None), ("online", "2023-05-16 10:00:00"), ("online", "2023-05-16 11:00:00")):
            conn.execute(text(concern), {"source": source, "at": at})
    with pytest.raises(eng.DatabaseProblem) as refused:
        eng.upgrade(engine)
    message = str(refused.value)
    assert "2 imported concerns share their ward, day, source and category" in message
    assert "E05014053 2023-05-16 survey / theft: 2 rows" in message and "Nothing was changed" in message
    assert "online" not in message  # two residents' concerns of one day are not duplicates
    assert eng.current_revision(engine) == "0005"
    assert "uq_concern_imported_key" not in {ix["name"] for ix in inspect(engine).get_indexes("concern")}
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM concern WHERE id = (SELECT MAX(id) FROM concern WHERE source = 'survey')"))
    eng.upgrade(engine)
    assert eng.current_revision(engine) == eng.head_revision()
    with pytest.raises(DBAPIError):  # an imported concern twice is refused by the database itself
        with engine.begin() as conn:
            conn.execute(text(concern), {"source": "survey", "at": None})
    with engine.begin() as conn:  # a third resident's concern of that day is not
        conn.execute(text(concern), {"source": "online", "at": "2023-05-16 12:00:00"})
    engine.dispose()


def test_the_age_and_sex_migration_replaces_the_best_fit_rows_and_keeps_a_users_own(any_url):
    """0009: a database loaded with the old LSOA best-fit ages (Abbey: 5,359 residents, against
    3,957 in TS021) gets the Output Area based file's (Abbey 0-15: 1,018, 16-24: 371, ... 65+:
    211, adding up to 3,957); age rows a user loaded with another source are kept; wards with
    Census rows get sex by ward (Abbey 1,945 female, 2,011 male)."""
    from alembic import command

    engine = eng.make_engine(any_url)
    with engine.begin() as conn:
        command.upgrade(eng._alembic_config(conn), "0006")
    old = "Census 2021 age, usual residents, LSOA best fit to 2022 wards (ONS, GLA; OGL v3.0)"
    row = "INSERT INTO ward_population (ward_code, dimension, category, count, source) VALUES (:w, :d, :c, :n, :s)"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO borough (code, name, police_force) VALUES ('E09000002', 'Barking and Dagenham', 'Met')"))
        conn.execute(text("INSERT INTO ward (code, name, borough_code) VALUES ('E05014053', 'Abbey', 'E09000002'), "
                          "('E05014054', 'Alibon', 'E09000002')"))
        for band, n in (("0-15", 1405), ("16-24", 500), ("25-34", 1300), ("35-49", 1200), ("50-64", 600), ("65+", 354)):
            conn.execute(text(row), {"w": "E05014053", "d": "age_band", "c": band, "n": n, "s": old})
        conn.execute(text(row), {"w": "E05014053", "d": "ethnic_group", "c": "White", "n": 900, "s": "TS021"})
        conn.execute(text(row), {"w": "E05014054", "d": "age_band", "c": "16-24", "n": 7, "s": "a board's own Census download"})
    eng.upgrade(engine)
    with engine.connect() as conn:
        def counts(ward, dimension):
            return dict(conn.execute(text("SELECT category, count FROM ward_population WHERE ward_code = :w AND dimension = :d"),
                                     {"w": ward, "d": dimension}).all())

        age, sex, kept = counts("E05014053", "age_band"), counts("E05014053", "sex"), counts("E05014054", "age_band")
        no_census_sex = counts("E05014054", "sex")
        batches = conn.execute(text("SELECT file_name, rows_new FROM import_batch WHERE table_name = 'ward_population' ORDER BY id")).all()
    assert age == {"0-15": 1018, "16-24": 371, "25-34": 857, "35-49": 1023, "50-64": 477, "65+": 211}
    assert sum(age.values()) == 3957
    assert sex == {"Female": 1945, "Male": 2011}
    assert kept == {"16-24": 7} and no_census_sex == {}
    assert [tuple(b) for b in batches] == [("census2021_age6_london_wards.csv", 6), ("census2021_ts008_sex_london_wards.csv", 2)]
    engine.dispose()
