"""Nothing member-derived leaks, proved over every output a viewer can get, and across outputs.

A London viewer (a role not allowed exact small counts) walks every page at London, one BCU,
one borough and one ward, as AppTest runs them. Every table shown, every download's bytes (CSV,
the pack's workbook and PDF text) and every sentence is collected. The test then plays a careful
analyst:

- no member-derived count of 1 to 4 may be shown anywhere (tables, files, sentences, metrics);
- a figure worked out from a hidden count (a share, ratio, verdict, index) may not be shown exactly
  beside it;
- the attacker's linear programme (``privacy.attack``) is run over everything collected at once:
  each panel's cells are unknowns, tied by what the attacker knows (a panel's members by ethnic
  group, by age and by sector each add up to its size; White British, White other and White not
  stated add up to White), and by every published count, total, area figure and rounded expected
  figure. No hidden cell may be pinned to one value, nor any unpublished count pinned to 1 to 4.

The attacker reads "fewer than 5" as 1 to 4 and "withheld" as any count (0 included).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import polars as pl
import pytest
import streamlit.testing.v1.app_test as app_test_module
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.testing.v1 import AppTest

from dashboard.app import access as acc
from dashboard.app.navigation import PAGES
from dashboard.figures import diversity as dv
from dashboard.figures import privacy
from data_access import engine as eng
from data_access import queries

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2023, 12, 31)  # the sample's last quarter: the pages' default period
FEWER, WITHHELD = "fewer than 5", "withheld"
BOROUGH, BCU, WARD = "Barnet", "North West", "Barnet Vale"  # a ward, its borough and its BCU
LEVELS = {
    "London": {},
    "BCU": {"bcu": BCU},
    "borough": {"borough": BOROUGH},
    "ward": {"borough": BOROUGH, "ward": WARD},
}
VIEWER = "analyst@mopac.example.org"
MAPPING = f'[[rule]]\nemail = "{VIEWER}"\nrole = "london_viewer"\n'

DIMENSION_KEYS = {"Ethnic group": "ethnic_group", "White British and White other": "white_detail", "Age": "age_band", "Sex": "sex"}
SECTORS = list(dv.SECTOR_COLUMNS)


# --- Walking the app ---------------------------------------------------------------------------


class _RecordingFiles(MediaFileManager):
    """AppTest's media store, kept after the run so a download's bytes can be read."""

    last: _RecordingFiles | None = None

    def __init__(self, storage):
        super().__init__(storage)
        _RecordingFiles.last = self


@dataclass
class Output:
    level: str
    page: str
    key: str  # the element's key: what it is
    frame: pl.DataFrame | None = None
    text: str = ""

    @property
    def where(self) -> str:
        return f"{self.level} / {self.page} / {self.key}"


def _download_bytes(button) -> tuple[str, bytes] | None:
    files = _RecordingFiles.last
    proto = button.proto
    if proto.deferred_file_id:
        entry = files._deferred_callables.get(proto.deferred_file_id)
        if entry is None:
            return None
        data = entry["callable"]()
        return entry["filename"] or "", data.encode() if isinstance(data, str) else data
    if proto.url:
        file_id = proto.url.rsplit("/", 1)[-1].split(".")[0]
        stored = files._storage.get_file(file_id)
        return stored.filename or proto.url, stored.content
    return None


def _frames_of(name: str, data: bytes) -> list[tuple[str, pl.DataFrame | None, str]]:
    """(sheet or '', frame, text) for each table or text in a downloaded file."""
    if data[:4] == b"%PDF":
        return [("", None, "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))]
    if data[:2] == b"PK":
        out = []
        for sheet in openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets:
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if rows and rows[0]:
                header = [h or f"column {i}" for i, h in enumerate(rows[0])]
                body = [r[: len(header)] for r in rows[1:]]
                frame = pl.DataFrame(body, schema=header, orient="row") if body else pl.DataFrame(schema=header)
                out.append((sheet.title, frame, "\n".join(" ".join(r) for r in rows)))
        return out
    return [("", pl.read_csv(io.BytesIO(data), infer_schema=False), "")]


def walk(level: str, params: dict) -> list[Output]:
    outputs: list[Output] = []
    for spec in PAGES:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
        for k, v in params.items():
            at.query_params[k] = v
        if spec.path == "pages/borough_map.py":
            at.query_params["map_metric"] = "Diversity gap beyond chance"
        at.switch_page(spec.path).run()
        assert not at.exception, (level, spec.path, at.exception)
        page = spec.path
        for table in at.dataframe:
            outputs.append(Output(level, page, table.key or "table", pl.from_pandas(table.value.reset_index(drop=True))))
        texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "text")
                 for e in at.get(kind)]
        texts += [f"{m.label}: {m.value}" for m in at.metric]
        texts += [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")]
        outputs.append(Output(level, page, "text", text="\n".join(str(t) for t in texts)))
        for button in at.get("download_button"):
            got = _download_bytes(button)
            if got is None:
                continue
            name, data = got
            key = user_key_from_element_id(button.proto.id) or name
            for sheet, frame, text in _frames_of(name, data):
                outputs.append(Output(level, page, f"{key}{' / ' + sheet if sheet else ''}", frame, text))
    return outputs


# --- What the attacker knows -------------------------------------------------------------------


@dataclass
class Model:
    """Each open panel's cells as unknowns, with what the outputs say about them."""

    index: dict[tuple, int] = field(default_factory=dict)
    truth: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    published: dict[int, set] = field(default_factory=lambda: defaultdict(set))  # cell -> what it was shown as
    eq: list[tuple[dict[int, float], float]] = field(default_factory=list)
    ub: list[tuple[dict[int, float], float]] = field(default_factory=list)
    aux: dict[tuple, int] = field(default_factory=dict)

    def var(self, key: tuple, true: float) -> int:
        self.index[key] = len(self.truth)
        self.truth.append(float(true))
        self.lower.append(0.0)
        self.upper.append(np.inf)
        return self.index[key]

    def total(self, keys: list[tuple], name: tuple) -> int:
        """An unknown standing for a sum of cells (an area's count), tied to them."""
        if name not in self.aux:
            cells = [self.index[k] for k in keys if k in self.index]
            i = self.var(name, sum(self.truth[c] for c in cells))
            self.aux[name] = i
            self.eq.append(({i: 1.0, **{c: -1.0 for c in cells}}, 0.0))
        return self.aux[name]

    def shown(self, i: int, cell) -> None:
        """What an output says about unknown i: a count, "fewer than 5" or "withheld"."""
        self.published[i].add(cell)
        if cell == FEWER:
            self.lower[i], self.upper[i] = max(self.lower[i], 1), min(self.upper[i], 4)
        elif isinstance(cell, int):
            self.lower[i] = self.upper[i] = float(cell)

    def between(self, coeffs: dict[int, float], lo: float, hi: float) -> None:
        self.ub.append((coeffs, hi))
        self.ub.append(({k: -v for k, v in coeffs.items()}, -lo))

    def matrices(self):
        from scipy import sparse

        def build(rows):
            r, c, v = [], [], []
            for i, (coeffs, _) in enumerate(rows):
                for j, x in coeffs.items():
                    r.append(i)
                    c.append(j)
                    v.append(x)
            return sparse.csr_matrix((v, (r, c)), shape=(len(rows), len(self.truth))), [b for _, b in rows]

        return build(self.eq), build(self.ub)


