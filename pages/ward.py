"""Your ward panel: a read-only page for residents, one address per ward.

Public: when sign-in is configured this page stays open (PageSpec.public). It shows only what a
panel makes public (dashboard.figures.public_ward): no member data, no counts of people, nothing marked
internal. Residents may raise a concern; it is stored as pending until a board member accepts it.
"""

import datetime as dt

import streamlit as st

from dashboard.app import data_steward as steward
from dashboard.app import state, ui
from dashboard.domain import vocabulary as v
from dashboard.figures import concern_form as cf
from dashboard.figures import public_ward as pw

ui.run_through_app()
ui.page(
    "Your ward panel",
    "Each London ward has a ward panel: local people who agree the ward's policing promises with its "
    "Dedicated Ward Officers and tell residents what came of them. Find your ward to see them.",
    public=True,
)

wards = state.public_table("wards")
choices = pw.ward_choices(wards)
codes = list(choices)
# A link per ward: /ward?ward=E05014053. The address sets the choice when it changes; a choice
# made here is written back to the address, so it can be copied and shared.
asked = st.query_params.get("ward")
if asked != st.session_state.get("_public_ward_asked"):
    st.session_state["_public_ward_asked"] = asked
    if asked in choices:
        st.session_state["public_ward"] = asked
ward_code = st.selectbox(
    "Find your ward", codes, index=None, format_func=choices.get, key="public_ward",
    placeholder="Type the name of your ward", help="Type part of the name to search. Wards are the 2022 wards.",
)
if ward_code is None:
    if asked and asked not in choices:
        city = wards.filter((wards["ward_code"] == asked) & (wards["police_force"] != "Metropolitan Police Service")).height
        st.info(
            "That ward is in the City of London, which is policed by City of London Police and has no Met ward panel."
            if city else "We could not find that ward. Please choose your ward from the list."
        )
    else:
        st.info("Choose your ward to see its panel's promises, meetings and how to get involved.")
    st.stop()
if st.query_params.get("ward") != ward_code:
    st.query_params["ward"] = ward_code
    st.session_state["_public_ward_asked"] = ward_code

today = dt.date.today()
page = pw.ward_page(wards, state.public_table("panels"), state.public_table("meetings"), state.public_ward_promises(ward_code), ward_code, today,
                    engagement=state.public_table("engagement"), dwo=state.public_table("dwo_assignments"))
st.header(f"{page.ward_name}, {page.borough_name}")
if state.is_sample():
    st.warning("This is sample data, invented to show how the page works: these are not this ward's real promises.")

st.subheader("How to get involved")
if not page.has_panel:
    st.markdown("This ward has no ward panel at the moment. Your borough's Safer Neighbourhood Board is working on it, "
                "and you can still raise a concern below.")
elif page.contact:
    st.text(page.contact)  # as the board entered it: shown as text, never as markdown or HTML
else:
    st.markdown("The panel has not published a contact yet. You can raise a concern below, or ask your ward officers "
                "at their next contact session.")

st.subheader("When the panel meets")
last, following = page.meetings_text
st.markdown(f"{last} {following}")

# Each event, officer and promise as a line of text rather than a table, so it reads whole on a
# phone. What a board entered is escaped: shown as typed, never as markdown.
e = ui.escape_md


def sentence(text: str | None) -> str:
    """A board's words ending as a sentence: 'Reports fell' -> 'Reports fell.'; nothing stays nothing."""
    text = (text or "").strip()
    return text if not text or text[-1] in ".!?" else text + "."


st.subheader("Coming up in the next three months")
if page.upcoming.height:
    st.caption("Panel meetings, contact sessions and other events you can come to, as the board has entered them.")
    st.markdown("\n".join(f"- **{e(r['Date'])}**: {e(r['What'])}" + (f", {e(r['Where'])}" if r["Where"] else "")
                          for r in page.upcoming.iter_rows(named=True)))
else:
    st.markdown("No panel meeting or event has been entered for the next three months yet. Ask your ward officers, or "
                "look again later.")

st.subheader("Your ward officers")
if page.officers.height:
    st.markdown("\n".join(f"- {e(r['Role'])}, in post since {e(r['In post since'])}" for r in page.officers.iter_rows(named=True)))
else:
    st.markdown("No ward officer in post is recorded for this ward at the moment.")

st.subheader("What the panel has promised")
if page.promises.height:
    st.markdown("\n".join(f"- **{e(r['About'])}**: {e(r['Our promise'])} (set on {e(r['Set on'])})"
                          for r in page.promises.iter_rows(named=True)))
else:
    st.markdown("The panel has no open promises at the moment.")

st.subheader("You said, we did")
if page.done.height:
    st.caption("Promises the panel has closed, and what it told residents came of them.")
    st.markdown("\n".join(
        f"- **{e(r['About'])}**: {e(r['We promised'])}  \n  **{e(r['What happened'])}.** {e(sentence(r['What we did']))} "
        f"Told residents on {e(r['Told residents on'])}." for r in page.done.iter_rows(named=True)))
else:
    st.markdown("The panel has not yet published the outcome of any promise.")

st.subheader("Raise a concern with the panel")
st.caption(
    "You do not need to give your name: please leave out names, addresses and phone numbers. A board member reads each "
    "concern before it counts towards the panel's priorities. This is not a way to report a crime: call 999 in an "
    "emergency, or 101."
)
steward.before_concern_form()  # empties the form after a concern was sent, and thanks the resident
with st.form("concern_form"):
    category = st.selectbox("What is it about?", v.CATEGORIES, index=None, placeholder="Choose a category",
                            format_func=lambda c: c[0].upper() + c[1:], key="concern_category")
    # No max_chars on the widget: Streamlit would silently cut longer text; the check below
    # refuses it with a message instead, so nothing is stored that the resident did not see.
    text = st.text_area(f"Your concern ({cf.MAX_CHARS} characters at most)", key="concern_text",
                        placeholder="For example: cars speeding on the road by the primary school at home time")
    sent = st.form_submit_button("Send to the ward panel", type="primary")
if sent:
    steward.send_concern(ward_code, page.ward_name, category, text)
ui.sources_footer()
