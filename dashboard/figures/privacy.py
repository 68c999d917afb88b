"""Disclosure control: one step that every member-derived figure goes through before it leaves
the app (a CSV, the pack's workbook and PDF) or reaches a role not allowed exact small counts.

Member records are pseudonymous, but on a panel of 8 a count of 1 can still point at a person, and
a count on one page minus counts on others can give one away. So the counts are protected once a
day for the whole *family* the app publishes, not file by file: every open panel's members by
ethnic group (and White British, White other, White not stated), by age and by sector, its size,
and the same for every borough, BCU and London, which are sums of them (``family``).

The rules (the threshold t is 5):

1. **Primary suppression**: a count from 1 to t-1 is shown as "fewer than 5". Zero is shown as 0.
2. **Secondary suppression**, by the hypercube method (tau-ARGUS; sdcTable's HYPERCUBE; Repsilber's
   GHMITER, used by the German statistical offices): every hidden count must keep at least two
   possible values whatever else is published. A *move* proves it: +1s and -1s on hidden counts
   that keep every published total and every count within its label. Each count of 1 to 4 gets
   the cheapest move: a rectangle through another panel of its borough (then of another borough,
   BCU) with the fewest and smallest counts newly shown as "withheld"; the areas' counts are
   withheld only where no panel's will do. A "fewer than 5" that a move would take to 0 or 5 is
   written "withheld" instead, as its label would give it away (four panels of 1 under a borough
   total of "fewer than 5" must all be 1). So "withheld" means any count, 0 included.
3. **The audit**: the attacker's linear programme (``attack``), as tau-ARGUS and sdcTable audit a
   pattern, over the whole family with the areas' expected members as published (to one decimal),
   finds anything still pinned to one value; there the label goes, or the area's expected figures.
4. **Derived figures** (a share, a ratio, a verdict, an index, a sentence) are worked out from
   shown counts only: shown where every count they come from is shown, otherwise withheld or
   given as the range the shown counts leave (an index "20 to 35").

Figures on screen for roles allowed exact counts, and every statistic, are worked out on the exact
counts: only what is shown to others and written out is protected.

Example: two panels of one borough, both 10 members: A (White 7, Asian 2, Black 1) and B (White 8,
Asian 2, Black 0). With only the counts of 1 to 4 hidden, B's Asian is 10 - 8 = 2. The cheapest
move: one member from A's Black to A's Asian, and one from B's Asian to B's Black, which keeps every
total. So both Blacks are written "withheld" (a 1, whose "fewer than 5" could not go to 0, and a 0),
White stays shown, and A's Asian could be 1 to 3, B's 1 or 2 (tests/unit/test_privacy.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

THRESHOLD = 5
WITHHELD = "withheld"
NOT_STATED = "Not stated"


def fewer_than(threshold: int = THRESHOLD) -> str:
    return f"fewer than {threshold}"


FEWER = fewer_than()


# --- What may be shown ------------------------------------------------------------------------


def node_of(area) -> tuple[str, str]:
    """The family's name for an Area (dashboard.domain.areas): ("ward", code), ("borough", code),
    ("bcu", name) or ("london", "")."""
    return (area.level, area.code or "")


@dataclass(frozen=True)
class Publication:
    """What may be shown of one day's member counts: each count's text, and the expected figures kept.

    ``cell(node, table, category)`` is "12", "0", "fewer than 5" or "withheld"; ``number`` is the
    count where it is shown (None where hidden); ``expected_shown(node, dimension)`` says whether
    an area's expected members may be shown. ``problem`` is set when the counts could not be
    protected: then nothing is shown.
    """

    day: dt.date | None
    text: dict[tuple, str] = field(default_factory=dict)
    values: dict[tuple, int] = field(default_factory=dict)
    hidden_expected: frozenset = frozenset()
    problem: str | None = None

    def cell(self, node: tuple, table: str, category: str = "") -> str:
        return self.text.get((node, table, category), WITHHELD if self.problem else "0")

    def number(self, node: tuple, table: str, category: str = "") -> int | None:
        """The count where it is shown, else None."""
        text = self.cell(node, table, category)
        return int(text) if text.isdigit() else None

    def expected_shown(self, node: tuple, dimension: str) -> bool:
        return self.problem is None and (node, dimension) not in self.hidden_expected

    def stated(self, node: tuple, dimension: str, categories: Sequence[str]) -> int | None:
        """Members who stated a dimension (its categories but "Not stated") where every count it comes from is shown."""
        counts = [self.number(node, dimension, c) for c in categories if c != NOT_STATED]
        return None if any(c is None for c in counts) else sum(counts)


def publish(d, wards: pl.DataFrame, *, threshold: int = THRESHOLD, breakdown: tuple[str, Sequence[str]] | None = None) -> Publication:
    """The day's protected counts, London-wide (``d``: dashboard.figures.diversity.build of every
    borough's members, so that every user, whatever their boroughs, gets the same pattern).
    ``breakdown``: the other count of members published beside the Census dimensions (``family``)."""
    fam = family(d, wards, breakdown=breakdown)
    try:
        state, hidden = suppress(fam, threshold=threshold)
    except (ValueError, AssertionError) as problem:  # fails closed: nothing member-derived is shown to others or written out
        return Publication(d.day, problem=str(problem))
    labels = {0: None, 1: fewer_than(threshold), 2: WITHHELD}
    text = {k: labels[s] or str(int(v)) for k, v, s in zip(fam.keys, fam.values.tolist(), state.tolist())}
    values = dict(zip(fam.keys, fam.values.tolist()))
    hidden_expected = frozenset((fam.expected[k][0], fam.expected[k][1]) for k in hidden)
    return Publication(d.day, text, values, hidden_expected)


# --- The family: every member count the app publishes for one day, as one linked system ------------

LONDON = ("london", "")


@dataclass(frozen=True)
class Family:
    """Every member count the app can publish for one day, and how they add up.

    ``keys[i]`` is (node, table, category): node ("ward", code), ("borough", code), ("bcu", name) or
    ("london", ""); table a dimension key (ethnic_group, white_detail, age_band, sex), "sector" or
    "size" (category ""). ``equations`` say what adds up to what (each sums to zero): a node's
    cells of one table make its size (White British, White other and White not stated make its
    White cell), and an area's cell is the sum of its parts' (wards in a borough, boroughs in a
    BCU, BCUs in London). ``expected`` holds the area figures worked out from counts with public
    weights (expected members = members who stated x the ward's Census share): (node, dimension,
    category, cell indices, weights).
    """

    keys: list[tuple]
    values: np.ndarray
    equations: list[tuple[np.ndarray, np.ndarray]]
    expected: list[tuple[tuple, str, str, np.ndarray, np.ndarray]]
    parents: dict[tuple, tuple]  # each ward's borough, each borough's BCU, each BCU's London

    def index(self) -> dict[tuple, int]:
        return {k: i for i, k in enumerate(self.keys)}

    @property
    def flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(equation, cell, coefficient) of every term of every equation."""
        eq = np.concatenate([np.full(len(idx), e) for e, (idx, _) in enumerate(self.equations)])
        return eq, np.concatenate([idx for idx, _ in self.equations]), np.concatenate([a for _, a in self.equations])