def cell_value(x):
    """A published cell: an int, FEWER, WITHHELD, or None (blank)."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    text = str(x).strip().lstrip("'").replace(",", "")
    if text in ("", "None", "nan"):
        return None
    if text.lower().startswith("fewer than"):
        return FEWER
    if text.lower() == WITHHELD:
        return WITHHELD
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number == int(number) else number


@dataclass
class Truth:
    d: dv.Diversity
    wards: pl.DataFrame

    def __post_init__(self):
        met = self.wards.filter(pl.col("police_force") == "Metropolitan Police Service")
        self.open = self.d.panels.join(met.select("ward_code"), on="ward_code", how="semi")["ward_code"].to_list()
        self.info = {r["ward_code"]: r for r in met.iter_rows(named=True)}
        self.cells = {(r["ward_code"], r["dimension"], r["category"]): r["members"] for r in self.d.comparison.iter_rows(named=True)}
        self.shares = {(r["ward_code"], r["dimension"], r["category"]): r["ward_share"] for r in self.d.comparison.iter_rows(named=True)}
        self.dims = {dim.key: [*dim.categories, "Not stated"] for dim in self.d.dims}
        self.panel = {r["ward_code"]: r for r in self.d.panels.iter_rows(named=True)}

    def wards_in(self, level: str) -> list[str]:
        if level == "London":
            return self.open
        if level == "BCU":
            return [w for w in self.open if self.info[w]["bcu"] == BCU]
        if level == "borough":
            return [w for w in self.open if self.info[w]["borough_name"] == BOROUGH]
        return [w for w in self.open if self.info[w]["borough_name"] == BOROUGH and self.info[w]["ward_name"] == WARD]

    def small_counts(self, ward: str, dims=None) -> bool:
        """Whether any count a panel's figures of these dimensions (all if None) are worked out from is 1 to 4."""
        return any(0 < self.cells.get((ward, dim, c), 0) < 5 for dim in (dims or self.dims) for c in self.dims.get(dim, []))

    def model(self) -> Model:
        m = Model()
        for w in self.open:
            size = m.var((w, "size", ""), self.panel[w]["panel_size"])
            for dim, cats in self.dims.items():
                ids = [m.var((w, dim, c), self.cells.get((w, dim, c), 0)) for c in cats]
                if dim == "white_detail":
                    m.eq.append(({**{i: 1.0 for i in ids}, m.index[(w, "ethnic_group", "White")]: -1.0}, 0.0))
                else:
                    m.eq.append(({**{i: 1.0 for i in ids}, size: -1.0}, 0.0))
            ids = [m.var((w, "sector", s), self.panel[w][s]) for s in SECTORS]
            m.eq.append(({**{i: 1.0 for i in ids}, size: -1.0}, 0.0))
        return m

    def ward_named(self, name: str, among: list[str], row: dict | None = None) -> str | None:
        found = [w for w in among if self.info[w]["ward_name"] == name]
        if row and len(found) > 1 and row.get("Borough"):
            found = [w for w in found if self.info[w]["borough_name"] == row["Borough"]]
        if len(found) > 1 and row:  # two wards of one name in a London-wide list: the one these counts are of
            found = [w for w in found if all(cell_value(row.get(s.capitalize())) in (self.panel[w][s], FEWER, WITHHELD) for s in SECTORS)]
        return found[0] if len(found) == 1 else None


