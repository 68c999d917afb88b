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
import math

import polars as pl
import streamlit as st

from dashboard.app import state, ui
from dashboard.app.access import Access
from dashboard.domain import imports, periods, policeuk
from dashboard.domain.contract import TABLES
from dashboard.domain.formatting import uk_date, uk_datetime
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


UPLOADS = "data_uploads"  # imports made in this session: part of the uploader's key, so an import empties it
RESULT = "data_import_result"  # what the last import did: shown under the empty uploader until new files are chosen


def upload_limit_mb() -> float:
    """The size of one file the uploader takes: the importer's limit (imports.max_megabytes, whose
    default .streamlit/config.toml repeats as server.maxUploadSize), never above the server's own."""
    return min(imports.max_megabytes(), float(st.get_option("server.maxUploadSize")))


SOURCES = {"csv": "CSV files (from the templates, or police.uk street-level crime)", "policeuk": "A police.uk neighbourhood file (JSON)"}


def upload_check_import(user: Access) -> None:
    """The uploader, then for the files given: the problems found, what an import would change, and the Import button."""
    limit_mb = upload_limit_mb()
    source = st.radio("What to upload", list(SOURCES), format_func=SOURCES.get, horizontal=True, key="upload_source")
    if source == "policeuk":
        policeuk_upload(user, limit_mb)
        return
    uploads = st.file_uploader(
        f"Upload one or several CSV files (up to {limit_mb:g} MB each)", type=["csv"],
        accept_multiple_files=True, key=f"upload_{st.session_state.get(UPLOADS, 0)}",
        max_upload_size=max(1, math.ceil(limit_mb)),
        help="A police.uk street-level crime file (YYYY-MM-metropolitan-street.csv) is recognised by its header and "
             "counted by 2022 ward, month and crime type; its notes list every record not counted.",
    )
    _own_boroughs(user)
    if not uploads:
        _last_result("Choose CSV files to check them. Start from a template so the column names match.")
        return
    st.session_state.pop(RESULT, None)  # new files: the last import's result has been read
    limit = int(limit_mb * 1024 * 1024)
    names, datas, too_big = [], [], []
    for f in uploads:
        if problem := imports.size_problem(f.name, f.size, limit):  # before reading the bytes
            too_big.append(problem)
            continue
        names.append(f.name)
        datas.append(f.getvalue())
    _report_and_import(_check(names, datas), datas, user, too_big=too_big)


def _own_boroughs(user: Access) -> None:
    if user.writable is not None:
        names = dict(state.table("boroughs").select("borough_code", "borough_name").iter_rows())
        st.caption("You may import rows for " + ", ".join(sorted(names.get(c, c) for c in user.writable))
                   + " only; a file with a row for another borough is refused whole.")


def _last_result(otherwise: str) -> None:
    """Under an empty uploader: what the last import did (until new files are chosen), else how to start."""
    if result := st.session_state.get(RESULT):
        for level, message in result:
            (st.success if level == "success" else st.info)(message)
    else:
        st.info(otherwise)


def policeuk_upload(user: Access, limit_mb: float) -> None:
    """A saved police.uk priorities or events response: the neighbourhood id and what it holds are
    chosen here; then the same checks, preview and Import as a CSV file. A neighbourhood id that is
    no 2022 ward imports nothing, and is kept with the import history."""
    upload = st.file_uploader(
        f"Upload a police.uk response saved as JSON (up to {limit_mb:g} MB)", type=["json"],
        key=f"policeuk_{st.session_state.get(UPLOADS, 0)}", max_upload_size=max(1, math.ceil(limit_mb)),
        help="The answer of data.police.uk/api/metropolitan/<neighbourhood id>/priorities (or /events), saved as a file.",
    )
    id_col, kind_col = st.columns(2)
    neighbourhood = id_col.text_input(
        "police.uk neighbourhood id", key="policeuk_neighbourhood", max_chars=100,
        help="For most Met teams it is the 2022 ward code, e.g. E05014053, as in the address the file was saved from.",
    ).strip()
    kind = kind_col.radio("The file holds the neighbourhood's", policeuk.KINDS, horizontal=True, key="policeuk_kind")
    _own_boroughs(user)
    if upload is None:
        _last_result("Choose a saved police.uk response, and say which neighbourhood it is for and what it holds.")
        return
    st.session_state.pop(RESULT, None)
    if not neighbourhood:
        st.info("Give the neighbourhood id the file is for (the ward code in the address it was saved from).")
        return
    if problem := imports.size_problem(upload.name, upload.size, int(limit_mb * 1024 * 1024)):
        _report_and_import([], [], user, too_big=[problem])
        return
    data = upload.getvalue()
    memo = st.session_state.setdefault("policeuk_checked", {})
    key = (hashlib.sha256(data).hexdigest(), upload.name, neighbourhood, kind, len(state.import_batches()))
    if key not in memo:
        memo.clear()
        memo[key] = writes.check_policeuk(state.engine(), data, file=upload.name, kind=kind, neighbourhood=neighbourhood)
    _report_and_import([memo[key]], [data], user, policeuk=(neighbourhood, kind))


