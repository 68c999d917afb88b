"""The steps behind the Data page: read uploaded CSV files, check them, preview what an
import would change, import, undo the last import, and review the concerns residents send from
the public ward pages; and the one write a resident makes, sending such a concern.

Every write goes through ``data_access.writes``, which checks the user's boroughs again whatever
the page showed. Each change is recorded in the audit trail, then the caches are
cleared and the page reruns with a message saying what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
import streamlit as st

from dashboard.app import state, ui
from dashboard.app.access import Access
from dashboard.domain import imports
from dashboard.domain.contract import TABLES
from dashboard.domain.formatting import uk_date
from dashboard.figures import concern_form as cf
from data_access import audit, queries, writes
from data_access.access_checks import OutOfScope

FLASH = "data_flash"  # what the last change did, shown once after the rerun


def show_flash() -> None:
    if message := st.session_state.pop(FLASH, None):
        st.success(message)


def _changed(message: str) -> None:
    """After a write: forget every cached figure and rerun, saying what changed."""
    state.clear()
    st.session_state[FLASH] = message
    st.rerun()


def template(name: str) -> bytes:
    """A table's CSV template, with example rows."""
    return writes.template(name)


def upload_check_import(user: Access) -> None:
    """The uploader, then for the files given: the problems found, what an import would change, and the Import button."""
    limit = imports.max_bytes()
    uploads = st.file_uploader(
        f"Upload one or several CSV files (up to {limit // (1024 * 1024)} MB each)", type=["csv"],
        accept_multiple_files=True, key="upload",
    )
    if user.writable is not None:
        names = dict(state.table("boroughs").select("borough_code", "borough_name").iter_rows())
        st.caption("You may import rows for " + ", ".join(sorted(names.get(c, c) for c in user.writable))
                   + " only; a file with a row for another borough is refused whole.")
    if not uploads:
        st.info("Choose CSV files to check them. Start from a template so the column names match.")
        return
    names, datas, too_big = [], [], []
    for f in uploads:
        if problem := imports.size_problem(f.name, f.size, limit):  # before reading the bytes
            too_big.append(problem)
            continue
        names.append(f.name)
        datas.append(f.getvalue())
    checked = _check(names, datas)
    problems = too_big + [p for c in checked for p in c.problems]
    errors = [p for p in problems if p.severity == imports.ERROR]
    if problems:
        notes = len(problems) - len(errors)
        n_errors = len(errors) + sum(c.unlisted for c in checked)  # every problem, though the report lists the first
        st.subheader(f"{n_errors:,} problem{'s' if n_errors != 1 else ''} to fix"
                     + (f", {notes:,} note{'s' if notes != 1 else ''}" if notes else ""))
        st.caption("Rows are numbered as a spreadsheet shows them: the header is row 1. Notes do not stop an import.")
        ui.table_with_download(imports.problem_frame(problems), file_name="import_problems.csv", key="problems",
                               label="Download the problem report (CSV)")
    ready = [c for c in checked if c.ok and c.frame.height]
    engine = state.engine()
    # Say before the Import button if a file writes, or would overwrite, a row outside the user's
    # boroughs (the import itself refuses it again in data_access, whatever the page shows). Such a
    # file gets no preview: "changed" would tell the user another borough's row exists.
    outside, mine = [], []
    for c in ready:
        try:
            writes.check_scope(engine, [c], user.writable)
            mine.append(c)
        except OutOfScope as exc:
            outside.append(str(exc))
    if mine:
        st.subheader("What the import would change")
        summary = [{"file": c.file, "table": c.table, **imports.diff_counts(writes.preview(engine, c.table, c.frame, absent=c.absent))} for c in mine]
        ui.table_with_download(pl.DataFrame(summary), file_name="import_preview.csv", key="preview")
    if errors:
        st.error("Nothing can be imported until every problem is fixed. Correct the file(s) and upload them again.")
    elif outside:
        st.error(ui.escape_md(" ".join(outside)))
    elif ready and st.button("Import", type="primary", key="import"):
        _import(checked, datas, ready, user)


def _check(names: list[str], datas: list[bytes]) -> list:
    """Each file checked against its table: recognised from its header, or chosen here by the user.

    Checking a big file takes a second, so the result is kept for reruns until the files, the
    choices or the database (a new import batch) change.
    """
    engine = state.engine()
    batches = state.import_batches()
    version = (tuple(hashlib.sha256(d).hexdigest() for d in datas), int(batches["id"].max() or 0) if batches.height else 0)

    def checked_for(tables_chosen):
        memo = st.session_state.setdefault("data_checked", {})
        if memo.get("version") != version:
            memo.clear()
            memo["version"] = version
        key = tuple(tables_chosen)
        if key not in memo:
            memo[key] = writes.check_files(engine, list(zip(names, datas)), list(tables_chosen), boroughs=state.scope())
        return memo[key]

    first = checked_for([None] * len(names))
    tables = []
    for i, (name, c) in enumerate(zip(names, first)):
        options = list(TABLES)
        # The file's name is the user's text: shown as plain text, never in a label Streamlit reads as
        # Markdown (where a name holding an address became a live link).
        st.text(f"Table for {name}")
        tables.append(st.selectbox(
            f"Table for file {i + 1}", options, index=options.index(c.table) if c.table in options else None,
            placeholder="Not recognised: choose the table", key=f"table_{i}_{version[0][i][:8]}", label_visibility="collapsed",
        ))
    return checked_for(tables) if any(t != c.table for t, c in zip(tables, first)) else first


