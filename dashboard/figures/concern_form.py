"""The resident's concern form on the public ward page: what it accepts, and how often (issue #11).

Pure functions, no st.* and no SQL. A concern is a category from the shared vocabulary and a
short free text; no name is asked for. Text is refused, with a message saying why, when it is
empty, longer than ``MAX_CHARS``, or holds markup (HTML tags, script, ``javascript:`` links,
event handlers). Accepted text is still stored and shown only as text, never as HTML.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from dashboard.domain import vocabulary as v

MAX_CHARS = 500
MIN_CHARS = 3
WINDOW = dt.timedelta(hours=1)
SESSION_LIMIT = 3  # concerns one visitor may send in an hour
WARD_LIMIT = 10  # concerns one ward may receive in an hour, from everyone: a brake on floods

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
TOO_MANY_SESSION = (f"You have sent {SESSION_LIMIT} concerns in the last hour, the most the form takes from one visitor. "
                    "Thank you: please try again later.")
TOO_MANY_WARD = ("This ward's panel has received many concerns through the form in the last hour. "
                 "Please try again later.")


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


def rate_problem(session_times: Sequence[dt.datetime], ward_recent: int, now: dt.datetime) -> str | None:
    """The rate limit: ``SESSION_LIMIT`` concerns per visitor and ``WARD_LIMIT`` per ward in an hour.

    ``session_times``: when this visitor sent concerns; ``ward_recent``: concerns the ward's form
    stored in the last hour (everyone's). Example: three sent at 10:05, 10:20, 10:50, now 11:00
    -> refused; now 11:06 -> the 10:05 one has aged out, so one more may be sent.
    """
    recent = [t for t in session_times if now - t < WINDOW]
    if len(recent) >= SESSION_LIMIT:
        return TOO_MANY_SESSION
    if ward_recent >= WARD_LIMIT:
        return TOO_MANY_WARD
    return None
