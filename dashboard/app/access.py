"""Who is using the app and what they may see and do: sign-in, roles and borough scope.

Sign-in is Streamlit's own OpenID Connect (``st.login`` / ``st.user``), switched on by an
``[auth]`` section in ``.streamlit/secrets.toml``. It fails closed: a secrets file that cannot
be read, or an ``[auth]`` section that is incomplete, serves no data at all (``SignInProblem``).
The app runs *open* (everyone has full access, and every page says so and why) only when that is
chosen: ``WARD_PANEL_OPEN=1``, or the embedded sample database with no secrets file. A shared
database with no sign-in and no ``WARD_PANEL_OPEN=1`` serves nothing.

Only a verified e-mail address (the ``email_verified`` claim) is matched against the role
mapping; group rules match the provider's ``groups`` claim.

Roles come from a mapping the administrator keeps in ``.streamlit/roles.toml`` (or the file
named by ``WARD_PANEL_ROLES``), e.g.::

    [[rule]]
    email = "ann.other@hackney.gov.uk"     # or: group = "snb-hackney" (the "groups" claim)
    role = "borough_viewer"
    boroughs = ["Hackney"]                  # names or E09 codes

The first rule that matches a user wins (put people before groups). Roles:

- ``london_viewer``: reads all of London; changes nothing.
- ``borough_viewer``: reads the named boroughs only; changes nothing.
- ``data_steward``: reads and imports (and undoes imports) for the named boroughs only.
- ``administrator``: reads and imports everywhere, and reads the audit log.

Viewers see member counts as a download shows them ("fewer than 5", "withheld"); data stewards
and administrators see exact counts on screen (``exact_counts``). Every download is protected.

The parsing and lookup are pure functions (tested without Streamlit); ``current()`` reads
``st.user``. The scope is enforced where data is read and written, in ``data_access``
(``queries`` take ``boroughs``; ``access_checks.require_within`` refuses imports): hiding
widgets is only a courtesy.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

LONDON_VIEWER = "london_viewer"
BOROUGH_VIEWER = "borough_viewer"
DATA_STEWARD = "data_steward"
ADMINISTRATOR = "administrator"
ROLES = (LONDON_VIEWER, BOROUGH_VIEWER, DATA_STEWARD, ADMINISTRATOR)
SCOPED_ROLES = (BOROUGH_VIEWER, DATA_STEWARD)  # these name their boroughs; the others see London
EXACT_COUNT_ROLES = (DATA_STEWARD, ADMINISTRATOR)  # see small member counts on screen; nobody downloads them

# Test hook: the claims of a signed-in user, as JSON, for AppTest (which cannot sign in). It is
# an environment variable of the server process, so only whoever starts the server can set it;
# nothing a browser sends can. The user's role still comes from the role mapping.
TEST_USER_ENV = "WARD_PANEL_TEST_USER"

OPEN_ENV = "WARD_PANEL_OPEN"  # "1": run without sign-in on purpose (anyone who can reach the app sees everything)

OPEN_BANNER = (
    "**Sign-in is not configured**: anyone who can reach this app sees all of London's data, "
    "including member-level data, and may import. Fine for the sample data; before loading real "
    "data, configure sign-in (`[auth]` in `.streamlit/secrets.toml`) and roles, as the README says."
)
OPEN_BECAUSE_ENV = f"it runs open because the {OPEN_ENV} setting asks for it"
OPEN_BECAUSE_EMBEDDED = "it runs open because it uses the embedded sample database and no sign-in is configured"

# What Streamlit's st.login needs in [auth]: these two, and a provider's client settings either
# in [auth] itself or in a named provider table such as [auth.microsoft].
AUTH_NEEDS = ("redirect_uri", "cookie_secret")
PROVIDER_NEEDS = ("client_id", "client_secret", "server_metadata_url")


class RolesProblem(Exception):
    """The role mapping cannot be used; ``str()`` says what to fix."""


class SignInProblem(Exception):
    """Sign-in may be configured but cannot be used, so nothing is served; ``str()`` says what to fix."""


def open_banner(reason: str | None) -> str:
    """The open-mode warning with how open mode was chosen."""
    return OPEN_BANNER + (f" ({reason[0].upper() + reason[1:]}.)" if reason else "")


def missing_auth_settings(auth: Mapping) -> list[str]:
    """What an [auth] section lacks for st.login (empty when complete).

    >>> missing_auth_settings({"redirect_uri": "x", "cookie_secret": "y", "client_id": "a", "client_secret": "b", "server_metadata_url": "c"})
    []
    >>> missing_auth_settings({"redirect_uri": "x"})
    ['cookie_secret', 'client_id', 'client_secret', 'server_metadata_url']
    """
    missing = [k for k in AUTH_NEEDS if not auth.get(k)]
    providers = [dict(v) for v in auth.values() if isinstance(v, Mapping)]
    candidates = [dict(auth), *providers]
    best = min(([k for k in PROVIDER_NEEDS if not c.get(k)] for c in candidates), key=len)
    return missing + best


def choose_mode(*, secrets_error: str | None, auth: Mapping | None, open_env: str | None, embedded: bool,
                test_hook: bool = False) -> tuple[bool, str | None]:
    """(sign-in on, why open) from what could be read; raises SignInProblem to serve nothing.

    Fails closed: anything unreadable or incomplete about sign-in stops the app, and open mode
    needs WARD_PANEL_OPEN=1 or the embedded sample database with no [auth] at all.

    >>> choose_mode(secrets_error=None, auth=None, open_env=None, embedded=True)
    (False, 'it runs open because it uses the embedded sample database and no sign-in is configured')
    """
    if test_hook:
        return True, None
    if secrets_error is not None:
        raise SignInProblem(
            f"The secrets file cannot be read ({secrets_error}), so no data is shown: it may hold the "
            "sign-in settings. Fix the file (it must be valid TOML) and reload the page.")
    if auth is not None:
        missing = missing_auth_settings(auth)
        if missing:
            raise SignInProblem(
                "Sign-in is configured but incomplete, so no data is shown: the [auth] section of the secrets "
                f"file has no {', '.join(missing)}. Complete it as the README says and reload the page.")
        return True, None
    if open_env == "1":
        return False, OPEN_BECAUSE_ENV
    if embedded:
        return False, OPEN_BECAUSE_EMBEDDED
    raise SignInProblem(
        "Sign-in is not configured, so no data is shown: this app reads a shared database, where anyone "
        "who can reach it would see member-level data. Configure sign-in ([auth] in .streamlit/secrets.toml) "
        f"and roles as the README says, or set {OPEN_ENV}=1 to run it without sign-in on purpose.")


@dataclass(frozen=True)
class Access:
    """What one user may do. ``boroughs`` is a set of E09 codes, or None for all of London."""

    email: str
    role: str
    boroughs: frozenset[str] | None
    signed_in: bool = True
    open_reason: str | None = None  # open mode only: how it was chosen (for the banner)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMINISTRATOR

    @property
    def can_import(self) -> bool:
        return self.role in (DATA_STEWARD, ADMINISTRATOR)

    @property
    def can_set_complete_to(self) -> bool:
        """The date the figures are complete to moves every user's pages: London-wide stewards and administrators only."""
        return self.can_import and self.boroughs is None

    @property
    def exact_counts(self) -> bool:
        """May see exact member counts of 1 to 4 on screen: those who load the member records
        (data stewards, for their boroughs) and administrators. Viewers see what a download shows."""
        return self.role in EXACT_COUNT_ROLES

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The boroughs as a sorted tuple (hashable, for cache keys), or None for all of London."""
        return None if self.boroughs is None else tuple(sorted(self.boroughs))

    @property
    def writable(self) -> tuple[str, ...] | None:
        """Boroughs this user may import into: None for all of London, () for none."""
        if self.role == ADMINISTRATOR:
            return None
        if self.role == DATA_STEWARD:
            return self.scope
        return ()

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """'ann@x.gov.uk: data steward for Hackney' (names maps codes to borough names)."""
        role = self.role.replace("_", " ")
        if self.boroughs is None:
            where = "all of London"
        else:
            where = ", ".join(sorted((names or {}).get(c, c) for c in self.boroughs))
        return f"{self.email}: {role}, {where}"


OPEN_ACCESS = Access(email="open mode", role=ADMINISTRATOR, boroughs=None, signed_in=False)


@dataclass(frozen=True)
class Rule:
    role: str
    boroughs: frozenset[str] | None
    email: str | None = None
    group: str | None = None

    def matches(self, email: str | None, groups: Iterable[str]) -> bool:
        if self.email is not None:
            return email is not None and email.strip().lower() == self.email
        return self.group is not None and self.group in set(groups)


def parse_roles(text: str, boroughs: Mapping[str, str]) -> list[Rule]:
    """Rules from the mapping's TOML; ``boroughs`` maps borough names and codes to E09 codes.

    >>> parse_roles('[[rule]]\\nemail="A@x"\\nrole="borough_viewer"\\nboroughs=["Hackney"]', {"hackney": "E09000012"})
    [Rule(role='borough_viewer', boroughs=frozenset({'E09000012'}), email='a@x', group=None)]
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesProblem(f"The role mapping is not valid TOML ({exc}).") from exc
    lookup = {k.strip().lower(): v for k, v in boroughs.items()}
    rules = []
    for i, raw in enumerate(data.get("rule", []), start=1):
        where = f"Rule {i} of the role mapping"
        if not isinstance(raw, dict):
            raise RolesProblem(f"{where} is not a table: write it as [[rule]].")
        email, group, role = raw.get("email"), raw.get("group"), raw.get("role")
        if bool(email) == bool(group):
            raise RolesProblem(f"{where} needs exactly one of email or group.")
        if role not in ROLES:
            raise RolesProblem(f"{where} has role {role!r}; use one of {', '.join(ROLES)}.")
        names = raw.get("boroughs", [])
        if isinstance(names, str):
            names = [names]
        if role in SCOPED_ROLES:
            if not names:
                raise RolesProblem(f"{where} ({role}) must name its boroughs.")
            unknown = [n for n in names if str(n).strip().lower() not in lookup]
            if unknown:
                raise RolesProblem(f"{where} names {unknown[0]!r}, which is not a London borough name or E09 code.")
            scope: frozenset[str] | None = frozenset(lookup[str(n).strip().lower()] for n in names)
        else:
            if names:
                raise RolesProblem(f"{where} ({role}) covers all of London: remove its boroughs.")
            scope = None
        rules.append(Rule(role=role, boroughs=scope, email=str(email).strip().lower() if email else None,
                          group=str(group) if group else None))
    return rules