def family(d, wards: pl.DataFrame, *, breakdown: tuple[str, Sequence[str]] | None = None) -> Family:
    """The family of a day's membership figures (``d``: dashboard.figures.diversity.build), London-wide.

    Only open panels in Met wards are in it, as on every page. ``breakdown`` (table, columns of
    ``d.panels``): the other count of members published beside the Census dimensions, by default
    members by sector; a board's family counts its members by role (dashboard.figures.board).
    """
    from dashboard.figures import diversity as dv

    other, other_columns = breakdown or ("sector", dv.SECTOR_COLUMNS)

    met = wards.filter(pl.col("police_force") == "Metropolitan Police Service").select("ward_code", "borough_code", "bcu")
    panels = d.panels.join(met, on="ward_code", how="inner").sort("ward_code")
    codes = panels["ward_code"].to_list()
    parent = {("ward", w): ("borough", b) for w, b in zip(codes, panels["borough_code"])}
    parent.update({("borough", b): ("bcu", c) for b, c in zip(panels["borough_code"], panels["bcu"])})
    parent.update({("bcu", c): LONDON for c in panels["bcu"].unique()})
    tables = {dim.key: [*dim.categories, "Not stated"] for dim in d.dims}
    tables[other] = list(other_columns)
    cells = {(w, r["dimension"], r["category"]): r["members"] for w, r in zip(d.comparison["ward_code"], d.comparison.iter_rows(named=True))}
    keys: list[tuple] = []
    # Parts before wholes, so each area's sums are made from parts already summed.
    nodes = [("ward", w) for w in codes] + sorted({p for p in parent.values() if p[0] == "borough"})
    nodes += sorted({p for p in parent.values() if p[0] == "bcu"}) + [LONDON]
    children: dict[tuple, list[tuple]] = {}
    for child, p in parent.items():
        children.setdefault(p, []).append(child)
    for node in nodes:
        for table, cats in [("size", [""]), *tables.items()]:
            for c in cats:
                keys.append((node, table, c))
    index = {k: i for i, k in enumerate(keys)}
    value = np.zeros(len(keys), dtype=np.int64)
    sector = {r["ward_code"]: r for r in panels.iter_rows(named=True)}
    for w in codes:
        value[index[(("ward", w), "size", "")]] = sector[w]["panel_size"]
        for table, cats in tables.items():
            for c in cats:
                value[index[(("ward", w), table, c)]] = sector[w][c] if table == other else cells.get((w, table, c), 0)
    # Areas are sums of their parts: boroughs of wards, BCUs of boroughs, London of BCUs.
    for node in nodes[len(codes):]:
        for table, cats in [("size", [""]), *tables.items()]:
            for c in cats:
                value[index[(node, table, c)]] = sum(value[index[(child, table, c)]] for child in children.get(node, []))
    equations = []
    for node in nodes:
        for table, cats in tables.items():
            total = index[(node, "ethnic_group", "White")] if table == "white_detail" else index[(node, "size", "")]
            idx = [index[(node, table, c)] for c in cats]
            equations.append((np.array([*idx, total]), np.array([1.0] * len(idx) + [-1.0])))
        if node[0] != "ward":
            for table, cats in [("size", [""]), *tables.items()]:
                for c in cats:
                    idx = [index[(child, table, c)] for child in children.get(node, [])]
                    equations.append((np.array([index[(node, table, c)], *idx]), np.array([1.0] + [-1.0] * len(idx))))
    shares = {(w, r["dimension"], r["category"]): r["ward_share"] for w, r in zip(d.comparison["ward_code"], d.comparison.iter_rows(named=True))}
    expected = []
    area_wards: dict[tuple, list[str]] = {}
    for w in codes:
        node = ("ward", w)
        while node in parent:
            node = parent[node]
            area_wards.setdefault(node, []).append(w)
    for node, ws in area_wards.items():
        for dim in d.dims:
            for c in dim.categories:
                idx, weight = [], []
                for w in ws:
                    share = shares.get((w, dim.key, c))
                    if share is None:
                        continue
                    if dim.key == "white_detail":
                        stated = [(index[(("ward", w), dim.key, s)], 1.0) for s in dim.categories]
                    else:
                        stated = [(index[(("ward", w), "size", "")], 1.0), (index[(("ward", w), dim.key, "Not stated")], -1.0)]
                    for i, a in stated:
                        idx.append(i)
                        weight.append(a * share)
                expected.append((node, dim.key, c, np.array(idx, dtype=np.int64), np.array(weight)))
    return Family(keys, value, equations, expected, parent)


