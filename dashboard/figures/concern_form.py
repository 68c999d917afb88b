"""The resident's concern form on the public ward page: what it accepts, and how often.

Pure functions, no st.* and no SQL. A concern is a category from the shared vocabulary and a
short free text; no name is asked for. Text is refused, with a message saying why, when it is
empty, longer than ``MAX_CHARS``, or holds markup (HTML tags, script, ``javascript:`` links,
event handlers). Accepted text is still stored and shown only as text, never as HTML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from dashboard.domain import vocabulary as v

MAX_CHARS = 500
MIN_CHARS = 3
WINDOW = dt.timedelta(hours=1)
CLIENT_LIMIT = 3  # concerns one client (one address, whatever its browser or session) may send in an hour
WARD_LIMIT = 10  # beyond this many in an hour a ward is busy: concerns still queue for review, none is refused

_MARKUP = re.compile(
    r"</?[a-z!?]"  # the start of a tag, as a browser reads one: <b>, </p>, <script, <!--, <?php ("< 5" is fine)
    r"|javascript\s*:|vbscript\s*:|data\s*:\s*text/html"  # script links
    r"|\bon[a-z]+\s*=",  # event handlers: onerror=, onclick =
    re.IGNORECASE,
)

EMPTY = "Please write a few words about your concern before sending it."
NO_CATEGORY = "Please choose what your concern is about."
TOO_LONG = f"Please keep your concern to {MAX_CHARS} characters or fewer (it is {{n}} now)."
MARKUP = ("Please write your concern as plain text: it looks like it holds web code (such as <tags> or script), "
          "which the form does not accept.")
TOO_SHORT = f"Please write at least {MIN_CHARS} characters so the panel can understand your concern."
TOO_MANY_CLIENT = (f"{CLIENT_LIMIT} concerns have been sent from your connection in the last hour, the most the form "
                   "takes from one connection. Thank you: please try again later.")
BUSY_NOTE = ("The ward panel has received many concerns through the form in the last hour, so yours may take "
             "a little longer to be read.")


def clean(text: str | None) -> str:
    """Surrounding spaces dropped, line ends made plain, invisible control characters removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return kept.strip()


def problem(category: str | None, text: str | None) -> str | None:
    """Why a concern cannot be sent, in plain words; None when it can.

    Example: ("drugs", "Dealing by the station every evening") -> None; ("drugs", "  ") -> the
    "please write a few words" message; ("drugs", "<script>alert(1)</script>") -> the plain-text message.
    """
    if category not in v.CATEGORIES:
        return NO_CATEGORY
    body = clean(text)
    if not body:
        return EMPTY
    if len(body) > MAX_CHARS:
        return TOO_LONG.format(n=len(body))
    if _MARKUP.search(body):
        return MARKUP
    if len(body) < MIN_CHARS:
        return TOO_SHORT
    return None


def rate_problem(client_recent: int) -> str | None:
    """The rate limit: ``CLIENT_LIMIT`` concerns per client in the last hour (``WINDOW``).

    ``client_recent``: concerns the database holds from this client's key sent in the last hour,
    so a reload, a second browser or a server restart does not reset it. Example: 2 -> None (a
    third may be sent); 3 -> refused.
    """
    return TOO_MANY_CLIENT if client_recent >= CLIENT_LIMIT else None


def ward_busy(ward_recent: int) -> bool:
    """True when the ward's form took ``WARD_LIMIT`` or more concerns in the last hour.

    A busy ward still takes every genuine concern (it waits for review like any other), so a
    flood cannot lock residents out; the resident is told it may take longer to be read.
    """
    return ward_recent >= WARD_LIMIT


def client_key(address: str | None, salt: str) -> str:
    """A keyed hash of the sender's address (never the address itself) for the per-client limit.

    Unknown addresses share one key. Example: client_key("203.0.113.9", "s") is 64 hex characters,
    the same on every call and different from client_key("203.0.113.10", "s").
    """
    return hashlib.sha256(f"{salt}|{(address or 'unknown').strip()}".encode()).hexdigest()


def address_from(headers: dict, connection_address: str | None, proxy_header: str | None) -> str | None:
    """The sender's address: the first address in the configured proxy header (such as
    X-Forwarded-For, set by the load balancer), else the connection's own address.

    Example: ({"X-Forwarded-For": "203.0.113.9, 10.0.0.2"}, "10.0.0.2", "X-Forwarded-For") -> "203.0.113.9".
    Without a configured header the connection's address is used: a header a browser can set is not trusted.
    """
    if proxy_header:
        lowered = {str(k).lower(): v for k, v in headers.items()}
        value = lowered.get(proxy_header.lower())
        if value:
            first = str(value).split(",")[0].strip()
            if first:
                return first
    return connection_address
