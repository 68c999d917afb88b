"""The Overview's cards, comparison table and its finding, built from metrics.Figures (no st.*)."""

from __future__ import annotations

import math
from typing import NamedTuple

import polars as pl
from scipy.stats import norm

from dashboard.domain import areas
from dashboard.domain.areas import Area
from dashboard.domain.formatting import NO_CHANGE, count, pct, signed
from dashboard.domain.periods import Period
from dashboard.figures import metrics
from dashboard.figures.expressions import FEEDBACK_DAYS
from dashboard.figures.metrics import Figures
from dashboard.figures.promises import told_label

OVERVIEW_TABLES = ("panels", "meetings", "promises", "engagement", "confidence")


def figures_for(wards: pl.DataFrame, tables: dict[str, pl.DataFrame], area: Area, period: Period, *,
                feedback_days: int = FEEDBACK_DAYS) -> Figures:
    """The Overview's figures for one area and period (Met wards only)."""
    met = areas.met_wards_in(wards, area)["ward_code"].to_list()
    boroughs = None if area.is_london else areas.borough_codes(wards, area)
    return metrics.overview(met_ward_codes=met, borough_codes=boroughs, period=period, feedback_days=feedback_days, **tables)


class Card(NamedTuple):
    label: str
    value: str
    delta: str | None
    delta_color: str
    help: str


def _diff(a, b):
    return None if a is None or b is None else a - b


MIN_BASE = 30  # a share's change is called only when both periods count at least this many
TOO_FEW = "too few to compare"
NO_REAL_CHANGE = "no real change"
NOT_A_CHANGE = (NO_CHANGE, TOO_FEW, NO_REAL_CHANGE)  # shown without an arrow or a colour


def share_change(now: float | None, before: float | None, base_now: int, base_before: int, *, min_base: int = MIN_BASE) -> str | None:
    """The change in a share for a card: '+5 points', 'no change', or 'too few to compare' when
    either period counts fewer than ``min_base`` (default 30); None if either share is missing.

    Example: 50% of 24 promises against 30% of 23 -> 'too few to compare', not '+20 points': on
    so few, a swing of 20 points is within what chance moves it. 50% of 40 against 30% of 50 ->
    '+20 points'.
    """
    if now is None or before is None:
        return None
    if min(base_now, base_before) < min_base:
        return TOO_FEW
    return signed(now - before, as_pct_points=True)


def survey_noise(value: float | None, design_base: int | None) -> float | None:
    """Half-width, in points, of the 95% range within which two survey results differ by chance.

    The release publishes no bases, so the survey's design is used: 400 interviews a borough in
    any 12 months (for London, 32 x 400; for a BCU, 400 a borough). Two results of p each, on n
    each: 1.96 x sqrt(2 p (1 - p) / n) (``scipy.stats.norm``). Example: 47% on 400 -> 6.9
    points; on 12,800 (London) -> 1.2 points. Consecutive rolling years share respondents, so
    this is if anything wider than the real noise: the card says 'no real change' the more often.
    """
    if value is None or not design_base:
        return None
    p = value / 100
    return float(norm.ppf(0.975) * math.sqrt(2 * p * (1 - p) / design_base) * 100)


def survey_change(now: float | None, before: float | None, design_base: int | None) -> str | None:
    """'+8 points' only beyond the survey's noise (``survey_noise``), else 'no real change'.

    Example: a borough at 47% against 45% -> 'no real change' (noise 6.9 points); against 38% ->
    '+9 points'. London at 47% against 45% -> '+2 points' (noise 1.2).
    """
    if now is None or before is None:
        return None
    noise = survey_noise(now, design_base)
    if noise is not None and abs(now - before) <= noise:
        return NO_REAL_CHANGE
    return signed((now - before) / 100, as_pct_points=True)


