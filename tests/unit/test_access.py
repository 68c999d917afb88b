"""The role mapping: parsing, who gets which role and boroughs. No Streamlit, no database."""

from __future__ import annotations

import pytest

from dashboard.app import access as acc

BOROUGHS = {"hackney": "E09000012", "e09000012": "E09000012", "camden": "E09000007", "e09000007": "E09000007"}

MAPPING = """
[[rule]]
email = "Ann.Other@Hackney.gov.uk"
role = "borough_viewer"
boroughs = ["Hackney"]

[[rule]]
email = "steward@example.org"
role = "data_steward"
boroughs = ["hackney", "E09000007"]

[[rule]]
group = "mopac-analysts"
role = "london_viewer"

[[rule]]
group = "ward-panel-admins"
role = "administrator"
"""


@pytest.fixture
def rules():
    return acc.parse_roles(MAPPING, BOROUGHS)


def test_a_borough_viewer_gets_their_borough_by_email_whatever_its_case(rules):
    a = acc.access_for(rules, "ann.other@HACKNEY.gov.uk")
    assert (a.role, a.boroughs, a.scope) == ("borough_viewer", frozenset({"E09000012"}), ("E09000012",))
    assert not a.can_import and not a.is_admin and a.writable == ()


def test_a_steward_may_write_the_boroughs_named_by_name_or_code(rules):
    a = acc.access_for(rules, "steward@example.org")
    assert a.scope == ("E09000007", "E09000012")
    assert a.can_import and a.writable == ("E09000007", "E09000012")
    assert a.describe({"E09000007": "Camden", "E09000012": "Hackney"}) == "steward@example.org: data steward, Camden, Hackney"


def test_groups_give_london_and_administrator(rules):
    london = acc.access_for(rules, "someone@mopac.org.uk", ["staff", "mopac-analysts"])
    assert london.role == "london_viewer" and london.scope is None and london.writable == ()
    admin = acc.access_for(rules, "boss@mopac.org.uk", acc.groups_of({"groups": "ward-panel-admins"}))
    assert admin.is_admin and admin.scope is None and admin.writable is None


def test_the_first_matching_rule_wins(rules):
    # The steward is also in the admins' group, but their own rule comes first.
    a = acc.access_for(rules, "steward@example.org", ["ward-panel-admins"])
    assert a.role == "data_steward"


def test_nobody_else_gets_anything(rules):
    assert acc.access_for(rules, "stranger@example.org", ["staff"]) is None
    assert acc.access_for(rules, None) is None
    assert acc.access_for([], "ann.other@hackney.gov.uk") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\nemail="a@x"\nrole="boss"', "use one of london_viewer"),
        ('[[rule]]\nemail="a@x"\nrole="borough_viewer"', "must name its boroughs"),
        ('[[rule]]\nemail="a@x"\nrole="borough_viewer"\nboroughs=["Narnia"]', "'Narnia', which is not a London borough"),
        ('[[rule]]\nemail="a@x"\nrole="london_viewer"\nboroughs=["Hackney"]', "remove its boroughs"),
        ('[[rule]]\nemail="a@x"\ngroup="g"\nrole="administrator"', "exactly one of email or group"),
        ('[[rule]\nemail=', "not valid TOML"),
    ],
)
def test_a_broken_mapping_says_what_to_fix(text, message):
    with pytest.raises(acc.RolesProblem, match=message):
        acc.parse_roles(text, BOROUGHS)


def test_open_mode_is_full_access_but_not_signed_in():
    assert acc.OPEN_ACCESS.scope is None and acc.OPEN_ACCESS.can_import and not acc.OPEN_ACCESS.signed_in


def test_the_example_mapping_in_the_repository_parses():
    from pathlib import Path

    import polars as pl

    root = Path(__file__).resolve().parents[2]
    frame = pl.read_csv(root / "sample_data" / "reference" / "london_borough_bcu.csv")
    lookup = acc.borough_lookup(frame.select(pl.col(frame.columns[0]).alias("borough_code"),
                                             pl.col(frame.columns[1]).alias("borough_name")))
    rules = acc.parse_roles((root / ".streamlit" / "roles.example.toml").read_text(), lookup)
    assert {r.role for r in rules} == set(acc.ROLES)


COMPLETE = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 40,
            "client_id": "c", "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}


def test_sign_in_fails_closed():
    choose = acc.choose_mode
    # Configured and complete: sign-in, whatever else is set.
    assert choose(secrets_error=None, auth=COMPLETE, open_env="1", embedded=True) == (True, None)
    # A provider table ([auth.microsoft]) holds the client settings just as well.
    nested = {"redirect_uri": "r", "cookie_secret": "c", "microsoft": {"client_id": "a", "client_secret": "b", "server_metadata_url": "u"}}
    assert choose(secrets_error=None, auth=nested, open_env=None, embedded=False) == (True, None)
    # Anything unreadable or incomplete serves nothing, even where open mode is allowed.
    with pytest.raises(acc.SignInProblem, match="cannot be read"):
        choose(secrets_error="Illegal character at line 2", auth=None, open_env="1", embedded=True)
    with pytest.raises(acc.SignInProblem, match="incomplete.*cookie_secret"):
        choose(secrets_error=None, auth={k: v for k, v in COMPLETE.items() if k != "cookie_secret"}, open_env="1", embedded=True)
    # Open only when chosen: the environment variable, or the embedded sample database.
    assert choose(secrets_error=None, auth=None, open_env="1", embedded=False) == (False, acc.OPEN_BECAUSE_ENV)
    assert choose(secrets_error=None, auth=None, open_env=None, embedded=True) == (False, acc.OPEN_BECAUSE_EMBEDDED)
    for value in (None, "0", "yes", ""):
        with pytest.raises(acc.SignInProblem, match="WARD_PANEL_OPEN=1"):
            choose(secrets_error=None, auth=None, open_env=value, embedded=False)


def test_only_a_verified_email_maps_to_a_role(rules):
    claims = {"email": "ann.other@hackney.gov.uk"}
    assert acc.verified_email(claims) is None
    assert acc.verified_email({**claims, "email_verified": False}) is None
    assert acc.verified_email({**claims, "email_verified": "false"}) is None
    assert acc.verified_email({**claims, "email_verified": True}) == "ann.other@hackney.gov.uk"
    assert acc.verified_email({**claims, "email_verified": "true"}) == "ann.other@hackney.gov.uk"
    assert acc.access_for(rules, acc.verified_email(claims)) is None
    assert acc.access_for(rules, acc.verified_email({**claims, "email_verified": True})).role == acc.BOROUGH_VIEWER


def test_the_open_banner_says_how_open_mode_was_chosen():
    assert "WARD_PANEL_OPEN setting asks for it" in acc.open_banner(acc.OPEN_BECAUSE_ENV)
    assert acc.open_banner(None) == acc.OPEN_BANNER