def access_for(rules: Iterable[Rule], email: str | None, groups: Iterable[str] = ()) -> Access | None:
    """The first matching rule's access, or None when no rule names this user or their groups."""
    groups = list(groups)
    for rule in rules:
        if rule.matches(email, groups):
            return Access(email=email or "(no email)", role=rule.role, boroughs=rule.boroughs)
    return None


def verified_email(claims: Mapping) -> str | None:
    """The e-mail claim if the provider says it is verified (``email_verified`` true), else None.

    An unverified address can be anyone's: a provider account that merely claims a steward's
    address must not sign in as that steward.
    """
    verified = claims.get("email_verified")
    if isinstance(verified, str):
        verified = verified.strip().lower() == "true"
    return claims.get("email") if verified is True else None


def groups_of(claims: Mapping) -> list[str]:
    """The user's groups from the identity provider's ``groups`` claim (a list or one string)."""
    value = claims.get("groups") or []
    return [value] if isinstance(value, str) else [str(g) for g in value]


def borough_lookup(boroughs_frame) -> dict[str, str]:
    """{name or code (lower case): code} from a frame of borough_code, borough_name."""
    out = {}
    for code, name in boroughs_frame.select("borough_code", "borough_name").iter_rows():
        out[code.lower()] = code
        out[name.lower()] = code
    return out


