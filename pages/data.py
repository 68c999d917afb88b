"""Data: templates, CSV upload with validation, a preview of changes, import history and undo (issue #7)."""

import datetime as dt
import hashlib

import polars as pl
import streamlit as st

from dashboard.app import state, ui
from dashboard.domain import imports
from dashboard.domain.contract import TABLES
from data_access import access_checks, audit, writes
from data_access.access_checks import OutOfScope

ui.run_through_app()

st.title("Data")
st.caption(
    "Load your panel records from spreadsheets saved as CSV. Every file is checked first: nothing is "
    "written until all its rows pass, and the last import of each table can be undone."
)
engine = state.engine()
user = state.access()  # issue #10: only data stewards (their boroughs) and administrators import

if flash := st.session_state.pop("data_flash", None):
    st.success(flash)

with st.expander("Templates: one CSV file per table, with example rows"):
    cols = st.columns(3)
    for i, name in enumerate(TABLES):
        cols[i % 3].download_button(f"{name}.csv", writes.template(name), file_name=f"{name}.csv", mime="text/csv",
                                    key=f"template_{name}")

limit = imports.max_bytes()
if not user.can_import:
    st.info("Your role lets you read the data, not change it: imports are for data stewards and administrators.")
    uploads = None
else:
    uploads = st.file_uploader(
        f"Upload one or several CSV files (up to {limit // (1024 * 1024)} MB each)", type=["csv"],
        accept_multiple_files=True, key="upload",
    )
    if user.writable is not None:
        names = dict(state.table("boroughs").select("borough_code", "borough_name").iter_rows())
        st.caption("You may import rows for " + ", ".join(sorted(names.get(c, c) for c in user.writable))
                   + " only; a file with a row for another borough is refused whole.")
if not user.can_import:
    pass
elif not uploads:
    st.info("Choose CSV files to check them. Start from a template so the column names match.")
else:
    names, datas, tables, too_big = [], [], [], []
    for f in uploads:
        if problem := imports.size_problem(f.name, f.size, limit):  # before reading the bytes
            too_big.append(problem)
            continue
        data = f.getvalue()
        names.append(f.name)
        datas.append(data)
    # Which table each file holds: recognised from its header, or the user's choice. Checking a
    # big file takes a second, so the result is kept for reruns until the files, the choices or
    # the database (a new import batch) change.
    batches = state.import_batches()
    version = (tuple(hashlib.sha256(d).hexdigest() for d in datas), int(batches["id"].max() or 0) if batches.height else 0)

    def checked_for(tables_chosen):
        memo = st.session_state.setdefault("data_checked", {})
        if memo.get("version") != version:
            memo.clear()
            memo["version"] = version
        key = tuple(tables_chosen)
        if key not in memo:
            memo[key] = writes.check_files(engine, list(zip(names, datas)), list(tables_chosen))
        return memo[key]

    first = checked_for([None] * len(names))
    for i, (name, c) in enumerate(zip(names, first)):
        options = list(TABLES)
        chosen = st.selectbox(
            f"Table for {ui.escape_md(name)}", options, index=options.index(c.table) if c.table in options else None,
            placeholder="Not recognised: choose the table", key=f"table_{i}_{version[0][i][:8]}",
        )
        tables.append(chosen)
    checked = checked_for(tables) if any(t != c.table for t, c in zip(tables, first)) else first
    problems = too_big + [p for c in checked for p in c.problems]
    errors = [p for p in problems if p.severity == imports.ERROR]
    if problems:
        n_errors = len(errors) + sum(c.unlisted for c in checked)  # every problem, though the report lists the first
        st.subheader(f"{n_errors:,} problem{'s' if n_errors != 1 else ''} to fix"
                     + (f", {len(problems) - len(errors):,} note{'s' if len(problems) - len(errors) != 1 else ''}"
                        if len(problems) > len(errors) else ""))
        st.caption("Rows are numbered as a spreadsheet shows them: the header is row 1. Notes do not stop an import.")
        ui.table_with_download(imports.problem_frame(problems), file_name="import_problems.csv", key="problems",
                               label="Download the problem report (CSV)")
    ready = [c for c in checked if c.ok and c.frame.height]
    if ready:
        st.subheader("What the import would change")
        summary = []
        for c in ready:
            counts = imports.diff_counts(writes.preview(engine, c.table, c.frame))
            summary.append({"file": c.file, "table": c.table, **counts})
        ui.table_with_download(pl.DataFrame(summary), file_name="import_preview.csv", key="preview")
    # issue #10: say before the Import button if a file reaches outside the user's boroughs (the
    # import itself refuses it again in data_access, whatever the page shows).
    outside = []
    for c in ready:
        try:
            access_checks.require_within(c.frame, user.writable, engine, file=c.file)
        except OutOfScope as exc:
            outside.append(str(exc))
    if errors:
        st.error("Nothing can be imported until every problem is fixed. Correct the file(s) and upload them again.")
    elif outside:
        st.error(ui.escape_md(" ".join(outside)))
    elif ready and st.button("Import", type="primary", key="import"):
        try:
            results = writes.import_checked(engine, checked, datas, kind="upload", boroughs=user.writable)
        except OutOfScope as exc:
            state.record(audit.IMPORT_REFUSED, str(exc), sum(c.frame.height for c in ready))
            st.error(ui.escape_md(str(exc)))
        except writes.ImportRefused as exc:
            st.error(ui.escape_md(str(exc)))
        else:
            for r in results:
                file = next((c.file for c in ready if c.table == r.table), r.table)
                state.record(audit.IMPORT, f"{file} into {r.table} (batch {r.batch_id}): {r.new:,} new, "
                             f"{r.changed:,} changed, {r.unchanged:,} unchanged", r.new + r.changed + r.unchanged)
            state.clear()
            st.session_state["data_flash"] = "Imported: " + "; ".join(
                f"{r.table} {r.new:,} new, {r.changed:,} changed, {r.unchanged:,} unchanged" for r in results)
            st.rerun()