# --- Secondary suppression: the hypercube method -------------------------------------------------
#
# A hidden count is safe when the published figures leave it at least two values. A *move* shows
# it: +1s and -1s on hidden counts that keep every published total and every count within its
# label (1 to 4 for "fewer than 5"). In a table with totals both ways the simplest move is a
# rectangle: +1 here, -1 along its row, -1 down its column, +1 at the far corner. Each count of 1
# to 4 gets the cheapest rectangle (the fewest and smallest counts newly withheld; two wards of one
# borough before two boroughs, so the areas' figures stay shown), as the hypercube method of
# tau-ARGUS and sdcTable (Repsilber's GHMITER) does. A rectangle through White (ethnic group) moves a
# White detail count with it (White British, White other, White not stated add up to White).

ZERO_COST = 1.0  # withholding a 0 costs little (it identifies nobody) but says less
AREA_COST = 20.0  # an area's count is a headline figure: withheld only where no ward's will do
STATED_COST = 3.0  # a move through "Not stated" changes the expected members the areas publish


class _Protector:
    def __init__(self, fam: Family, threshold: int):
        self.fam, self.t, self.v = fam, threshold, fam.values
        self.at = fam.index()
        self.state = np.where((self.v > 0) & (self.v < threshold), 1, 0)
        self.neutral = np.zeros(len(self.v), dtype=bool)  # has a move that keeps every ward's stated count
        self.area = np.array([k[0][0] != "ward" for k in fam.keys])
        self.values, self.areas = self.v.tolist(), self.area.tolist()
        self.states = self.state.tolist()  # kept equal to state: plain lists are quicker to read one by one
        self.children: dict[tuple, list[tuple]] = {}
        for child, parent in fam.parents.items():
            self.children.setdefault(parent, []).append(child)
        self.tables: dict[str, list[str]] = {}
        for _node, table, cat in fam.keys:
            if table != "size" and cat not in self.tables.setdefault(table, []):
                self.tables[table].append(cat)

    def costs(self, idx: np.ndarray, delta) -> np.ndarray:
        """What moving each cell by delta costs: 0 if it is hidden and its label allows it; to write a
        "fewer than 5" as "withheld" (its label would not allow it), RELABEL_COST; to withhold a shown
        count, its size (ZERO_COST for a 0), more for an area's; inf if it cannot move so (below 0)."""
        v = self.v[idx] + delta
        state = self.state[idx]
        base = np.where(self.v[idx] == 0, ZERO_COST, self.v[idx].astype(float)) * np.where(self.area[idx], AREA_COST, 1.0)
        out = np.where(state == 0, base, np.where((state == 1) & ((v < 1) | (v > self.t - 1)), RELABEL_COST, 0.0))
        return np.where(v < 0, np.inf, out)

    def cost(self, i: int, delta: int) -> float:
        """``costs`` for one cell (written out: called a million times)."""
        v, state = self.values[i], self.states[i]
        if v + delta < 0:
            return np.inf
        if state == 0:
            return (ZERO_COST if v == 0 else float(v)) * (AREA_COST if self.areas[i] else 1.0)
        return RELABEL_COST if state == 1 and not 1 <= v + delta <= self.t - 1 else 0.0

    def apply(self, move: dict[int, int], neutral: bool) -> None:
        for i, d in move.items():
            if self.state[i] == 0 or not 1 <= self.v[i] + d <= self.t - 1:
                self.state[i] = self.states[i] = 2
            self.neutral[i] |= neutral

    def protect(self, x: int) -> bool:
        node, table, _ = self.fam.keys[x]
        if table == "size":
            found = self.size_move(x) if node[0] == "ward" else None
        else:
            found = self.within(x) if node[0] == "ward" else None
            found = found or self.across(x)
            if found is None and table == "white_detail" and node[0] == "ward":
                # White British, White other and White not stated add up to White: move White (with
                # another ethnic group) and this count with it.
                found = self.within(self.at[(node, "ethnic_group", "White")], partner=self.fam.keys[x][2])
        if found is None:
            return False
        self._check(found[0])
        self.apply(*found)
        return True

    def _check(self, move: dict[int, int]) -> None:
        """A move must keep every equation (else it proves nothing): checked, as the whole method rests on it."""
        if not hasattr(self, "_where"):
            self._where: dict[int, list[int]] = {}
            for e, (idx, _) in enumerate(self.fam.equations):
                for i in idx.tolist():
                    self._where.setdefault(i, []).append(e)
        for e in {e for i in move for e in self._where.get(i, [])}:
            idx, a = self.fam.equations[e]
            if sum(a[k] * move.get(int(i), 0) for k, i in enumerate(idx)) != 0:
                raise AssertionError(f"a move breaks an equation: {[self.fam.keys[i] for i in idx]}")

    # two wards of one borough: vectorised over the other ward and the other column
    def within(self, x: int, partner: str | None = None):
        """``partner``: through White, move this White detail count with it."""
        node, table, cat = self.fam.keys[x]
        if table == "size":
            return None
        rows = self.children[self.fam.parents[node]]
        if len(rows) < 2:
            return None
        cats = self.tables[table]
        idx = np.array([[self.at[(r, table, c)] for c in cats] for r in rows])
        i, j = rows.index(node), cats.index(cat)
        stated = np.array([c == "Not stated" for c in cats])
        white = table == "ethnic_group" and "White" in cats and "white_detail" in self.tables  # no detail table: White is as any group
        best = None
        for s in (1, -1):
            # +s here and at the far corner, -s along this row and down this column
            total = self.costs(idx[i], -s)[None, :] + self.costs(idx[:, j], -s)[:, None] + self.costs(idx, s)
            total += self.cost(int(idx[i, j]), s) + STATED_COST * (stated[None, :] | stated[j])
            total[i, :], total[:, j] = np.inf, np.inf
            if white:
                w = cats.index("White")
                if j == w:  # this ward's White goes up by s, the other ward's down
                    total += self.white_costs(rows, i, s, partner)[:, None]
                else:  # through the White column: this ward's White goes down by s
                    total[:, w] += self.white_costs(rows, i, -s, partner)
            r, k = np.unravel_index(np.argmin(total), total.shape)
            if np.isfinite(total[r, k]) and (best is None or total[r, k] < best[0]):
                best = (total[r, k], s, int(r), int(k))
        if best is None:
            return None
        _, s, r, k = best
        move = {int(idx[i, j]): s, int(idx[i, k]): -s, int(idx[r, j]): -s, int(idx[r, k]): s}
        neutral = not (stated[j] or stated[k])
        if white and "White" in (cats[j], cats[k]):
            detail, detail_neutral = self.white_partner(rows[i], rows[r], s if cats[j] == "White" else -s, partner)
            move.update(detail)
            neutral &= detail_neutral
        return move, neutral

    def size_move(self, x: int):
        """A panel of 1 to 4: it and another panel of its borough swap a member (one cell of each
        table each), so both sizes move and every total stays."""
        node = self.fam.keys[x][0]
        best = None
        for other in self.children[self.fam.parents[node]]:
            if other == node:
                continue
            for s in (1, -1):
                move = {x: s, self.at[(other, "size", "")]: -s}
                for table, cats in self.tables.items():
                    if table == "white_detail":
                        continue
                    options = []
                    for c in cats:
                        a, b = self.at[(node, table, c)], self.at[(other, table, c)]
                        part = {a: s, b: -s}
                        if table == "ethnic_group" and c == "White" and "white_detail" in self.tables:
                            part.update(self.white_partner(node, other, s)[0])
                        options.append((sum(self.cost(i, d) for i, d in part.items()), part))
                    cost, part = min(options, key=lambda o: o[0])
                    if not np.isfinite(cost):
                        break
                    move.update(part)
                else:
                    total = sum(self.cost(i, d) for i, d in move.items())
                    if np.isfinite(total) and (best is None or total < best[0]):
                        best = (total, move)
        return None if best is None else (best[1], False)

    def white_costs(self, rows, i, sign, partner=None) -> np.ndarray:
        """For each other ward: the cheapest White detail count to move by sign here and -sign there (inf: none fits)."""
        out = np.full(len(rows), np.inf)
        for r in range(len(rows)):
            if r != i:
                out[r] = min(o[0] for o in self.white_options(rows[i], rows[r], sign, partner))
        return out

    def white_options(self, ward_a, ward_b, sign, partner=None):
        out = []
        for d in [partner] if partner else self.tables["white_detail"]:
            a, b = self.at[(ward_a, "white_detail", d)], self.at[(ward_b, "white_detail", d)]
            # White British and White other are "stated" for the White detail comparison
            out.append((self.cost(a, sign) + self.cost(b, -sign) + (0.0 if d == "Not stated" else STATED_COST), a, b, d == "Not stated"))
        return out

    def white_partner(self, ward_a, ward_b, sign, partner=None) -> tuple[dict[int, int], bool]:
        _, a, b, neutral = min(self.white_options(ward_a, ward_b, sign, partner))
        return {a: sign, b: -sign}, neutral

    # across areas: the other corner of the rectangle in another borough (or BCU), each side
    # carried down to a ward, so every area between changes with it
    def across(self, x: int):
        node, table, cat = self.fam.keys[x]
        if table == "size" or (table == "ethnic_group" and cat == "White"):
            return None
        cats = [c for c in self.tables[table] if c != cat and not (table == "ethnic_group" and c == "White")]
        memo: dict = {}
        branch, up = node, []
        while branch in self.fam.parents:
            top = self.fam.parents[branch]
            best = None
            for c2, s, move in self.sides(node, table, cat, cats, up, memo):
                for other in self.children[top]:
                    theirs = None if other == branch else self.down(other, table, cat, c2, -s, memo)
                    if theirs is not None:
                        best = self.cheaper(best, {**move, **theirs[1]}, "Not stated" in (cat, c2))
            if best is not None:
                return best[1], best[2]
            branch = top  # next, from one level up: this area changes with the node
            up.append(branch)
        # No other branch anywhere (one borough in all): move within this node's row, carried up
        # through every area above it (all withheld) and down to a ward.
        best = None
        for c2, _s, move in self.sides(node, table, cat, cats, up, memo):
            best = self.cheaper(best, move, "Not stated" in (cat, c2))
        return None if best is None else (best[1], best[2])

    def sides(self, node, table, cat, cats, up, memo):
        """(other column, direction, move) for this node's side: carried down to a ward, and up through ``up``."""
        for c2 in cats:
            for s in (1, -1):
                mine = self.down(node, table, cat, c2, s, memo)
                if mine is not None:
                    move = dict(mine[1])
                    for a in up:  # the areas between this node and the top change too
                        move[self.at[(a, table, cat)]], move[self.at[(a, table, c2)]] = s, -s
                    yield c2, s, move

    def cheaper(self, best, move: dict[int, int], stated: bool):
        """The cheaper of (cost, move, keeps stated counts) ``best`` and this move."""
        total = sum(self.cost(i, d) for i, d in move.items()) + (STATED_COST if stated else 0.0)
        if np.isfinite(total) and (best is None or total < best[0]):
            return (total, move, not stated)
        return best

    def down(self, node, table, cat, c2, s, memo):
        """The cheapest way for ``node`` to change by +s in cat and -s in c2, carried down to one ward: (cost, move)."""
        key = (node, table, cat, c2, s)
        if key not in memo:
            a, b = self.at[(node, table, cat)], self.at[(node, table, c2)]
            here = self.cost(a, s) + self.cost(b, -s)
            options = [(0.0, {})] if node[0] == "ward" else [o for o in (self.down(ch, table, cat, c2, s, memo) for ch in self.children.get(node, [])) if o]
            if not np.isfinite(here) or not options:
                memo[key] = None
            else:
                c, m = min(options, key=lambda o: o[0])
                memo[key] = (here + c, {a: s, b: -s, **m}) if np.isfinite(c) else None
        return memo[key]


