"""Data: templates, CSV upload with validation, a preview of changes, import history and undo.

The steps themselves (checking, previewing, importing, undoing, reviewing concerns) are in
dashboard/app/data_steward.py; this page lays them out.
"""

import streamlit as st

from dashboard.app import data_steward as steward
from dashboard.app import state, ui
from dashboard.domain.contract import TABLES

ui.run_through_app()
ui.page(
    "Data",
    "Load your panel records from spreadsheets saved as CSV. Every file is checked first: nothing is "
    "written until all its rows pass, and the last import of each table can be undone.",
)
user = state.access()  # Only data stewards (their boroughs) and administrators import
steward.show_flash()

with st.expander("Templates: one CSV file per table, with example rows"):
    cols = st.columns(3)
    for i, name in enumerate(TABLES):
        cols[i % 3].download_button(f"{name}.csv", steward.template(name), file_name=f"{name}.csv", mime="text/csv",
                                    key=f"template_{name}")

if user.can_import:
    steward.upload_check_import(user)
else:
    st.info("Your role lets you read the data, not change it: imports are for data stewards and administrators.")

# Concerns residents sent from the public ward page wait here until a board member
# accepts them (then they count) or rejects them.
st.subheader("Concerns sent by residents, waiting for review")
steward.review_concerns(user)

st.subheader("Figures complete to")
steward.complete_to_setting(user)

st.subheader("Import history")
ui.table_with_download(steward.history(), file_name="import_history.csv", key="history")
if (unmatched := steward.policeuk_unmatched()).height:
    st.caption("police.uk files whose neighbourhood id is no 2022 ward code: nothing of them was imported. "
               "Upload each again with the ward's code once you know it.")
    ui.table_with_download(unmatched, file_name="policeuk_unmatched.csv", key="policeuk_unmatched")
if user.can_import:
    steward.undo_last(user)
ui.sources_footer()