def cards(now: Figures, before: Figures) -> list[Card]:
    """Eight headline cards; each delta is the change since the previous period."""
    return [
        Card("Met wards", count(now.wards), None, "off", "Wards policed by the Metropolitan Police in this area."),
        Card(
            "Wards with a panel",
            f"{now.with_panel:,} ({pct(now.panel_share)})",
            signed(_diff(now.with_panel, before.with_panel)),
            "normal",
            "Wards with a ward panel open on the last day of the period. MOPAC expects every ward to have one.",
        ),
        Card(
            "Panel meetings held",
            count(now.meetings),
            signed(_diff(now.meetings, before.meetings)),
            "normal",
            "Ward panel meetings held during the period.",
        ),
        Card(
            "Promises achieved",
            f"{pct(now.completion)} of {now.closed:,}",
            share_change(now.completion, before.completion, now.closed, before.closed),
            "normal",
            "Of the promises closed in the period, the share achieved (withdrawn ones count as closed). The change is "
            f"shown only when both periods closed at least {MIN_BASE}.",
        ),
        Card(
            told_label(now.feedback_days),
            f"{pct(now.feedback_share)} of {now.feedback_counted:,}",
            share_change(now.feedback_share, before.feedback_share, now.feedback_counted, before.feedback_counted),
            "normal",
            f"\"You said, we did\": of the promises closed in the period at least {now.feedback_days} days before its "
            f"end, the share whose outcome was published to residents within {now.feedback_days} days of closing. "
            "Promises closed later are counted once their time has run, so a recent period is not understated. "
            f"The change is shown only when both periods count at least {MIN_BASE}.",
        ),
        Card(
            "Engagement activities",
            count(now.activities),
            signed(_diff(now.activities, before.activities)),
            "off",
            "Contact sessions, newsletters, events and other activities: outputs, not outcomes.",
        ),
        Card(
            "People reached",
            count(now.people_reached),
            signed(_diff(now.people_reached, before.people_reached)),
            "off",
            "People reached by those activities, as recorded: outputs, not outcomes.",
        ),
        Card(
            "Police do a good job locally",
            "no survey" if now.good_job is None else f"{now.good_job:.0f}%",
            survey_change(now.good_job, before.good_job, now.survey_design_base),
            "normal",
            "Public Attitude Survey (MOPAC): share of residents who agree the police do a good job in the local area. "
            "A change within the survey's noise (about 7 points for a borough, 1 for London) reads \"no real change\".",
        ),
    ]


def _rows(f: Figures) -> list[float | None]:
    share = lambda x: None if x is None else round(x * 100, 1)  # noqa: E731
    return [
        f.wards,
        f.with_panel,
        share(f.panel_share),
        f.meetings,
        f.closed,
        share(f.completion),
        f.feedback_counted,
        share(f.feedback_share),
        f.activities,
        f.people_reached,
        f.good_job,
    ]


def figure_names(feedback_days: int = FEEDBACK_DAYS) -> tuple[tuple[str, str], ...]:
    """The comparison table's rows (figure, unit)."""
    return (
        ("Met wards", "count"),
        ("Wards with a panel", "count"),
        ("Wards with a panel", "%"),
        ("Panel meetings held", "count"),
        ("Promises closed", "count"),
        ("Promises achieved, of those closed", "%"),
        (f"Promises closed at least {feedback_days} days before the period's end", "count"),
        (f"{told_label(feedback_days)}, of those", "%"),
        ("Engagement activities", "count"),
        ("People reached", "count"),
        ("Police do a good job locally (survey)", "%"),
    )


def comparison_table(now: Figures, before: Figures, london: Figures, *, area_name: str, period: Period) -> pl.DataFrame:
    """One row per figure: this area now, the previous period, and London now (unless the area is London)."""
    columns = {
        f"{area_name}, {period.label}": _rows(now),
        f"{area_name}, {period.previous().label}": _rows(before),
    }
    if area_name != "London":
        columns[f"London, {period.label}"] = _rows(london)
    return pl.DataFrame(
        {"figure": [n for n, _ in figure_names(now.feedback_days)], "unit": [u for _, u in figure_names(now.feedback_days)]}
        | {name: pl.Series(values, dtype=pl.Float64, strict=False) for name, values in columns.items()}
    )


def comparison_title(now: Figures, london: Figures, area: Area) -> str:
    """A title that states the finding, e.g. 'Hackney: 90% of wards have a panel, against 94% across London'."""
    if area.is_london:
        return (
            f"London: {pct(now.panel_share)} of Met wards have a panel, and {pct(now.completion)} "
            "of the promises closed in the period were achieved"
        )
    if area.level == "ward":
        has = "has a panel" if now.with_panel else "has no panel"
        return f"{area.name} {has}; across London {pct(london.panel_share)} of wards have one"
    return f"{area.name}: {pct(now.panel_share)} of wards have a panel, against {pct(london.panel_share)} across London"
