"""The Safer Neighbourhood Board: its membership against the borough, its meetings with the Borough
Commander, the commanders' churn, the panels linked to it, and its grant and spend."""

import streamlit as st

from dashboard.app import ui, views
from dashboard.domain.formatting import uk_date
from dashboard.figures import board as bd
from dashboard.figures import diversity as dv

ui.run_through_app()
sel = ui.page(
    "Safer Neighbourhood Board",
    "The board that oversees the ward panels: who sits on it against the borough it speaks for, whether the "
    "Borough Commander comes to its meetings, how often the commander changes, and its grant and spend.",
    filters=True,
)
exact = ui.exact_counts()
bv = views.view(bd.board_view, sel)
shown = bv if exact else bv.safe  # what this user's screen shows; every member-derived download is bv.safe
period, day = sel.period, sel.as_of
slug = f"{bv.area.code or 'london'}_{day}"

if not bv.boroughs:
    st.info("This area is the City of London, policed by City of London Police: it has no Safer Neighbourhood Board in the Met's scheme.")
    ui.sources_footer()
    st.stop()

st.subheader(f"{bv.place}: the board on {uk_date(day)}" if bv.one else f"{bv.place}: the boards by borough on {uk_date(day)}")
if sel.area.level == "ward":
    st.caption(f"A ward has no board of its own: this is the board of its borough, {bv.place}.")
st.warning(
    "**Restricted: member-level data.** "
    + ("This screen shows exact counts of board members, including small ones. Do not copy small counts out of the app. " if exact
       else "Counts of 1 to 4 board members are shown as \"fewer than 5\" (or \"withheld\"), as in a download. ")
    + "Downloads of board membership protect small counts the same way and are recorded in the audit log."
)
if bv.safe.problem:
    st.error("The board membership figures cannot be shown or downloaded for this date without revealing small counts: "
             + bv.safe.problem + ".")
    if not exact:
        st.stop()

cols = st.columns(4)
cols[0].metric("Board members", shown.members_text, help=f"Members on {uk_date(day)}: joined on or before it and not yet left.")
cols[1].metric("Board meetings in the period", f"{int(bv.meetings['meetings'].sum()):,}", help=period.label)
cols[2].metric("Commander changes in the period", f"{int(bv.changes['changes'].sum()):,}",
               help="Borough Commanders who started in the period.")
cols[3].metric("Funding spent", bv.spent_text(),
               help="Spent over all funding, for the financial years (April to March) that overlap the period.")

st.markdown("#### Membership against the borough")
st.caption(
    "Board members on the day against the borough's Census 2021 profile: ethnic group against residents of all ages "
    "(children included), age against residents aged 16 and over, each borough the sum of its wards. The same "
    "statistics as the panels: the index of dissimilarity, and the whole mix tested against a board of the same size "
    "drawn at random from the borough's residents (exact multinomial), the tests corrected together "
    f"(Benjamini-Hochberg, false-discovery rate {dv.LEVEL:.0%})."
)
st.write(shown.differing_finding() + ".")
if bv.one:
    for dim in bv.dims:
        st.plotly_chart(shown.profile_chart(dim), key=f"board_chart_{dim.key}")
        st.caption(f"Borough shares: {dim.base}. " + shown.chance_sentence(dim))
        ui.table_with_protected_download(bv.profile(dim), bv.safe.profile(dim), file_name=f"board_{dim.key}_{slug}.csv", key=f"board_profile_{dim.key}")
    st.markdown("#### Members by role")
    ui.table_with_protected_download(bv.role_table(), bv.safe.role_table(), file_name=f"board_roles_{slug}.csv", key="board_roles")
else:
    st.markdown("#### Every board, by borough")
    ui.table_with_protected_download(bv.boards_table(), bv.safe.boards_table(), file_name=f"boards_{slug}.csv", key="boards")

st.markdown("#### Panels with their chair on the board")
st.write(shown.links_finding() + ".")
st.caption("A panel open on the day whose ward is represented on the board by a member with the role \"panel chair\".")

st.markdown("#### Board meetings and the Borough Commander")
st.plotly_chart(bv.meetings_chart(), key="board_meetings_chart")
ui.table_with_download(bv.meeting_list, file_name=f"board_meetings_{slug}.csv", key="board_meetings")

st.markdown("#### Borough Commanders")
if bv.commanders is not None:
    st.plotly_chart(bv.commanders_chart(), key="board_commanders_chart")
    st.caption("Each commander up to the period's end, latest first, with the board meetings held while they were in post "
               "and how many of them they attended.")
    ui.table_with_download(bv.commanders, file_name=f"borough_commanders_{slug}.csv", key="board_commanders")
else:
    st.write(bv.commanders_finding() + ".")

st.markdown("#### Grant and spend")
st.plotly_chart(bv.funding_chart(), key="board_funding_chart")
ui.table_with_download(bv.funding_table, file_name=f"board_funding_{slug}.csv", key="board_funding")

with st.expander("How these figures are worked out"):
    st.markdown(bd.__doc__.split("Definitions (the page states each in plain words):", 1)[1].split("Member-derived figures", 1)[0])
ui.sources_footer()