# --- Reading the outputs ------------------------------------------------------------------------


MEMBER_COUNT_COLUMNS = {"Members", "Actual members", "members", *[s.capitalize() for s in SECTORS]}
ROW_DERIVED = ("Share of all members (%)", "Share of members (%)")
GROUP_DERIVED = ("Share of members who stated (%)", "Expected members", "Ratio (actual / expected)", "Verdict")
INDEX_COLUMNS = {"Diversity gap (0-100)": None, "Diversity gap beyond chance": None, "Ethnic group index": ["ethnic_group"], "Age index": ["age_band"], "Sex index": ["sex"]}


def kind_of(out: Output) -> str | None:
    """Which member-derived output this is: from a download's key, else from a table's columns
    (a table on screen has no key AppTest can read, and the pack's sheets are named for people)."""
    key = out.key
    if key.startswith("profile_"):
        return "profile"
    for name in ("sectors_by_panel", "sectors", "rollup", "panels", "map_values"):
        if key.startswith(name + "_"):
            return name
    if key.endswith("_members_download"):
        return "ward_sectors"
    if out.frame is None:
        return None
    cols = set(out.frame.columns)
    if {"Dimension", "Group", "Members"} <= cols:
        return "profile"
    if "Actual members" in cols:
        return "rollup"
    if {"Ward", "Resident", "Members"} <= cols:
        return "sectors_by_panel"
    if {"Ward", "Members"} <= cols:
        return "panels"
    if {"Sector", "Members", "Share of members (%)"} <= cols:
        return "sectors"
    if {"Sector", "Members"} <= cols:
        return "ward_sectors"
    if {"Map key", "Diversity gap beyond chance"} <= cols:
        return "map_values"
    return None


def exact_number(text: str) -> bool:
    """Whether a figure is given exactly: a number that is not part of a range ("20 to 35") or an "about 60"."""
    return bool(re.search(r"\d", re.sub(r"-?\d+ to -?\d+|about -?\d+", "", text)))