def _report_and_import(checked: list, datas: list[bytes], user: Access, *, too_big=(),
                       policeuk: tuple[str, str] | None = None) -> None:
    """The problems of checked files, what an import would change, and the Import button."""
    problems = list(too_big) + [p for c in checked for p in c.problems]
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
    changes = 0
    if mine:
        st.subheader("What the import would change")
        summary = [{"file": c.file, "table": c.table, **imports.diff_counts(writes.preview(engine, c.table, c.frame, absent=c.absent))} for c in mine]
        changes = sum(row[imports.NEW] + row[imports.CHANGED] for row in summary)
        ui.table_with_download(pl.DataFrame(summary), file_name="import_preview.csv", key="preview")
    unmatched = writes.unmatched_items(checked[0]) if policeuk and checked else 0
    if errors:
        st.error("Nothing can be imported until every problem is fixed. Correct the file(s) and upload them again.")
    elif outside:
        st.error(ui.escape_md(" ".join(outside)))
    elif unmatched:
        st.text(f"Nothing in this file can be imported: the neighbourhood id {policeuk[0]} is not a 2022 ward code. "
                "Keep it with the import history, so it can be matched to a ward later.")
        if st.button("Keep it with the import history", type="primary", key="import"):
            _import(checked, datas, ready, user, policeuk=policeuk)
    elif mine and changes == 0:
        st.info("Every row of these files is already in the database, unchanged, so there is nothing to import.")
    elif ready and st.button("Import", type="primary", key="import"):
        _import(checked, datas, ready, user, policeuk=policeuk)


def _check(names: list[str], datas: list[bytes]) -> list:
    """Each file checked against its table: recognised from its header, or chosen here by the user;
    read as UTF-8, or as Windows-1252 if the file is not UTF-8 and the user chooses that here.

    Checking a big file takes a second, so the result is kept for reruns until the files, the
    choices or the database (a new import batch) change.
    """
    engine = state.engine()
    batches = state.import_batches()
    version = (tuple(hashlib.sha256(d).hexdigest() for d in datas), int(batches["id"].max() or 0) if batches.height else 0)
    memo = st.session_state.setdefault("data_checked", {})
    if memo.get("version") != version:
        memo.clear()
        memo["version"] = version

    def checked_for(tables_chosen, encodings):
        key = (tuple(tables_chosen), tuple(encodings))
        if key not in memo:
            memo[key] = writes.check_files(engine, list(zip(names, datas)), list(tables_chosen), boroughs=state.scope(),
                                           encoding=list(encodings))
        return memo[key]

    encodings = [_encoding(i, name, data, version[0][i], memo) for i, (name, data) in enumerate(zip(names, datas))]
    first = checked_for([None] * len(names), encodings)
    tables = []
    for i, (name, c) in enumerate(zip(names, first)):
        options = list(TABLES)
        # The file's name is the user's text: shown as plain text, never in a label Streamlit reads as
        # Markdown (where a name holding an address became a live link).
        st.text(f"Table for {name}")
        tables.append(st.selectbox(
            f"Table for file {i + 1}", options, index=options.index(c.table) if c.table in options else None,
            placeholder="Not recognised: choose the table", key=f"table_{i}_{version[0][i][:8]}_{encodings[i]}",
            label_visibility="collapsed",
        ))
    return checked_for(tables, encodings) if any(t != c.table for t, c in zip(tables, first)) else first


