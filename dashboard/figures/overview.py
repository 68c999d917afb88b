"""The Overview's cards, comparison table and its finding, built from metrics.Figures (no st.*)."""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from dashboard.domain import areas
from dashboard.domain.areas import Area
from dashboard.domain.formatting import count, pct, signed
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


def _survey_diff(a: float | None, b: float | None) -> float | None:
    """Survey values are percentages (47.0), shares elsewhere are fractions (0.47)."""
    d = _diff(a, b)
    return None if d is None else d / 100


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
            signed(_diff(now.completion, before.completion), as_pct_points=True),
            "normal",
            "Of the promises closed in the period, the share achieved (withdrawn ones count as closed).",
        ),
        Card(
            told_label(now.feedback_days),
            f"{pct(now.feedback_share)} of {now.feedback_counted:,}",
            signed(_diff(now.feedback_share, before.feedback_share), as_pct_points=True),
            "normal",
            f"\"You said, we did\": of the promises closed in the period at least {now.feedback_days} days before its "
            f"end, the share whose outcome was published to residents within {now.feedback_days} days of closing. "
            "Promises closed later are counted once their time has run, so a recent period is not understated.",
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
            signed(_survey_diff(now.good_job, before.good_job), as_pct_points=True),
            "normal",
            "Public Attitude Survey (MOPAC): share of residents who agree the police do a good job in the local area.",
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