RELABEL_COST = 0.5  # writing a "fewer than 5" as "withheld" hides nothing more, and says a little less


def suppress(fam: Family, *, threshold: int = THRESHOLD, audit: bool = True) -> tuple[np.ndarray, set[int]]:
    """(each cell's state: 0 shown, 1 "fewer than 5", 2 "withheld"; the expected figures withheld).

    1. Primary: every count from 1 to threshold-1 is hidden ("fewer than 5"); zeros are shown.
    2. Secondary (the hypercube method, above): every hidden count gets a move, withholding the
       cheapest counts needed; finest level first (wards, then boroughs, BCUs, London).
    3. The attacker's linear programme (``attack``), with the areas' expected members as published
       (to one decimal), checks every hidden count whose moves all change a ward's stated count:
       one the expected figures pin is written "withheld" rather than "fewer than 5" (a "Not
       stated" of 1 can only go up, which the expected figures may not allow), and if it still is,
       its smallest area's expected figures are withheld; until nothing is pinned.
    Raises ValueError when some count cannot be protected (the app then shows none of them).
    """
    p = _Protector(fam, threshold)
    order = sorted(np.flatnonzero(p.state == 1), key=lambda i: (_LEVEL[fam.keys[i][0][0]], i))
    for x in order:
        if not p.protect(int(x)):
            raise ValueError(f"a member count cannot be protected: {fam.keys[x]}")
    hidden_expected: set[int] = set()
    if audit:
        while True:
            pinned, relabel, withhold = _audit(fam, p.state, hidden_expected, threshold, check=np.flatnonzero((p.state != 0) & ~p.neutral))
            if len(pinned):
                raise ValueError(f"a member count is still pinned: {fam.keys[pinned[0]]}")
            if not relabel and not withhold:
                break
            p.state[relabel] = 2
            hidden_expected |= withhold
    return p.state, hidden_expected