# --- Streamlit side ---------------------------------------------------------------------------


def auth_test_hook() -> bool:
    """True when the test hook stands in for sign-in (then there is no real session to end)."""
    return bool(os.environ.get(TEST_USER_ENV))


def _secrets() -> tuple[str | None, dict | None]:
    """(why the secrets cannot be read or None, their [auth] section or None)."""
    import streamlit as st
    from streamlit import config

    present = [str(Path(p).expanduser()) for p in config.get_option("secrets.files") if Path(p).expanduser().exists()]
    if not present and not getattr(st.secrets, "_secrets", None):
        # No secrets file and none given in code (AppTest gives them so): nothing is configured.
        # Asking st.secrets here would make it look for the files again on every run, which cost
        # a running server 0.5 to 1 s a page.
        return None, None
    try:
        st.secrets.load_if_toml_exists()
        if "auth" not in st.secrets:
            return None, None
        auth = st.secrets["auth"]
        return None, auth.to_dict() if hasattr(auth, "to_dict") else dict(auth)
    except Exception as exc:
        if not present:  # no secrets file and none given: nothing configured
            return None, None
        # A file that cannot be parsed: Streamlit's message names the file, line and column.
        return str(exc).strip().splitlines()[0][:300], None


def sign_in_mode(*, embedded: bool) -> tuple[bool, str | None]:
    """(sign-in on, why open) for this server; raises SignInProblem (serve nothing)."""
    if auth_test_hook():
        return True, None
    error, auth = _secrets()
    return choose_mode(secrets_error=error, auth=auth, open_env=os.environ.get(OPEN_ENV), embedded=embedded)


