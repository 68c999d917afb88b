"""The public concern form's rules: what is refused, with which message, and how often."""

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


def test_rate_limit_per_client_and_a_busy_ward_never_refuses():
    assert cf.rate_problem(cf.CLIENT_LIMIT - 1) is None
    assert cf.rate_problem(cf.CLIENT_LIMIT) == cf.TOO_MANY_CLIENT
    assert not cf.ward_busy(cf.WARD_LIMIT - 1)
    assert cf.ward_busy(cf.WARD_LIMIT)  # busy: the concern still queues for review


def test_the_client_key_hashes_the_address_and_trusts_only_the_configured_proxy_header():
    key = cf.client_key("203.0.113.9", "salt")
    assert len(key) == 64 and "203.0.113.9" not in key
    assert key == cf.client_key(" 203.0.113.9 ", "salt") != cf.client_key("203.0.113.10", "salt")
    assert key != cf.client_key("203.0.113.9", "another salt")
    headers = {"X-Forwarded-For": "203.0.113.9, 10.0.0.2"}
    assert cf.address_from(headers, "10.0.0.2", "X-Forwarded-For") == "203.0.113.9"
    assert cf.address_from(headers, "10.0.0.2", "x-forwarded-for") == "203.0.113.9"
    assert cf.address_from(headers, "10.0.0.2", None) == "10.0.0.2"  # not configured: a browser could forge it
    assert cf.address_from({}, "10.0.0.2", "X-Forwarded-For") == "10.0.0.2"
