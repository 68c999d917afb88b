"""Audit log: every import, undo and download of member-level data, for administrators."""

import streamlit as st

from dashboard.app import state, ui

ui.run_through_app()
ui.page("Audit log", "Who imported, undid or downloaded member-level data, when, what and how many rows; newest first.")
user = state.access()
if user is None or not user.is_admin:
    st.error("Only administrators may read the audit log.")
    st.stop()
events = state.audit_events()
if events.is_empty():
    st.info("Nothing has been recorded yet.")
else:
    # "action" is a remedy plan's action elsewhere; here it is what was done (import, undo, download).
    ui.table_with_download(events.rename({"action": "event"}), file_name="audit_log.csv", key="audit",
                           label="Download the audit log (CSV)")