def signed_in_claims() -> dict | None:
    """The signed-in user's claims, or None when nobody is signed in."""
    import streamlit as st

    if hook := os.environ.get(TEST_USER_ENV):
        return json.loads(hook)
    if not st.user.get("is_logged_in", False):
        return None
    return dict(st.user.to_dict())


class NoAccess(Exception):
    """Signed in, but the role mapping does not name this user (or cannot be read)."""


def current(role_rules: Callable[[], list[Rule]], *, embedded: bool) -> Access | None:
    """The current user's access; None when sign-in is on and nobody is signed in.

    ``role_rules`` reads the role mapping (``state.role_rules``: cached, raises RolesProblem);
    ``embedded``: the app uses the embedded sample database. Raises SignInProblem when sign-in
    cannot be used (nothing is served), NoAccess (with a message fit to show) for a signed-in
    user without a role.
    """
    signin, why_open = sign_in_mode(embedded=embedded)
    if not signin:
        return replace(OPEN_ACCESS, open_reason=why_open)
    claims = signed_in_claims()
    if claims is None:
        return None
    try:
        rules = role_rules()
    except RolesProblem as exc:
        raise NoAccess(f"The role mapping cannot be read, so nobody has access yet. {exc}") from exc
    email = verified_email(claims)
    found = access_for(rules, email, groups_of(claims))
    if found is not None and email is None:
        # Matched by group: named (and audited) by the provider's stable subject, not an unverified address.
        found = replace(found, email=str(claims.get("sub") or "(no verified e-mail)"))
    if found is None:
        claimed = claims.get("email")
        if claimed and email is None:
            raise NoAccess(
                f"You are signed in, but your organisation's sign-in service has not confirmed the e-mail address "
                f"{claimed} as yours (it is not marked verified), so it cannot be matched to a role. Ask the "
                "Ward Panel Monitor's administrator: access can be given by group instead.")
        raise NoAccess(
            f"You are signed in as {email or 'a user with no email address'}, but you have not been given "
            "access to the Ward Panel Monitor. Ask its administrator to add you to the role mapping."
        )
    return found
