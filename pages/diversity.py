"""Membership and diversity: each panel's active members against its ward's Census 2021 profile."""

import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import areas
from dashboard.domain.formatting import count, uk_date
from dashboard.figures import diversity as dv
from dashboard.figures import diversity_view as view

ui.run_through_app()
sel = ui.page(
    "Membership and diversity",
    "How far each ward panel's members are from the people of the ward they speak for, by ethnic "
    "group and age, and which sectors sit on the panel.",
    filters=True,
)
exact = ui.exact_counts()
st.warning(
    "**Restricted: member-level data.** "
    + ("This screen shows exact counts, including small ones, for the boroughs your role covers. Do not copy small counts "
       "out of the app. " if exact else "Counts of 1 to 4 are shown as \"fewer than 5\" (or \"withheld\"), as in a download. ")
    + "Downloads show counts of 1 to 4 as \"fewer than 5\", withhold any figure that would reveal them, and are recorded in the audit log."
)
area, period, day = sel.area, sel.period, sel.as_of
wards = state.table("wards")
d = views.diversity(sel)
av = views.view(view.area_view, sel)  # this area's tables, cached per area and day
shown = av if exact else av.safe  # what this user's screen shows; every download is av.safe
panels = av.panels
slug = f"{area.code or 'london'}_{day}"

st.subheader(f"{area.name}: members on {uk_date(day)}")
st.caption(
    f"Active members on {uk_date(day)}, the last day of the chosen period ({period.label}): joined on or "
    "before that day, not yet left, on a panel open that day. Ethnic group is compared with all usual "
    "residents of the ward (Census 2021, as published); age with residents aged 16 and over."
)

if not areas.met_wards_in(wards, area).height:
    st.info(
        "This ward is in the City of London, policed by City of London Police, and is outside the Met's "
        "ward panel scheme, so there is no panel membership to compare."
    )
    st.stop()
if panels.is_empty():
    st.info(f"No ward panel was open here on {uk_date(day)}, so there is no membership to compare.")
    ui.sources_footer()
    st.stop()
if av.safe.problem:
    st.error("The membership figures cannot be shown or downloaded for this date without revealing small counts: "
             + av.safe.problem + ". Ask the administrator to check the member records.")
    if not exact:
        st.stop()

cols = st.columns(4)
cols[0].metric("Open panels", count(panels.height), help="Panels open on the day, in Met wards.")
cols[1].metric("Active members", shown.members_text)
cols[2].metric(
    "Diversity gap (0-100)",
    shown.gap_text,
    help="Index of dissimilarity between panel and ward: the share of members who would have to be from a "
    "different group to match the ward. The mean of the ethnic group and age indices (and of panels, for an area).",
)
cols[3].metric(
    "Panels with a group under-represented",
    shown.flagged_text,
    help=f"Panels with at least one group flagged: so few members from it would happen by chance less than "
    f"{dv.LEVEL:.0%} of the time (exact binomial test).",
)
st.caption(
    shown.stated_caption() + " \"Not stated\" is shown as its own row; shares, expected members and the gap are worked "
    "out over the members who stated."
)
if not d.sex_loaded:
    st.info(
        "Sex: no Census 2021 table of sex by ward is loaded, so members' sex is not compared with the ward. "
        "If one is loaded (ward population dimension \"sex\"), the comparison appears here."
    )

if area.level == "ward":
    for dim in d.dims:
        st.markdown(f"#### {dim.label}")
        if dim.key == dv.WHITE.key:
            st.caption(
                "Among White members who gave the detail (White British, White Irish, Gypsy or Irish Traveller, "
                "Roma, Other White), against White residents in the Census detailed table. Members recorded only "
                "as \"White\" count as not stated here."
            )
        st.plotly_chart(shown.profile_chart(dim, shown.profile_title(area.name, dim)), key=f"chart_{dim.key}")
        ui.table_with_protected_download(av.profile(dim), av.safe.profile(dim), file_name=f"diversity_{dim.key}_{slug}.csv", key=f"profile_{dim.key}")
    st.markdown("#### Sector mix")
    st.write(shown.panel_sentence(day))
    ui.table_with_protected_download(av.sector_totals, av.safe.sector_totals, file_name=f"sectors_{slug}.csv", key="sectors")
else:
    st.markdown("#### Groups most under-represented")
    st.plotly_chart(shown.rollup_chart(shown.rollup_finding(area.name)), key="rollup_chart")
    st.caption(
        "Shortfall: members a group would have if every panel matched its ward (members who stated x ward "
        "share), less the members it has. Panels flagged: the group is under-represented on that panel "
        f"beyond chance (exact binomial test at {dv.LEVEL:.0%}); small panels often cannot be flagged either way."
    )
    ui.table_with_protected_download(av.rollup_table, av.safe.rollup_table, file_name=f"diversity_groups_{slug}.csv", key="rollup")

    st.markdown("#### Panels, largest gap first")
    ui.table_with_protected_download(av.panels_table, av.safe.panels_table, file_name=f"diversity_panels_{slug}.csv", key="panels")
    if area.level in ("london", "bcu"):
        st.markdown("#### By borough")
        ui.show_table(shown.borough_table, key="by_borough")

    st.markdown("#### Sector mix")
    flags = st.columns(4)
    flags[0].metric("Panels with no resident member", shown.no_resident)
    flags[1].metric("Panels with no business member", shown.no_business)
    flags[2].metric("Councillor-led panels", shown.councillor_led)
    flags[3].metric("Membership not reviewed in 12 months", shown.stale, help="Including panels with no review recorded.")
    ui.table_with_protected_download(av.sector_totals, av.safe.sector_totals, file_name=f"sectors_{slug}.csv", key="sectors")
    with st.expander("Members by sector for each panel"):
        ui.table_with_protected_download(av.sector_table, av.safe.sector_table, file_name=f"sectors_by_panel_{slug}.csv", key="sectors_by_panel")

with st.expander("How these figures are worked out"):
    st.markdown(
        f"""
- **Active members**: joined on or before {uk_date(day)} and not yet left, on a panel open that day.
- **Ward share**: the ward's Census 2021 count for a group over the total of the same table. Ethnic group
  uses all usual residents, as ONS publishes it; age uses residents aged 16 and over, since panels are adult
  bodies. Census counts carry deliberate noise and tables do not always add up, so each share uses its own
  table's total. Members recorded with a detailed ONS ethnic group are counted in its high-level group.
- **"Not stated"** is its own row. Panel shares, expected members, the test and the gap use the members who
  stated; how many did is shown above.
- **Expected members** = members who stated x ward share; **ratio** = actual / expected (1 is in proportion).
- **Index of dissimilarity** (0 to 100) = half the sum of the differences between panel and ward shares: the
  share of members who would have to be from another group for the panel to match its ward.
  **Diversity gap** = the mean of the ethnic group and age indices (and sex, once a Census sex table by ward
  is loaded); for an area, the mean over its panels.
- **Under-represented**: fewer members of a group than expected, so few that it would happen less than
  {dv.LEVEL:.0%} of the time if members were drawn at random from the ward (exact binomial test, one group at a
  time). Where even no members of the group would not be that unlikely, the verdict is "too few members to
  say". Chi-square tests are not used: they are not valid at panel sizes of 8 to 15.
- **Councillor-led**: the chair on the day is a councillor member, or the panel records a councillor chair.
"""
    )
ui.sources_footer()