_LEVEL = {"ward": 0, "borough": 1, "bcu": 2, "london": 3}

def _expected_rows(fam: Family, hidden_expected: set[int]):
    rows, bounds = [], []
    for k, (_, _, _, idx, weight) in enumerate(fam.expected):
        if k in hidden_expected or not len(idx):
            continue
        shown = round(float(weight @ fam.values[idx]), 1)
        rows.append((idx, weight))
        bounds.append((shown - 0.05, shown + 0.05))
    return rows, bounds


def _lp(fam: Family, state: np.ndarray, threshold: int, expected_rows=(), expected_bounds=()):
    from scipy import sparse

    n = len(fam.keys)
    v = fam.values.astype(float)
    lower = np.where(state == 0, v, np.where(state == 1, 1.0, 0.0))
    upper = np.where(state == 0, v, np.where(state == 1, threshold - 1.0, np.inf))

    def matrix(rows):
        r = np.concatenate([np.full(len(idx), k) for k, (idx, _) in enumerate(rows)]) if rows else np.array([], dtype=int)
        c = np.concatenate([idx for idx, _ in rows]) if rows else np.array([], dtype=int)
        x = np.concatenate([a for _, a in rows]) if rows else np.array([])
        return sparse.csr_matrix((x, (r, c)), shape=(len(rows), n))

    a_eq = matrix(fam.equations)
    ub_rows = [(idx, w) for idx, w in expected_rows] + [(idx, -w) for idx, w in expected_rows]
    b_ub = [hi for _, hi in expected_bounds] + [-lo for lo, _ in expected_bounds]
    return a_eq, np.zeros(len(fam.equations)), lower, upper, matrix(ub_rows), b_ub


