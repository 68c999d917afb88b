"""Every page of the app, in menu order (this list and pages/*.py must match: tests/app/test_pages.py)."""

from __future__ import annotations

from typing import NamedTuple


class PageSpec(NamedTuple):
    path: str
    title: str
    icon: str
    url_path: str
    default: bool = False  # the page at "/" (its url_path is not served)
    # A public page stays open when sign-in is required (the ward page);
    # an admin_only page is listed only for administrators.
    public: bool = False
    admin_only: bool = False


PAGES = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "overview", default=True),
    PageSpec("pages/coverage.py", "Panel coverage", ":material/groups:", "coverage"),
    PageSpec("pages/remedy_plans.py", "Remedy plans", ":material/build:", "remedy_plans"),
    PageSpec("pages/trend.py", "Coverage trend", ":material/trending_up:", "trend"),
    PageSpec("pages/diversity.py", "Membership and diversity", ":material/diversity_3:", "diversity"),
    PageSpec("pages/board.py", "Safer Neighbourhood Board", ":material/account_balance:", "board"),
    PageSpec("pages/meetings.py", "Meetings", ":material/event:", "meetings"),
    PageSpec("pages/promises.py", "Promises", ":material/task_alt:", "promises"),
    PageSpec("pages/outcomes.py", "Engagement outcomes", ":material/insights:", "outcomes"),
    PageSpec("pages/borough_map.py", "Borough map", ":material/map:", "borough_map"),
    PageSpec("pages/briefing.py", "Briefing pack", ":material/description:", "briefing"),
    PageSpec("pages/data.py", "Data", ":material/upload_file:", "data"),
    PageSpec("pages/audit.py", "Audit log", ":material/policy:", "audit", admin_only=True),
    PageSpec("pages/about.py", "About the figures", ":material/info:", "about"),
    PageSpec("pages/ward.py", "Your ward panel (public)", ":material/home:", "ward", public=True),
)
