"""police.uk parsers on the documented response shapes. Pure: no network, no database."""

from __future__ import annotations

import json

import polars as pl
import pytest

from dashboard.domain import policeuk
from dashboard.domain.imports import IGNORED, References

REFS = References(
    wards=pl.DataFrame({"ward_code": ["E05014053"], "ward_name": ["Abbey"], "borough_code": ["E09000002"]}),
    lookup=pl.DataFrame({"old_code": ["E05000026"], "old_name": ["Abbey"], "old_borough_code": ["E09000002"],
                         "new_code": ["E05014066"], "new_name": ["Northbury"], "share_of_old_area": [0.83],
                         "share_of_new_area": [0.94], "best_fit": [True]}),
)


def as_bytes(items) -> bytes:
    return json.dumps(items).encode()


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Speeding on <b>Abbey Road</b> &amp; nearby</p>", "Speeding on Abbey Road & nearby"),
        ("Line one<br/>line two", "Line one line two"),
        ("<script>alert(1)</script>Drugs &lt;b&gt;", "Drugs <b>"),  # entities decoded to text, never markup
        (None, ""),
        ("<p>unclosed <i>tag", "unclosed tag"),
    ],
)
def test_plain_text_strips_html(html, text):
    assert policeuk.plain_text(html) == text


def test_priorities_become_open_promises_with_their_origin():
    items = [
        {"issue": "<p>Drug dealing near the <b>park</b></p>", "issue-date": "2023-09-01T00:00:00",
         "action": "<p>Two warrants executed</p>", "action-date": "2023-10-20T00:00:00"},
        {"issue": "Burglary on estates", "issue-date": "2023-06-12T23:30:00", "action": None, "action-date": None},
    ]
    frame, problems = policeuk.parse_priorities(as_bytes(items), neighbourhood="E05014053", refs=REFS, file="p.json")
    assert problems == []
    assert frame["category"].to_list() == ["drugs", "burglary"]
    # London local time without a zone: the date is kept as written, late evening stays that day.
    assert frame["set_on"].to_list() == ["2023-09-01", "2023-06-12"]
    assert frame["description"][0] == "police.uk priority: Drug dealing near the park Action (2023-10-20): Two warrants executed"
    assert set(frame["status"]) == {"open"} and set(frame["origin"]) == {"panel"}
    assert frame["promise_ref"][0].startswith("PUK-E05014053-2023-09-01-")


def test_priority_refs_are_stable_so_reimport_updates():
    items = [{"issue": "Burglary", "issue-date": "2023-06-12T00:00:00", "action": None, "action-date": None}]
    a, _ = policeuk.parse_priorities(as_bytes(items), neighbourhood="E05014053", refs=REFS, file="p.json")
    b, _ = policeuk.parse_priorities(as_bytes(items), neighbourhood="E05014053", refs=REFS, file="p.json")
    assert a["promise_ref"].to_list() == b["promise_ref"].to_list()


def test_events_become_engagement_and_meeting_is_a_public_meeting():
    items = [
        {"title": "Ward <b>meeting</b>", "description": "x", "address": "Hall", "type": "meeting",
         "start_date": "2023-10-05T18:30:00", "end_date": "2023-10-05T20:00:00", "contact_details": {}},
        {"title": "Cuppa with a copper", "description": None, "address": None, "type": "other",
         "start_date": "2023-11-18T10:00:00", "end_date": None, "contact_details": {"email": "a@b"}},
    ]
    frame, problems = policeuk.parse_events(as_bytes(items), neighbourhood="E05014053", refs=REFS, file="e.json")
    assert frame.select("held_on", "kind").rows() == [("2023-10-05", "public meeting"), ("2023-11-18", "contact session")]
    assert [p.severity for p in problems] == [IGNORED] and "recorded as 0" in problems[0].problem


def test_unmatched_neighbourhood_is_reported_for_every_item():
    items = [{"issue": "Burglary", "issue-date": "2023-06-12T00:00:00"}] * 2
    frame, problems = policeuk.parse_priorities(as_bytes(items), neighbourhood="E05000026", refs=REFS, file="p.json")
    assert frame.height == 0
    assert [p.row for p in problems] == [1, 2]
    assert all("not matched to a ward" in p.problem and "E05014066 (Northbury)" in p.problem for p in problems)


@pytest.mark.parametrize("data", [b"", b"not json", b'{"issue": "x"}', b"[1, 2]", b"\xff\xfe"])
def test_malformed_responses_give_problems(data):
    frame, problems = policeuk.parse_events(data, neighbourhood="E05014053", refs=REFS, file="e.json")
    assert frame.height == 0 and problems