def _audit(fam: Family, state: np.ndarray, hidden_expected: set[int], threshold: int, *, check) -> tuple[np.ndarray, list[int], set[int]]:
    """What the attacker's linear programme still pins, and what to do about it.

    Returns (cells pinned even without the expected figures; "fewer than 5" cells to write
    "withheld", as their 1-to-4 with the expected figures is what pins them; expected figures to
    withhold, for cells pinned by them that are already written "withheld": the smallest area's).
    """
    rows, bounds = _expected_rows(fam, hidden_expected)
    check = [int(c) for c in check]
    a_eq, b_eq, lower, upper, a_ub, b_ub = _lp(fam, state, threshold, rows, bounds)
    # Cells a few solves cannot show free are treated as pinned: at worst a label says a little less.
    pinned = attack(a_eq, b_eq, lower, upper, fam.values, check, a_ub=a_ub, b_ub=b_ub, exact=False)
    if not pinned:
        return np.array([], dtype=int), [], set()
    a_eq, b_eq, lower, upper, a_ub, b_ub = _lp(fam, state, threshold)
    plain = attack(a_eq, b_eq, lower, upper, fam.values, list(pinned))
    by_area: dict[tuple, list[int]] = {}
    for k, (node, dim, *_rest) in enumerate(fam.expected):
        by_area.setdefault((node, dim), []).append(k)
    relabel, withhold = [], set()
    for j in sorted(set(pinned) - set(plain)):  # pinned only with the expected figures
        if state[j] == 1:
            relabel.append(j)
            continue
        node, table, _ = fam.keys[j]
        for dim in ({d for _, d in by_area} if table == "size" else {table}):
            for area in _ancestors(fam, node):
                ks = by_area.get((area, dim), [])
                if ks and not set(ks) <= hidden_expected:
                    withhold |= set(ks)
                    break
    return np.array(sorted(plain), dtype=int), relabel, withhold