def _encoding(i: int, name: str, data: bytes, digest: str, memo: dict) -> str:
    """UTF-8; or, for a file that is not valid UTF-8, what the user chooses after seeing its first
    such lines read both ways (Windows-1252 is never tried unless they choose it)."""
    preview = memo.setdefault(("preview", digest), imports.encoding_preview(data))
    if preview.height == 0:
        return imports.UTF8
    st.text(f"{name} is not UTF-8 text. Its first lines with bytes UTF-8 does not use, read both ways "
            "(the header is line 1):")
    ui.show_table(preview, key=f"encoding_preview_{i}_{digest[:8]}")
    labels = {imports.UTF8: "UTF-8 (the file is refused)", imports.CP1252: "Windows-1252 (Excel's plain 'CSV')"}
    return st.radio(f"Read file {i + 1} as", list(labels), format_func=labels.get, horizontal=True,
                    key=f"encoding_{i}_{digest[:8]}",
                    help="Choose Windows-1252 if its column shows the text as it should be. The file is then "
                         "checked and previewed as usual before anything is imported.")


def _import(checked: list, datas: list[bytes], ready: list, user: Access, *, policeuk: tuple[str, str] | None = None) -> None:
    extra = []
    try:
        # Each file's audit event is written in the same transaction as its rows.
        if policeuk is None:
            results = writes.import_checked(state.engine(), checked, datas, kind="upload", boroughs=user.writable, who=state.who())
        else:
            neighbourhood, kind = policeuk
            results, unmatched = writes.import_policeuk(state.engine(), checked[0], datas[0], neighbourhood=neighbourhood, kind=kind,
                                                        load="upload", boroughs=user.writable, who=state.who())
            if unmatched:
                extra.append(("info", f"Nothing imported from {ui.escape_md(checked[0].file)}: its {unmatched:,} {kind} are for "
                                      f"neighbourhood {ui.escape_md(neighbourhood)}, which is no 2022 ward. It is kept with "
                                      "the import history below."))
    except OutOfScope as exc:
        state.record(audit.IMPORT_REFUSED, str(exc), sum(c.frame.height for c in ready))
        st.error(ui.escape_md(str(exc)))
    except writes.ImportRefused as exc:
        st.error(ui.escape_md(str(exc)))
    else:
        _imported(results, *extra)


def _imported(results: list, *extra: tuple[str, str]) -> None:
    """After an import: empty the uploader (a second click has nothing to import) and keep what
    the import did on screen below it until new files are chosen."""
    done = [r.describe() for r in results if r.recorded]
    result = [("success", "Imported: " + "; ".join(done))] if done else []
    result += [("info", ui.escape_md(r.describe()) + ".") for r in results if not r.recorded]
    st.session_state[RESULT] = result + list(extra)
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
    state.clear()
    st.rerun()


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


def complete_to_setting(user: Access) -> None:
    """The date the figures are complete to: every page opens on the quarter ending then.

    Shown to everyone; London-wide data stewards and administrators set it, or let it be worked
    out from the data. Rows dated after it are kept (and counted when it moves on).
    """
    complete = state.complete_to()
    if complete is None:
        st.caption("There is no activity data yet.")
        return
    st.write(complete.describe())
    if later := state.rows_after(complete.day):
        st.caption(f"{later:,} row{'s' if later != 1 else ''} dated after {uk_date(complete.day)} "
                   "(meetings, promises, engagement, survey) are kept, and count once the date moves on.")
    if not user.can_set_complete_to:
        return
    first, last = state.data_bounds()
    today = dt.date.today()
    ends = [q for q in periods.quarter_ends(first, max(first, min(last, today))) if q <= today]
    choice = st.selectbox("Figures are complete to", [None, *ends], key="complete_to_choice",
                          format_func=lambda d: "Work it out from the data" if d is None else uk_date(d),
                          help="The last day for which every borough's records are in. Only quarters that have ended are offered.")
    if st.button("Save the date", key="complete_to_save"):
        writes.set_complete_to(state.engine(), choice, who=state.who())
        _changed(f"Figures are now complete to {uk_date(choice)}." if choice else
                 "The date the figures are complete to is now worked out from the data.")


