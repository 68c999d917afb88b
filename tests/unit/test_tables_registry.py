"""The table registry (dashboard.domain.contract.TABLES) agrees with everything else that names a
table's columns: the models, the templates, the sample generator, the dashboard's cache and the
README's CSV contract. Pure: no database is opened."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, MetaData, String
from sqlalchemy.schema import PrimaryKeyConstraint, UniqueConstraint

from dashboard.app import state
from dashboard.domain import contract as c
from dashboard.domain import imports as im
from data_access import seed
from data_access.models import Base
from sample_data import generator, ward_practice

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "sample_data" / "templates"
SPECS = list(c.TABLES.values())
IDS = [spec.name for spec in SPECS]

# Tables no user maintains: the reference places (loaded from ONS files) and the app's own records.
NOT_USER_MAINTAINED = {"borough", "ward", "ward_pre2022", "ward_successor", "recorded_ward", "import_batch", "import_change",
                       "audit_event", "data_setting", "data_version", "policeuk_unmatched"}

SQL_TYPES = {c.DATE: Date, c.BOOL: Boolean, c.COUNT: Integer, c.INT: Integer, c.PCT: Float, c.NUMBER: Float, c.DATETIME: DateTime}


def model(spec: c.CsvTable):
    return Base.metadata.tables[spec.db_table]


def every_column(spec: c.CsvTable) -> tuple[c.Column, ...]:
    return (*spec.fields, *spec.db_only)


def test_every_user_maintained_model_has_a_spec_and_every_spec_a_model():
    maintained = set(Base.metadata.tables) - NOT_USER_MAINTAINED
    specified = {spec.db_table for spec in SPECS}
    assert maintained - specified == set(), "models with no block in dashboard/domain/contract.py"
    assert specified - set(Base.metadata.tables) == set(), "blocks in the registry with no model"
    assert all(name == spec.name for name, spec in c.TABLES.items())


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_the_models_columns_are_the_specs(spec):
    """The model's columns but its id: the file's columns, then those the database adds, in order."""
    in_model = [col.key for col in model(spec).columns if col.key != "id"]
    assert in_model == [col.name for col in every_column(spec)]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_each_columns_kind_and_optionality_match_the_model(spec):
    for col in every_column(spec):
        db = model(spec).c[col.name]
        assert isinstance(db.type, SQL_TYPES.get(col.kind, String)), (col.name, col.kind, db.type)
        if col.kind not in SQL_TYPES:  # text kinds: not a date or number stored as text
            assert not isinstance(db.type, (Date, DateTime, Boolean, Integer, Float)), col.name
        assert db.nullable == col.optional, f"{col.name}: optional in the registry is NULL-able in the database"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_each_text_columns_limit_is_the_models_length(spec):
    """The checker's text limits are the models' VARCHAR lengths (None for TEXT), so no value it
    accepts is too long for PostgreSQL (SQLite would store it and PostgreSQL refuse it)."""
    for col in every_column(spec):
        db = model(spec).c[col.name]
        if col.kind in SQL_TYPES:
            continue
        if col.kind == c.CHOICE:  # held to its allowed values, each of which must fit
            assert db.type.length is not None and max(map(len, col.allowed)) <= db.type.length, (spec.name, col.name)
        else:
            assert col.limit == db.type.length, f"{spec.name}.{col.name}: the registry allows {col.limit}, the model {db.type.length}"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_each_whole_number_column_holds_the_registrys_range(spec):
    """Counts are 32-bit INTEGERs on both databases: COUNT_MAX is their largest value."""
    for col in every_column(spec):
        if col.kind in (c.COUNT, c.INT):
            db = model(spec).c[col.name]
            assert type(db.type) is Integer, (spec.name, col.name, db.type)  # not BigInteger or SmallInteger
    assert (c.INT_MIN, c.COUNT_MAX) == (-(2**31), 2**31 - 1)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_the_natural_key_is_unique_in_the_database(spec):
    """So two imports of one file at once cannot store its rows twice (each upsert reads, then writes)."""
    from data_access.writes import IMPORTED_ONLY

    t = model(spec)
    unique = [tuple(col.key for col in con.columns) for con in t.constraints if isinstance(con, (UniqueConstraint, PrimaryKeyConstraint))]
    unique += [(col.key,) for col in t.columns if col.unique]
    if spec.name in IMPORTED_ONLY:
        # Unique among imported rows only: two residents may raise the same category on the same
        # day from the public page (models.Concern), so a partial unique index holds the key.
        unique = [tuple(col.key for col in ix.columns) for ix in t.indexes if ix.unique
                  and all(str(ix.dialect_options[d]["where"]) == IMPORTED_ONLY[spec.name] for d in ("sqlite", "postgresql"))]
    assert spec.natural_key in unique, f"{spec.db_table} has no unique constraint on {spec.natural_key}: {unique}"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_keys_rules_and_scope_name_columns_of_the_table(spec):
    assert len(set(spec.columns)) == len(spec.columns)
    assert set(spec.natural_key) <= set(spec.columns) - set(spec.optional)
    for rule in spec.rules:
        assert set(rule.columns) <= set(spec.columns), rule.name
        assert set(rule.condition.meta.root_names()) <= set(spec.columns), rule.name
    kinds = {col.name: col.kind for col in spec.fields}
    assert kinds.get(spec.scope) == {c.BY_WARD: c.WARD, c.BY_BOROUGH: c.BOROUGH}[spec.scope]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_every_choice_column_has_allowed_values_and_only_choices_have_them(spec):
    for col in every_column(spec):
        if col.kind == c.CHOICE:
            assert col.allowed, f"{spec.name}.{col.name} is a choice with no allowed values"
            assert all(isinstance(v, str) and v for v in col.allowed)
        else:
            assert col.allowed == (), f"{spec.name}.{col.name} has allowed values but is a {col.kind} column"
    for col in spec.fields:
        assert col.kind != c.DATETIME, f"{spec.name}.{col.name}: no file carries a datetime"
    assert {col.cache for col in every_column(spec)} <= {c.KEEP, c.LEAVE_OUT, c.CATEGORY}


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_every_template_has_the_specs_columns(spec):
    path = TEMPLATES / f"{spec.name}.csv"
    assert path.exists(), f"no template {path.relative_to(ROOT)}"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == spec.columns


def test_every_template_is_a_table_of_the_registry():
    assert {p.stem for p in TEMPLATES.glob("*.csv")} == set(c.TABLES)


def test_the_caches_left_out_and_category_columns_are_real_columns():
    for kind, held in (("LEFT_OUT", state.LEFT_OUT), ("AS_CATEGORIES", state.AS_CATEGORIES)):
        for name, columns in held.items():
            assert name in state.READERS, f"{kind}: {name} is no table the cache reads"
            t = model(c.TABLES[name])
            for column in columns:
                assert column in t.c and column != "id", f"{kind}: {t.name} has no column {column}"
                if kind == "AS_CATEGORIES":
                    assert isinstance(t.c[column].type, String), f"{t.name}.{column} is no text to hold as a category"
    assert not any(set(state.LEFT_OUT.get(n, ())) & set(state.AS_CATEGORIES.get(n, ())) for n in c.TABLES)
    assert set(c.TABLES) <= set(state.READERS)


def foreign_key_problems(order: list[str], metadata: MetaData) -> list[str]:
    """Each table in ``order`` that refers to a table of ``order`` written after it."""
    problems = []
    for i, name in enumerate(order):
        for fk in metadata.tables[name].foreign_keys:
            target = fk.column.table.name
            if target in order and order.index(target) >= i and target != name:
                problems.append(f"{name} refers to {target}, which comes later")
    return problems


def test_the_seed_and_import_orders_respect_foreign_keys():
    assert list(seed.ACTIVITY_TABLES) == [spec.db_table for spec in SPECS if spec.sample]
    assert foreign_key_problems(list(seed.ACTIVITY_TABLES), Base.metadata) == []
    assert foreign_key_problems([spec.db_table for spec in SPECS], Base.metadata) == []
    # Not a foreign key, but the same need: a file citing promises is imported after the promises file.
    for i, spec in enumerate(SPECS):
        if im.cites_promises(spec.name):
            assert i > IDS.index("promises"), f"{spec.name} cites promises but comes before them"


def test_the_foreign_key_check_catches_a_wrong_order():
    from sqlalchemy import Column, ForeignKey, Table

    md = MetaData()
    Table("parent", md, Column("id", Integer, primary_key=True))
    Table("child", md, Column("id", Integer, primary_key=True), Column("parent_id", Integer, ForeignKey("parent.id")))
    assert foreign_key_problems(["parent", "child"], md) == []
    assert foreign_key_problems(["child", "parent"], md) == ["child refers to parent, which comes later"]


def test_the_generator_makes_every_sampled_table_in_its_columns():
    schemas = ward_practice.schemas(generator.SCHEMAS)
    assert set(schemas) == set(seed.ACTIVITY_TABLES)
    for spec in SPECS:
        if spec.sample:
            schema = schemas[spec.db_table]
            assert list(schema) == [col.name for col in every_column(spec)], spec.name
            for col in spec.fields:
                assert schema[col.name] == im.polars_dtype(col.kind), (spec.name, col.name)


def readme_contract() -> dict[str, str]:
    """The README's CSV contract table: file name -> its columns as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The CSV contract", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `(\w+)\.csv` \| ([^|]+) \|", section, flags=re.MULTILINE))


def test_the_readme_lists_every_table_with_its_columns():
    listed = readme_contract()
    assert set(listed) == set(c.TABLES), "the README's CSV contract lists other tables than the registry"
    for spec in SPECS:
        written = ", ".join(f"*{col.name}*" if col.optional else col.name for col in spec.fields)
        assert listed[spec.name].strip() == written, spec.name
