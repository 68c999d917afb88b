"""About the figures: every published figure's definition, and the data sources."""

import streamlit as st

from dashboard.app import ui
from dashboard.figures import definitions

ui.run_through_app()
ui.page("About the figures")
st.markdown(
    "Every figure in the Ward Panel Monitor is defined here in plain words. Figures count only "
    "wards policed by the Metropolitan Police: the City of London's 25 wards are policed by "
    "City of London Police and are outside the Met's ward panel scheme."
)
for name, text in definitions.DEFINITIONS.items():
    st.markdown(f"**{name}.** {text}")
ui.sources_footer()
