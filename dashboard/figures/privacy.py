"""Disclosure control for everything that leaves the app: CSV, Excel, PDF.

Member records are pseudonymous, but on a panel of 8 a count of 1 can still point at a person.
So every file a user can download is passed through these functions first; the screen shows
exact counts (with a note that the data is restricted) until sign-in decides who may see them.
Metrics are always computed on the exact numbers: only what is written out is protected.

The rules, with the threshold t (default 5):

1. **Primary suppression**: a count from 1 to t-1 is written as "fewer than 5". Zero is written
   as 0 (a zero on its own identifies nobody).
2. **Secondary suppression**: cells that add up to a total (a panel's members by ethnic group add
   up to its size) form a *group*. A reader who knows the total and the cells shown can work out
   what is hidden, so hidden cells are checked the way an attacker would: each "fewer than 5"
   cell lies in 1..t-1, each other hidden ("withheld") cell is at least t, and together they make
   up what the total leaves. While any hidden cell could take only one value, the smallest shown
   non-zero cell of the group is withheld as well.
3. If no cell is left to withhold, the total is withheld instead (and with it every share in the
   group, since count / share gives the total back). Where the total is public anyway (a panel's
   size can be known from elsewhere: the default) the whole group is withheld, zeros included.
4. **Derived figures**: a share, ratio or similar worked out from one row's count is withheld
   where that count is; figures worked out from the whole group (expected members use the
   number who stated; an index uses every cell) are withheld wherever anything in the group is.

Example: a panel of 10: White 7, Asian 2, Black 1, Mixed 0, Other 0. Asian and Black are
"fewer than 5". Knowing 10, a reader gets Asian + Black = 3, so each is 1 or 2: not pinned, so
nothing more is withheld. With White 9, Black 1 instead, Black alone would be 10 - 9 = 1, so
White is withheld too; then Black could be 1 to 4 (and White 6 to 9).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

THRESHOLD = 5
WITHHELD = "withheld"

SHOWN, PRIMARY, SECONDARY = "shown", "primary", "secondary"


def fewer_than(threshold: int = THRESHOLD) -> str:
    return f"fewer than {threshold}"


def _feasible(values: Sequence[int], states: Sequence[str], threshold: int) -> list[tuple[int, int]]:
    """For each hidden cell, the smallest and largest value it could have, given the group total."""
    hidden = [i for i, s in enumerate(states) if s != SHOWN]
    rest = sum(values[i] for i in hidden)  # what the total leaves once shown cells are taken off
    bounds = {i: ((1, threshold - 1) if states[i] == PRIMARY else (threshold, rest)) for i in hidden}
    out = []
    for i in hidden:
        lo_i, hi_i = bounds[i]
        others_lo = sum(bounds[j][0] for j in hidden if j != i)
        others_hi = sum(bounds[j][1] for j in hidden if j != i)
        out.append((max(lo_i, rest - others_hi), min(hi_i, rest - others_lo)))
    return out


def pinned(values: Sequence[int], states: Sequence[str], threshold: int = THRESHOLD) -> bool:
    """True if any hidden cell could take only one value, given the total and the shown cells."""
    return any(lo >= hi for lo, hi in _feasible(values, states, threshold))


def plan(values: Sequence[int], *, threshold: int = THRESHOLD) -> tuple[list[str], bool]:
    """(state of each cell, whether the total must be withheld) for one group whose total is known.

    Example: plan([9, 1, 0]) -> (["secondary", "primary", "shown"], False).
    plan([1, 1]) -> (["primary", "primary"], True): with a total of 2 both must be 1.
    """
    states = [PRIMARY if 0 < x < threshold else SHOWN for x in values]
    while PRIMARY in states and pinned(values, states, threshold):
        candidates = [i for i, s in enumerate(states) if s == SHOWN and values[i] > 0]
        if not candidates:
            return states, True
        smallest = min(candidates, key=lambda i: (values[i], i))
        states[smallest] = SECONDARY
    return states, False


def _cell(value: int | None, state: str, threshold: int) -> str | None:
    if value is None:
        return None
    if state == PRIMARY:
        return fewer_than(threshold)
    if state == SECONDARY:
        return WITHHELD
    return str(int(value))


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1 else f"{value:.1f}"
    return str(value)


def protect_long(
    frame: pl.DataFrame,
    *,
    count: str,
    group_by: Sequence[str],
    total: str | None = None,
    total_public: bool = True,
    row_derived: Sequence[str] = (),
    group_derived: Sequence[str] = (),
    threshold: int = THRESHOLD,
) -> pl.DataFrame:
    """A long table (one row per cell; the rows of a group add up to its total) made safe to export.

    ``count``: the count column; ``group_by``: the columns naming a group (e.g. ward_code,
    dimension); ``total``: a column repeating the group total, if the file shows one;
    ``total_public``: whether the total can be known from elsewhere (a panel's size can);
    ``row_derived``/``group_derived``: columns worked out from the row's count / the group.
    Protected columns become text: "12", "0", "fewer than 5", "withheld".
    """
    keys = list(group_by)
    n = frame.height
    counts = frame[count].to_list()
    cells: list[str | None] = [None] * n
    row_hide = [False] * n
    group_hide = [False] * n
    total_hide = [False] * n
    groups = frame.select(keys).with_row_index("_i").group_by(keys, maintain_order=True).agg(pl.col("_i"))
    for idx in groups["_i"].to_list():
        values = [int(counts[i] or 0) for i in idx]
        states, withhold_total = plan(values, threshold=threshold)
        whole = withhold_total and total_public
        touched = any(s != SHOWN for s in states)
        for i, s in zip(idx, states):
            if whole:
                cells[i] = WITHHELD
            else:
                cells[i] = _cell(counts[i], s, threshold)
            row_hide[i] = whole or s != SHOWN or withhold_total
            group_hide[i] = touched
            total_hide[i] = withhold_total
    out = frame.with_columns(pl.Series(count, cells, dtype=pl.String))
    out = _hide(out, row_derived, row_hide)
    out = _hide(out, group_derived, group_hide)
    if total is not None:
        out = _hide(out, [total], total_hide, keep_number=True)
    return out


def protect_wide(
    frame: pl.DataFrame,
    *,
    counts: Sequence[str],
    total: str | None = None,
    total_public: bool = True,
    row_derived: Sequence[str] = (),
    threshold: int = THRESHOLD,
) -> pl.DataFrame:
    """A wide table (each row one group: its count columns add up to ``total``) made safe to export.

    Example: a panel row resident 6, councillor 3, business 1, others 0, panel size 10: councillor
    and business are "fewer than 5"; 10 - 6 = 4 = councillor + business, so councillor is 1 to 3
    and business 1 to 3: each still has several values, so nothing more is withheld.
    """
    n = frame.height
    cols = {c: frame[c].to_list() for c in counts}
    cells = {c: [None] * n for c in counts}
    row_hide = [False] * n
    total_hide = [False] * n
    for r in range(n):
        values = [int(cols[c][r] or 0) for c in counts]
        states, withhold_total = plan(values, threshold=threshold)
        whole = withhold_total and total_public
        for c, s in zip(counts, states):
            cells[c][r] = WITHHELD if whole else _cell(cols[c][r], s, threshold)
        row_hide[r] = any(s != SHOWN for s in states)
        total_hide[r] = withhold_total
    out = frame.with_columns(pl.Series(c, cells[c], dtype=pl.String) for c in counts)
    out = _hide(out, row_derived, row_hide)
    if total is not None:
        out = _hide(out, [total], total_hide, keep_number=True)
    return out


def protect_cells(frame: pl.DataFrame, *, counts: Sequence[str], derived: dict[str, str] | None = None, threshold: int = THRESHOLD) -> pl.DataFrame:
    """Counts that stand alone (no total beside them), e.g. a panel's size in a list of panels.

    ``derived`` maps a column to the count it is worked out from (an index from a panel of 3
    says something about 3 people): withheld where that count is suppressed.
    """
    derived = derived or {}
    hide = {c: [0 < (x or 0) < threshold for x in frame[c].to_list()] for c in counts}
    out = frame
    for col, source in derived.items():
        out = _hide(out, [col], hide[source])
    return out.with_columns(
        pl.Series(c, [_cell(x, PRIMARY if h else SHOWN, threshold) for x, h in zip(frame[c].to_list(), hide[c])], dtype=pl.String)
        for c in counts
    )


def _hide(frame: pl.DataFrame, columns: Sequence[str], mask: Sequence[bool], *, keep_number: bool = False) -> pl.DataFrame:
    out = frame
    for c in columns:
        values = out[c].to_list()
        out = out.with_columns(
            pl.Series(c, [WITHHELD if h else (str(int(x)) if keep_number and x is not None else _text(x)) for x, h in zip(values, mask)], dtype=pl.String)
        )
    return out


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