def _import(checked: list, datas: list[bytes], ready: list, user: Access) -> None:
    try:
        # Each file's audit event is written in the same transaction as its rows.
        results = writes.import_checked(state.engine(), checked, datas, kind="upload", boroughs=user.writable, who=state.who())
    except OutOfScope as exc:
        state.record(audit.IMPORT_REFUSED, str(exc), sum(c.frame.height for c in ready))
        st.error(ui.escape_md(str(exc)))
    except writes.ImportRefused as exc:
        st.error(ui.escape_md(str(exc)))
    else:
        _changed("Imported: " + "; ".join(f"{r.table} {r.new:,} new, {r.changed:,} changed, {r.unchanged:,} unchanged" for r in results))


def review_concerns(user: Access) -> None:
    """Concerns residents sent, waiting for a board member to accept them (then they count) or
    reject them; their words are shown as text only. Only those who may change data review them,
    for their own boroughs."""
    # Read fresh, not cached: a resident may send one at any moment, and this page is no hot path.
    pending = queries.submitted_concerns(state.engine(), boroughs=state.scope())
    if not user.can_import:
        st.caption("Data stewards and administrators review the concerns residents send from the public ward pages.")
        return
    if pending.height == 0:
        st.caption("No concern from the public ward pages is waiting for review.")
        return
    st.caption(f"{pending.height:,} waiting. A concern counts in figures (top concerns, alignment) only once accepted.")
    shown = pending.select(
        pl.col("id").alias("number"), pl.col("submitted_at").dt.strftime("%Y-%m-%d %H:%M").alias("sent"),
        pl.col("ward_name").alias("ward"), "category", pl.col("note").alias("what the resident wrote"),
    )
    ui.table_with_download(shown, file_name="concerns_waiting.csv", key="pending_concerns")
    labels = {r["id"]: f"Number {r['id']}: {r['ward_name']}, {r['category']}" for r in pending.iter_rows(named=True)}
    chosen = st.selectbox("Concern to review", list(labels), format_func=labels.get, key="review_concern")
    accept_col, reject_col = st.columns(2)
    decision = None
    if accept_col.button("Accept: it counts", key="accept_concern"):
        decision = True
    if reject_col.button("Reject: it never counts", key="reject_concern"):
        decision = False
    if decision is None or chosen is None:
        return
    try:
        done = writes.review_concern(state.engine(), int(chosen), accept=decision, now=dt.datetime.now(), boroughs=user.writable,
                                     who=state.who(), label=labels[chosen])
    except OutOfScope as exc:
        st.error(ui.escape_md(str(exc)))
        st.stop()
    except Exception as exc:  # no traceback reaches a user
        st.error(f"The concern could not be updated ({ui.escape_md(type(exc).__name__)}); nothing was changed.")
        st.stop()
    word = "accepted" if decision else "rejected"
    _changed(f"Concern number {chosen} {word}." if done else f"Concern number {chosen} had already been reviewed.")


def history() -> pl.DataFrame:
    """Every import batch, newest first, with what it changed and whether it was undone."""
    return state.import_batches().select(
        "imported_at", "table_name", "kind", "file_name", "rows_new", "rows_changed", "rows_unchanged", "undone_at", "checksum", "id"
    )


def undo_last(user: Access) -> None:
    """The choice of a table and the button that undoes its last import."""
    table = st.selectbox("Undo the last import of", list(TABLES), index=None, placeholder="Choose a table", key="undo_table")
    if not (table and st.button("Undo last import", key="undo")):
        return
    try:
        deleted, restored, name = writes.undo_last(state.engine(), table, boroughs=user.writable, who=state.who())
    except (writes.ImportRefused, OutOfScope) as exc:
        st.error(ui.escape_md(str(exc)))
    else:
        _changed(f"Undid the import into {table}: {deleted:,} rows removed, {restored:,} rows restored.")


# --- A resident's concern, from the public ward page ---
_RESET, _THANKS = "_concern_reset", "_concern_flash"


def before_concern_form() -> None:
    """After a concern was sent: empty the form and thank the resident."""
    if st.session_state.pop(_RESET, False):
        # Set, not deleted: the browser keeps a deleted widget's old value on screen.
        st.session_state["concern_category"] = None
        st.session_state["concern_text"] = ""
    if thanks := st.session_state.pop(_THANKS, None):
        st.success(thanks)


def send_concern(ward_code: str, ward_name: str, category: str | None, text: str) -> None:
    """Check a resident's concern and store it as pending (a few an hour from one client, counted
    in the database); then rerun with the form emptied, or say plainly why it was not sent. A busy
    ward still takes it, to wait for review."""
    now = dt.datetime.now()
    engine = state.engine()
    why = cf.problem(category, text)
    busy = False
    if why is None:
        try:
            key = state.form_client_key()
            why = cf.rate_problem(writes.submissions_since(engine, client_key=key, since=now - cf.WINDOW))
            if why is None:
                busy = cf.ward_busy(writes.submissions_since(engine, ward_code=ward_code, since=now - cf.WINDOW))
                writes.submit_concern(engine, ward_code=ward_code, category=category, text_=cf.clean(text), now=now, client_key=key)
        except Exception:  # no traceback reaches a resident
            why = "Sorry, your concern could not be saved just now. Nothing was sent; please try again later."
    if why:
        st.error(why)
        return
    st.session_state[_RESET] = True
    st.session_state[_THANKS] = (
        f"Thank you. Your concern was sent to the {ward_name} ward panel on {uk_date(now.date())}. "
        "A board member will read it before it counts." + (f" {cf.BUSY_NOTE}" if busy else "")
    )
    st.rerun()