class Reader:
    def __init__(self, truth: Truth):
        self.truth = truth
        self.model = truth.model()
        self.problems: list[tuple[str, str]] = []
        self.seen: dict[tuple[str, str, str], int] = {}  # (ward, table, category) -> a count shown exactly

    def problem(self, kind: str, message: str) -> None:
        self.problems.append((kind, message))

    def small(self, out: Output, what: str, value) -> None:
        if isinstance(value, int) and 0 < value < 5:
            self.problem("a count of 1 to 4 shown", f"{out.where}: {what} = {value}")

    def ward_cell(self, out: Output, ward: str, table: str, category: str, raw) -> None:
        value = cell_value(raw)
        self.small(out, f"{self.truth.info[ward]['ward_name']} {table} {category}", value)
        key = (ward, table, category)
        if isinstance(value, int):
            self.seen[key] = value
        if key in self.model.index and value is not None:
            self.model.shown(self.model.index[key], value)

    def area_of(self, out: Output) -> tuple[str, list[str]]:
        """The area an output is of: the walked area's, but the briefing pack is its borough's."""
        level = "borough" if out.page == "pages/briefing.py" else out.level
        return level, self.truth.wards_in(level)

    def area_cell(self, out: Output, table: str, category: str, raw) -> int | None:
        value = cell_value(raw)
        level, wards = self.area_of(out)
        self.small(out, f"{level} {table} {category}", value)
        if value is None:
            return None
        i = self.model.total([(w, table, category) for w in wards], (level, table, category))
        self.model.shown(i, value)
        return i

    def read(self, out: Output) -> None:
        _, wards = self.area_of(out)
        if out.key == "text" or out.frame is None:
            self.read_text(out, wards)
            return
        # The Board page and the pack's board section: no count of board members of 1 to 4 anywhere.
        if "Board members" in out.frame.columns:
            for r in out.frame.to_dicts():
                self.small(out, f"board members {r.get('Role') or r.get('Group') or r.get('Borough') or ''}", cell_value(r["Board members"]))
        kind = kind_of(out)
        frame = out.frame
        if kind is None:
            return
        rows = frame.to_dicts()
        if kind == "profile" and out.level == "ward":
            self.read_profile(out, wards[0], rows)
        elif kind == "sectors":
            for r in rows:
                sector = str(r["Sector"]).lower()
                if out.level == "ward":
                    self.ward_cell(out, wards[0], "sector", sector, r["Members"])
                else:
                    self.area_cell(out, "sector", sector, r["Members"])
                self.derived_beside(out, r, "Members", ["Share of members (%)"])
        elif kind == "ward_sectors":
            ward = wards[0]
            listed = {str(r["Sector"]).lower(): r["Members"] for r in rows}
            for s in SECTORS:
                self.ward_cell(out, ward, "sector", s, listed.get(s, 0))
        elif kind == "sectors_by_panel":
            for r in rows:
                ward = self.truth.ward_named(str(r["Ward"]), wards, r)
                if ward is None:
                    continue
                for s in SECTORS:
                    self.ward_cell(out, ward, "sector", s, r[s.capitalize()])
                self.ward_cell(out, ward, "size", "", r["Members"])
        elif kind == "panels":
            for r in rows:
                ward = self.truth.ward_named(str(r["Ward"]), wards, r)
                if ward is None:
                    continue
                self.ward_cell(out, ward, "size", "", r["Members"])
                for col, dims in INDEX_COLUMNS.items():
                    if col in r and exact_number(str(r[col])) and self.truth.small_counts(ward, dims or ["ethnic_group", "age_band", "sex"]):
                        self.problem("an exact index of a panel with small counts", f"{out.where}: {r['Ward']} {col} = {r[col]}")
                if self.truth.small_counts(ward):
                    verdicts = r.get("Differs from ward beyond chance")
                    if verdicts not in (None, WITHHELD):
                        self.problem("a verdict worked out from small counts", f"{out.where}: {r['Ward']} groups under-represented = {verdicts!r}")
        elif kind == "rollup":
            self.read_rollup(out, wards, rows)
        elif kind == "map_values":
            for r in rows:
                ward, label = r["Ward code"], str(r.get("Diversity gap beyond chance") or "")
                if ward not in self.truth.panel:
                    continue
                every = ["ethnic_group", "age_band", "sex"]
                for pattern, dims in ((r"Diversity gap ([^(,]*) of 100", every), (r": ([^(]*) beyond chance", every), (r"ethnic group ([^,)]*)", ["ethnic_group"]),
                                      (r"age ([^,)]*)", ["age_band"]), (r"sex ([^,)]*)", ["sex"])):
                    found = re.search(pattern, label)
                    if found and exact_number(found.group(1)) and self.truth.small_counts(ward, dims):
                        self.problem("an exact index of a panel with small counts", f"{out.where}: {r.get('Ward')}: {label}")

    def derived_beside(self, out: Output, row: dict, count: str, columns) -> None:
        if cell_value(row[count]) in (FEWER, WITHHELD):
            for col in columns:
                if col in row and cell_value(row[col]) not in (None, WITHHELD, FEWER, ""):
                    self.problem("a figure worked out from a hidden count", f"{out.where}: {col} = {row[col]} beside {row[count]}")

    def read_profile(self, out: Output, ward: str, rows: list[dict]) -> None:
        dim = DIMENSION_KEYS[rows[0]["Dimension"]] if rows else None
        counts = {r["Group"]: cell_value(r["Members"]) for r in rows}
        stated = [c for c in counts if c != "Not stated"]
        # How many stated is known where every stated group is shown, or where "Not stated" is and so
        # is the total: the panel's size, or for White detail the White count of the ethnic group table.
        total_shown = dim != "white_detail" or (ward, "ethnic_group", "White") in self.seen
        stated_known = all(isinstance(counts[c], int) for c in stated) or (total_shown and isinstance(counts.get("Not stated"), int))
        for r in rows:
            self.ward_cell(out, ward, dim, r["Group"], r["Members"])
            # expected members come from how many stated, not from the row's own count
            self.derived_beside(out, r, "Members", [*ROW_DERIVED, *(c for c in GROUP_DERIVED if c != "Expected members")])
            if not stated_known:
                for col in GROUP_DERIVED:
                    if col in r and cell_value(r[col]) not in (None, WITHHELD, ""):
                        self.problem("a figure worked out from a hidden count",
                                     f"{out.where}: {r['Group']} {col} = {r[col]}, where how many stated is hidden")

    def read_rollup(self, out: Output, wards: list[str], rows: list[dict]) -> None:
        m = self.model
        for r in rows:
            dim, cat = DIMENSION_KEYS[r["Dimension"]], r["Group"]
            actual = self.area_cell(out, dim, cat, r["Actual members"])
            self.derived_beside(out, r, "Actual members", ["Shortfall (expected - actual)", "Ratio (actual / expected)",
                                                          "Chance of a difference this large (p)", "Beyond chance (after correction)"])
            expected = cell_value(r.get("Expected members"))
            if not isinstance(expected, int | float):
                continue
            # Expected members = members who stated x ward share, summed over the area's panels
            # (the Census shares are public), published to one decimal.
            stated = {}
            for w in wards:
                share = self.truth.shares.get((w, dim, cat))
                if share is None:
                    continue
                if dim == "white_detail":
                    for c in ("White British", "White other"):
                        stated[m.index[(w, dim, c)]] = stated.get(m.index[(w, dim, c)], 0) + share
                else:
                    stated[m.index[(w, "size", "")]] = stated.get(m.index[(w, "size", "")], 0) + share
                    stated[m.index[(w, dim, "Not stated")]] = stated.get(m.index[(w, dim, "Not stated")], 0) - share
            m.between(stated, expected - 0.0501, expected + 0.0501)
            shortfall = cell_value(r.get("Shortfall (expected - actual)"))
            if actual is not None and isinstance(shortfall, int | float):
                m.between({**stated, actual: stated.get(actual, 0) - 1.0}, shortfall - 0.051, shortfall + 0.051)

    def read_text(self, out: Output, wards: list[str]) -> None:
        m, text = self.model, out.text
        for n in re.findall(r"This panel of (\d+)", text) + re.findall(r"(\d+) members on the panel", text):
            self.small(out, "panel size in a sentence", int(n))
            if out.level == "ward":
                m.shown(m.index[(wards[0], "size", "")], int(n))
        for n in re.findall(r"\(([\d,]+) against [\d,.]+ expected\)", text):
            self.small(out, "members in a finding", int(n.replace(",", "")))
        for n in re.findall(r"Board members: ([\d,]+)", text) + re.findall(r"([\d,]+) board members on ", text):
            self.small(out, "board members", int(n.replace(",", "")))
        if out.page == "pages/diversity.py":
            found = re.search(r"stated for [^(]*\(([\d,]+) of ([\d,]+)\); age stated for [^(]*\(([\d,]+)\)", text)
            if found:
                eth, size, age = (int(g.replace(",", "")) for g in found.groups())
                for value in (eth, size, age, size - eth, size - age):
                    self.small(out, "members stated or not in a caption", value)
                for table, value in (("ethnic_group", size - eth), ("age_band", size - age)):
                    m.shown(m.total([(w, table, "Not stated") for w in wards], (self.area_of(out)[0], table, "Not stated")), value)
            active = re.search(r"Active members: ([\d,]+)", text)
            if active:
                value = int(active.group(1).replace(",", ""))
                self.small(out, "active members", value)
                m.shown(m.total([(w, "size", "") for w in wards], (self.area_of(out)[0], "size", "")), value)

    def attack(self) -> None:
        m = self.model
        (a_eq, b_eq), (a_ub, b_ub) = m.matrices()
        check = [i for i in range(len(m.truth)) if m.lower[i] != m.upper[i]]
        pinned = privacy.attack(a_eq, b_eq, m.lower, m.upper, m.truth, check, a_ub=a_ub, b_ub=b_ub)
        names = {i: k for k, i in m.index.items()}
        for i in sorted(pinned):
            key, true = names[i], int(m.truth[i])
            what = " ".join(str(k) for k in key if k)
            if key[0] in self.truth.info:
                what = what.replace(key[0], self.truth.info[key[0]]["ward_name"])
            if m.published[i] & {FEWER, WITHHELD}:
                self.problem("a hidden count worked out across the outputs", f"{what}: shown as {sorted(m.published[i])}, is {true}")
            elif 0 < true < 5:
                self.problem("an unpublished count of 1 to 4 worked out across the outputs", f"{what} = {true}")