# issue #11: concerns residents sent from the public ward page wait here until a board member
# accepts them (then they count) or rejects them. Their words are shown as text only. Only those
# who may change data review them, for their own boroughs (issue #10).
st.subheader("Concerns sent by residents, waiting for review")
pending = state.pending_concerns()
if not user.can_import:
    st.caption("Data stewards and administrators review the concerns residents send from the public ward pages.")
elif pending.height == 0:
    st.caption("No concern from the public ward pages is waiting for review.")
else:
    st.caption(f"{pending.height:,} waiting. A concern counts in figures (top concerns, alignment) only once accepted.")
    shown = pending.select(
        pl.col("id").alias("number"), pl.col("submitted_at").dt.strftime("%Y-%m-%d %H:%M").alias("sent"),
        pl.col("ward_name").alias("ward"), "category", pl.col("note").alias("what the resident wrote"),
    )
    ui.table_with_download(shown, file_name="concerns_waiting.csv", key="pending_concerns")
    labels = {r["id"]: f"Number {r['id']}: {r['ward_name']}, {r['category']}" for r in pending.iter_rows(named=True)}
    chosen_concern = st.selectbox("Concern to review", list(labels), format_func=labels.get, key="review_concern")
    accept_col, reject_col = st.columns(2)
    decision = None
    if accept_col.button("Accept: it counts", key="accept_concern"):
        decision = True
    if reject_col.button("Reject: it never counts", key="reject_concern"):
        decision = False
    if decision is not None and chosen_concern is not None:
        try:
            done = writes.review_concern(engine, int(chosen_concern), accept=decision, now=dt.datetime.now(), boroughs=user.writable)
        except OutOfScope as exc:
            st.error(ui.escape_md(str(exc)))
            st.stop()
        except Exception as exc:  # no traceback reaches a user
            st.error(f"The concern could not be updated ({ui.escape_md(type(exc).__name__)}); nothing was changed.")
            st.stop()
        if done:
            state.record(audit.CONCERN_REVIEW, f"concern {chosen_concern} ({labels[chosen_concern]}) "
                         f"{'accepted' if decision else 'rejected'}", 1)
        state.clear()
        st.session_state["data_flash"] = (
            f"Concern number {chosen_concern} {'accepted' if decision else 'rejected'}." if done
            else f"Concern number {chosen_concern} had already been reviewed."
        )
        st.rerun()

st.subheader("Import history")
history = state.import_batches().select(
    "imported_at", "table_name", "kind", "file_name", "rows_new", "rows_changed", "rows_unchanged", "undone_at", "checksum", "id"
)
ui.table_with_download(history, file_name="import_history.csv", key="history")
undo_table = None
if user.can_import:
    undo_table = st.selectbox("Undo the last import of", list(TABLES), index=None, placeholder="Choose a table",
                              key="undo_table")
if undo_table and st.button("Undo last import", key="undo"):
    try:
        deleted, restored, name = writes.undo_last(engine, undo_table, boroughs=user.writable)
    except (writes.ImportRefused, OutOfScope) as exc:
        st.error(ui.escape_md(str(exc)))
    else:
        state.record(audit.UNDO, f"the last import of {undo_table} ({name})", deleted + restored)
        state.clear()
        st.session_state["data_flash"] = (f"Undid the import into {undo_table}: {deleted:,} rows removed, "
                                          f"{restored:,} rows restored.")
        st.rerun()
ui.sources_footer()
