"""The public concern form's rules (issue #11): what is refused, with which message, and how often."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.figures import concern_form as cf

T = dt.datetime(2025, 11, 3, 10, 0)


@pytest.mark.parametrize(
    ("category", "text", "message"),
    [
        ("drugs", "", cf.EMPTY),
        ("drugs", "   \n\t ", cf.EMPTY),
        ("drugs", "\u200b\x00", cf.EMPTY),  # only invisible characters
        (None, "Dealing by the station", cf.NO_CATEGORY),
        ("littering", "Rubbish everywhere", cf.NO_CATEGORY),  # not in the shared vocabulary
        ("drugs", "x" * 501, cf.TOO_LONG.format(n=501)),
        ("drugs", "<script>alert(1)</script>", cf.MARKUP),
        ("drugs", "Dealing <b>here</b>", cf.MARKUP),
        ("drugs", "see <img src=x onerror=alert(1)>", cf.MARKUP),
        ("drugs", "click javascript:alert(1)", cf.MARKUP),
        ("drugs", "<!-- hidden -->", cf.MARKUP),
        ("drugs", "ok", cf.TOO_SHORT),
    ],
)
def test_refused_with_a_clear_message(category, text, message):
    assert cf.problem(category, text) == message


@pytest.mark.parametrize(
    "text",
    ["Dealing by the station every evening", "x" * 500, "Cars go at < 5 mph? No, far faster than 30 & it's dangerous",
     "  Speeding on Station Road  \r\n  near the school  "],
)
def test_plain_text_up_to_the_limit_is_accepted(text):
    assert cf.problem("road safety", text) is None


def test_clean_keeps_the_words_and_drops_control_characters():
    assert cf.clean("  Speeding\r\nnear the school\x07  ") == "Speeding\nnear the school"


def test_rate_limit_per_visitor_and_per_ward():
    sent = [T, T + dt.timedelta(minutes=15), T + dt.timedelta(minutes=45)]
    assert cf.rate_problem(sent[:2], 0, T + dt.timedelta(minutes=50)) is None
    assert cf.rate_problem(sent, 0, T + dt.timedelta(minutes=59)) == cf.TOO_MANY_SESSION
    assert cf.rate_problem(sent, 0, T + dt.timedelta(minutes=61)) is None  # the first has aged out
    assert cf.rate_problem([], cf.WARD_LIMIT - 1, T) is None
    assert cf.rate_problem([], cf.WARD_LIMIT, T) == cf.TOO_MANY_WARD