def report(problems: list[tuple[str, str]], limit: int = 6) -> str:
    by_kind = defaultdict(list)
    for kind, message in problems:
        by_kind[kind].append(message)
    lines = []
    for kind, messages in by_kind.items():
        lines.append(f"{len(messages)} x {kind}, e.g.:")
        lines += [f"    {m}" for m in messages[:limit]]
    return "\n".join(lines)


# --- The test ------------------------------------------------------------------------------------


@pytest.fixture
def viewer(app_env, tmp_path, monkeypatch):
    roles = tmp_path / "roles.toml"
    roles.write_text(MAPPING)
    monkeypatch.setenv("WARD_PANEL_ROLES", str(roles))
    monkeypatch.setenv(acc.TEST_USER_ENV, json.dumps({"email": VIEWER, "email_verified": True}))
    monkeypatch.setattr(app_test_module, "MediaFileManager", _RecordingFiles)
    engine = eng.make_engine(app_env)
    try:
        d = dv.build(queries.members(engine), queries.panels(engine), queries.ward_population(engine), DAY)
        return Truth(d, queries.wards(engine))
    finally:
        engine.dispose()


@pytest.mark.sqlite_only("disclosure control is worked out from the cached frames, the same on both databases")
def test_a_viewer_gets_no_small_count_from_any_output_or_from_all_of_them_together(viewer):
    started = time.perf_counter()
    outputs = [out for level, params in LEVELS.items() for out in walk(level, params)]
    walked = time.perf_counter() - started
    assert any(kind_of(o) == "profile" for o in outputs) and any(o.key.startswith("pack_xlsx") for o in outputs)
    assert any(kind_of(o) == "map_values" for o in outputs) and any(kind_of(o) == "ward_sectors" for o in outputs)
    reader = Reader(viewer)
    for out in outputs:
        reader.read(out)
    reader.attack()
    took = time.perf_counter() - started
    print(f"\nwalked {len(outputs)} outputs in {walked:.1f} s; with the attack, {took:.1f} s")
    assert not reader.problems, "\n" + report(reader.problems)