def policeuk_unmatched() -> pl.DataFrame:
    """police.uk files whose neighbourhood id matched no ward, newest first: nothing of them was imported."""
    return state.policeuk_unmatched().select(
        pl.col("seen_at").alias("tried_at"), "neighbourhood", pl.col("kind").alias("holds"), "file_name",
        pl.col("items").alias("items_not_imported"),
    )


def history() -> pl.DataFrame:
    """Every import batch, newest first, with what it changed and whether it was undone."""
    return state.import_batches().select(
        "imported_at", "table_name", "kind", "file_name", "rows_new", "rows_changed", "rows_unchanged", "undone_at", "checksum", "id"
    )


UNDO_ASKED = "undo_asked"  # the batch the user asked to undo, waiting for their confirmation


def undo_last(user: Access) -> None:
    """The choice of a table, the import undo would take back (file, time, who, rows), and a
    confirmation before anything is undone."""
    table = st.selectbox("Undo the last import of", list(TABLES), index=None, placeholder="Choose a table", key="undo_table")
    if not table:
        st.session_state.pop(UNDO_ASKED, None)
        return
    last = writes.last_import(state.engine(), table)
    if last is None:
        st.caption(f"There is no import of {table} to undo.")
        return
    if not last.within(state.scope()):
        # Another borough's import: its file and who made it are that borough's business.
        st.caption(f"The last import of {table} changed rows outside the boroughs you may change, so you cannot undo it. "
                   "Ask an administrator.")
        return
    what = describe_import(last)
    if not last.undoable:
        st.caption(f"The last load of {table} is {what}. It cannot be undone here: only uploads and command-line imports can.")
        return
    st.text(f"The last import of {table} is {what}.")  # a file name is the user's text: never Markdown
    asked = st.session_state.get(UNDO_ASKED)
    if asked != (table, last.batch_id):
        if st.button("Undo this import", key="undo"):
            st.session_state[UNDO_ASKED] = (table, last.batch_id)
            st.rerun()
        return
    st.warning(f"Undo it? {_undo_effect(last)} The import stays in the history, marked as undone.")
    yes, no = st.columns(2)
    if no.button("No, keep it", key="undo_cancel"):
        st.session_state.pop(UNDO_ASKED, None)
        st.rerun()
    if not yes.button("Yes, undo it", type="primary", key="undo_confirm"):
        return
    st.session_state.pop(UNDO_ASKED, None)
    try:
        deleted, restored, name = writes.undo_last(state.engine(), table, boroughs=user.writable, who=state.who(),
                                                   batch_id=last.batch_id)
    except (writes.ImportRefused, OutOfScope) as exc:
        st.error(ui.escape_md(str(exc)))
    else:
        st.session_state.pop(RESULT, None)  # the import it reported is undone
        _changed(f"Undid the import of {ui.escape_md(name)} into {table}: {deleted:,} rows removed, {restored:,} rows restored.")


def describe_import(last: writes.LastImport) -> str:
    """'meetings.csv, imported on 3 November 2025 at 14:05 by steward@example.org: 4 new rows and 1 changed row'."""
    who = f"by {last.imported_by}" if last.imported_by else "(who made it was not recorded)"
    rows = f"{last.new:,} new row{'s' if last.new != 1 else ''} and {last.changed:,} changed row{'s' if last.changed != 1 else ''}"
    return f"{last.file_name}, imported on {uk_datetime(last.imported_at)} {who}: {rows}"


def _undo_effect(last: writes.LastImport) -> str:
    parts = []
    if last.new:
        parts.append(f"the {last.new:,} row{'s' if last.new != 1 else ''} it added will be removed")
    if last.changed:
        parts.append(f"the {last.changed:,} row{'s' if last.changed != 1 else ''} it changed will be put back as they were")
    return (" and ".join(parts) or "nothing will change").capitalize() + "."


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