def _ancestors(fam: Family, node: tuple) -> list[tuple]:
    """The node if it is an area, then the areas above it, smallest first (worked out from the equations' keys)."""
    parents = fam.parents
    chain = [] if node[0] == "ward" else [node]
    while node in parents:
        node = parents[node]
        chain.append(node)
    return chain


# --- The attacker's linear programme -------------------------------------------------------------


def attack(
    a_eq,
    b_eq: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
    truth: Sequence[float],
    check: Sequence[int],
    *,
    a_ub=None,
    b_ub: Sequence[float] | None = None,
    seed: int = 0,
    exact: bool = True,
) -> dict[int, tuple[float, float]]:
    """The cells in ``check`` that published figures pin to one whole number: {index: (min, max)}.

    The attacker's problem, as tau-ARGUS and sdcTable audit a suppression pattern: unknowns x
    with ``lower <= x <= upper`` (a hidden count's published range: 1 to 4 for "fewer than 5"),
    ``a_eq @ x == b_eq`` (every published total and identity) and ``a_ub @ x <= b_ub`` (figures
    published rounded, as two inequalities). A cell is pinned when the smallest and largest values
    it can take hold one whole number between them. ``truth`` (the real values, which satisfy
    everything) lets most cells be cleared at once: a solution of the programme in which a cell is
    a whole unit away from its true value proves it has two possible values. Random objectives
    find such solutions for many cells per solve; the cells left get a minimum and a maximum each.
    Every bound is of the linear relaxation, so "not pinned" is what an attacker solving it finds.
    With ``exact=False`` the cells left are returned without their own solves (as (nan, nan)): a
    few more than are pinned, far quicker, for a caller that hides them all anyway.

    Example: x0 + x1 == 2 with both "fewer than 5" (1 to 4): each is pinned to 1.
    """
    from scipy import sparse
    from scipy.optimize import linprog
    from scipy.sparse.csgraph import connected_components

    n = len(lower)
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    t = np.asarray(truth, dtype=float)
    eq = sparse.csr_matrix(a_eq, shape=(len(b_eq), n)) if len(b_eq) else sparse.csr_matrix((0, n))
    ub = sparse.csr_matrix(a_ub, shape=(len(b_ub), n)) if b_ub is not None and len(b_ub) else sparse.csr_matrix((0, n))
    beq = np.asarray(b_eq, dtype=float)
    bub = np.asarray(b_ub if b_ub is not None else [], dtype=float)
    fixed = lo == hi
    # Fixed cells are constants: move them to the right-hand side.
    beq = beq - eq[:, fixed] @ lo[fixed]
    bub = bub - ub[:, fixed] @ lo[fixed]
    free = np.flatnonzero(~fixed)
    eq, ub = eq[:, free].tocsr(), ub[:, free].tocsr()
    rows = sparse.vstack([eq, ub]).tocsr()
    # Cells linked by no published figure are solved one component at a time.
    link = (rows.T @ rows) if rows.shape[0] else sparse.csr_matrix((len(free), len(free)))
    _, label = connected_components(link != 0, directed=False)
    position = {int(v): i for i, v in enumerate(free)}
    wanted = [c for c in check if c in position]
    rng = np.random.default_rng(seed)
    pinned: dict[int, tuple[float, float]] = {}
    tol = 1e-6
    for comp in np.unique(label[[position[c] for c in wanted]]) if wanted else []:
        cols = np.flatnonzero(label == comp)
        sub_eq, sub_ub = eq[:, cols], ub[:, cols]
        eq_rows = np.flatnonzero(sub_eq.getnnz(axis=1))
        ub_rows = np.flatnonzero(sub_ub.getnnz(axis=1))
        sub_eq, sub_ub = sub_eq[eq_rows], sub_ub[ub_rows]
        args = {
            "A_eq": sub_eq if len(eq_rows) else None, "b_eq": beq[eq_rows] if len(eq_rows) else None,
            "A_ub": sub_ub if len(ub_rows) else None, "b_ub": bub[ub_rows] if len(ub_rows) else None,
            "bounds": list(zip(lo[free[cols]], [None if np.isinf(h) else h for h in hi[free[cols]]])),
            "method": "highs-ds",
        }
        true = t[free[cols]]
        local = {position[c]: c for c in wanted if label[position[c]] == comp}
        index = {int(v): i for i, v in enumerate(cols)}
        left = {index[p] for p in local}
        if not len(eq_rows) and not len(ub_rows):
            left = set()  # bounds alone: checked below
            for i in (index[p] for p in local):
                a, b = lo[free[cols[i]]], hi[free[cols[i]]]
                if np.floor(b + tol) <= np.ceil(a - tol):
                    pinned[local[cols[i]]] = (a, b)
            continue
        while left:
            objective = np.zeros(len(cols))
            chosen = np.fromiter(left, dtype=int)
            # Push each cell the way it has room to move (a cell at its lowest value can only go up).
            lows = lo[free[cols[chosen]]]
            highs = hi[free[cols[chosen]]]
            at_low = true[chosen] - 1 < lows - tol
            at_high = true[chosen] + 1 > highs + tol
            weight = rng.uniform(0.5, 1.0, len(chosen)) * np.where(at_low, -1.0, np.where(at_high, 1.0, rng.choice([-1.0, 1.0], len(chosen))))
            objective[chosen] = weight
            # A cell need move one unit only: boxing the cells sought to one unit either side of
            # their values lets one solution move many of them at once (a solution of the boxed
            # programme is one of the whole programme, so what it proves holds).
            box = list(args["bounds"])
            for i in chosen:
                a, b = box[i]
                box[i] = (max(a, true[i] - 1), true[i] + 1 if b is None else min(b, true[i] + 1))
            result = linprog(objective, **{**args, "bounds": box})
            if result.status == 2:
                raise ValueError("the published figures contradict each other (no solution)")
            if result.status != 0:
                break
            moved = {i for i in left if abs(result.x[i] - true[i]) >= 1 - tol}
            if not moved:
                break
            left -= moved
        if not exact:
            pinned.update({local[cols[i]]: (np.nan, np.nan) for i in left})
            continue
        for i in sorted(left):
            span = []
            for sign in (1, -1):
                objective = np.zeros(len(cols))
                objective[i] = sign
                result = linprog(objective, **args)
                if result.status == 3:  # no limit that way: not pinned
                    break
                if result.status != 0:
                    raise ValueError("the published figures contradict each other (no solution)")
                span.append(result.x[i])
                if abs(result.x[i] - true[i]) >= 1 - tol:
                    break
            else:
                pinned[local[cols[i]]] = (span[0], span[1])
    return pinned
