"""Membership and diversity: each panel's active members against its ward's Census 2021 profile."""

import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import areas
from dashboard.domain.formatting import count, pct, uk_date
from dashboard.figures import diversity as dv
from dashboard.figures import diversity_view as view

ui.run_through_app()
sel = ui.page(
    "Membership and diversity",
    "How far each ward panel's members are from the people of the ward they speak for, by ethnic "
    "group and age, and which sectors sit on the panel.",
    filters=True,
)
st.warning(
    "**Restricted: member-level data.** This screen shows exact counts, including small ones, for the "
    "boroughs your role covers. Do not copy small counts out of the app. Downloads show counts of 1 to 4 as "
    "\"fewer than 5\", withhold any figure that would reveal them, and are recorded in the audit log."
)
area, period, day = sel.area, sel.period, sel.as_of
wards = state.table("wards")
d = views.diversity(sel)
av = views.view(view.area_view, sel)  # this area's tables, cached per area and day
comparison, panels = av.comparison, av.panels
slug = f"{area.code or 'london'}_{day}"

st.subheader(f"{area.name}: members on {uk_date(day)}")
st.caption(
    f"Active members on {uk_date(day)}, the last day of the chosen period ({period.label}): joined on or "
    "before that day, not yet left, on a panel open that day. Ethnic group is compared with the ward's residents "
    "of all ages, children included (Census 2021: no adults-only figure by ward is published for London), so "
    "a ward with many children of one group expects more of that group than its adults hold; age with residents "
    "aged 16 and over; sex with residents of all ages."
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

eth_stated, members_total, age_stated, gap = av.ethnic_stated, av.members, av.age_stated, av.gap
cols = st.columns(4)
cols[0].metric("Open panels", count(panels.height), help="Panels open on the day, in Met wards.")
cols[1].metric("Active members", count(members_total))
cols[2].metric(
    "Diversity gap (0-100)",
    "no data" if gap is None else f"{gap:.0f}",
    help="Index of dissimilarity between panel and ward: the share of members who would have to be from a "
    "different group to match the ward. The mean of the ethnic group, age and sex indices (and of panels, for an area). "
    "A panel drawn at random from its ward's residents is not 0: see the line below.",
)
cols[3].metric(
    "Panels differing from their ward beyond chance",
    f"{count(av.differing)} of {count(av.tested)}",
    help="Panels whose membership (by ethnic group, White British and White other, age or sex) is further from the "
    "ward's Census profile than a panel of the same size drawn at random from the ward's residents would be, "
    f"after correcting for testing every panel here together (Benjamini-Hochberg, false-discovery rate {dv.LEVEL:.0%}).",
)
if av.chance_gap is not None:
    st.caption(view.chance_finding(av))
st.caption(
    f"Ethnic group stated for {pct(eth_stated / members_total if members_total else None)} of members "
    f"({count(eth_stated)} of {count(members_total)}); age stated for "
    f"{pct(age_stated / members_total if members_total else None)} ({count(age_stated)}). \"Not stated\" is shown "
    "as its own row; shares, expected members and the gap are worked out over the members who stated."
)
if not d.sex_loaded:
    st.info(
        "Sex: no Census 2021 table of sex by ward is loaded, so members' sex is not compared with the ward. "
        "If one is loaded (ward population dimension \"sex\"), the comparison appears here."
    )

if area.level == "ward":
    ward_comp = comparison
    for dim in d.dims:
        rows = ward_comp.filter(ward_comp["dimension"] == dim.key)
        title = view.profile_finding(area.name, ward_comp, dim)
        st.markdown(f"#### {dim.label}")
        if dim.key == dv.WHITE.key:
            st.caption(
                "Among White members who gave the detail (White British, White Irish, Gypsy or Irish Traveller, "
                "Roma, Other White), against White residents in the Census detailed table. Members recorded only "
                "as \"White\" count as not stated here."
            )
        st.plotly_chart(view.profile_chart(ward_comp, dim, title), key=f"chart_{dim.key}")
        st.caption(f"Ward shares: {dim.base}. " + view.chance_sentence(av.tests, dim))
        table = view.profile_table(rows)
        ui.table_with_protected_download(table, view.profile_export, file_name=f"diversity_{dim.key}_{slug}.csv", key=f"profile_{dim.key}")
    row = panels.row(0, named=True)
    notes = []
    if row["no_resident"]:
        notes.append("has no resident member")
    if row["no_business"]:
        notes.append("has no business member")
    if row["councillor_led"]:
        notes.append("is led by a councillor")
    if row["months_since_review"] is not None:
        notes.append(f"last reviewed its membership {row['months_since_review']} months before {uk_date(day)}")
    else:
        notes.append(f"has no membership review recorded on or before {uk_date(day)} ({row['review_note']})")
    st.markdown("#### Sector mix")
    st.write(f"This panel of {row['panel_size']} " + "; ".join(notes) + ".")
    ui.table_with_protected_download(av.sector_totals, view.sector_totals_export, file_name=f"sectors_{slug}.csv", key="sectors")
else:
    roll = av.rollup
    st.markdown("#### Members of each group against the wards' profiles, largest shortfall first")
    st.plotly_chart(view.rollup_chart(roll, view.rollup_finding(area.name, roll)), key="rollup_chart")
    st.caption(
        "Shortfall: members a group would have if every panel matched its ward (members who stated x ward "
        "share), less the members it has. Chance of a difference this large: if every panel's members were drawn "
        "at random from its own ward, how often the group's total over all these panels would be at least this far "
        "from expected (exact, or by the normal curve past 2,000 members); the groups are corrected together "
        f"(Benjamini-Hochberg, {dv.LEVEL:.0%}). One panel is too small to show a shortfall; many together are not."
    )
    ui.table_with_protected_download(av.rollup_table, view.rollup_export, file_name=f"diversity_groups_{slug}.csv", key="rollup")

    st.markdown("#### Panels, largest gap beyond chance first")
    st.caption(view.differing_finding(area.name, av) + ".")
    ui.table_with_protected_download(av.panels_table, view.panels_export, file_name=f"diversity_panels_{slug}.csv", key="panels")
    if area.level in ("london", "bcu"):
        st.markdown("#### By borough")
        ui.show_table(av.borough_table, key="by_borough")

    st.markdown("#### Sector mix")
    flags = st.columns(4)
    flags[0].metric("Panels with no resident member", count(av.no_resident))
    flags[1].metric("Panels with no business member", count(av.no_business))
    flags[2].metric("Councillor-led panels", count(av.councillor_led))
    flags[3].metric("Membership not reviewed in 12 months", count(av.stale), help="Including panels with no review recorded.")
    ui.table_with_protected_download(av.sector_totals, view.sector_totals_export, file_name=f"sectors_{slug}.csv", key="sectors")
    with st.expander("Members by sector for each panel"):
        ui.table_with_protected_download(av.sector_table, view.sector_export, file_name=f"sectors_by_panel_{slug}.csv", key="sectors_by_panel")

with st.expander("How these figures are worked out"):
    st.markdown(
        f"""
- **Active members**: joined on or before {uk_date(day)} and not yet left, on a panel open that day.
- **Ward share**: the ward's Census 2021 count for a group over the total of the same table. Ethnic group
  uses usual residents of all ages, children included, as ONS publishes it by ward (no adults-only table by
  ward exists for London); age uses residents aged 16 and over, since panels are adult bodies, from Census
  age by LSOA shared between wards by their Output Areas' residents. Census counts carry deliberate noise
  and tables do not always add up, so each share uses its own table's total. Members recorded with a
  detailed ONS ethnic group are counted in its high-level group.
- **"Not stated"** is its own row. Panel shares, expected members, the test and the gap use the members who
  stated; how many did is shown above.
- **Expected members** = members who stated x ward share; **ratio** = actual / expected (1 is in proportion).
- **Index of dissimilarity** (0 to 100) = half the sum of the differences between panel and ward shares: the
  share of members who would have to be from another group for the panel to match its ward.
  **Diversity gap** = the mean of the ethnic group and age indices (and sex, where a Census sex table by ward
  is loaded); for an area, the mean over its panels.
- **Gap beyond chance**: a panel of 10 drawn at random from its ward's residents would not mirror the ward
  exactly: on average its gap is about 15 to 30 at these panel sizes, more for smaller panels. Each panel's gap
  is set beside that figure for a panel of its own size from its own ward (worked out exactly over every
  possible membership), and panels are ranked by the difference, so a small panel is not put first merely
  for being small.
- **Fewer or more than expected** (each group): actual members against expected, differing by half a member
  or more. This describes the panel; on its own it is not evidence that anything is wrong, since a small panel
  is rarely an exact mirror of its ward.
- **Differs from the ward beyond chance** (each panel and dimension, the whole mix at once): imagine drawing
  panels of the same size at random from the ward's residents. The test is the chance that such a panel is at
  least as far from the ward (index of dissimilarity) as this one, worked out exactly over every possible
  membership (multinomial distribution), or from 20,000 random panels for a panel too large to list. Every
  panel in the area is tested on every dimension, and with many tests some small chances turn up by luck, so
  the tests are corrected together (Benjamini-Hochberg): a panel is reported only where, of all the panels
  reported, no more than {dv.LEVEL:.0%} are expected to be chance. The same panel can be reported in a borough
  and not in London: among more panels, it takes stronger evidence.
- **Members of each group, all panels together**: the group's members on the area's panels against the
  members expected from each panel's ward, with a pooled test: if every panel's members were drawn at random
  from its own ward, how often would the group's total be at least this far from expected? Exact (a sum of
  each member's chance, the Poisson binomial distribution), or by the normal curve past 2,000 members; the
  groups are corrected together (Benjamini-Hochberg, {dv.LEVEL:.0%}). A shortfall no single panel could
  show can be plain across a borough or London.
- **Councillor-led**: the chair on the day is a councillor member, or the panel records a councillor chair.
"""
    )
ui.sources_footer()
