"""Membership and diversity: each panel's active members against its ward's Census 2021 profile."""

import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import areas
from dashboard.domain.formatting import count, uk_date
from dashboard.figures import diversity as dv
from dashboard.figures import diversity_view as view
from dashboard.figures import groups

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
    "different group to match the ward. The mean of the ethnic group, age and sex indices (and of panels, for an area). "
    "A panel drawn at random from its ward's residents is not 0: see the line below.",
)
cols[3].metric(
    "Panels differing from their ward beyond chance",
    f"{shown.differing_text} of {count(av.tested)}",
    help="Panels whose membership (by ethnic group, White British and White other, age or sex) is further from the "
    "ward's Census profile than a panel of the same size drawn at random from the ward's residents would be, "
    f"after correcting for testing every panel here together (Benjamini-Hochberg, false-discovery rate {dv.LEVEL:.0%}).",
)
if av.chance_gap is not None:
    st.caption(shown.chance_finding())
st.caption(
    shown.stated_caption() + " \"Not stated\" is shown as its own row; shares, expected members and the gap are worked "
    "out over the members who stated."
)
if not d.sex_loaded:
    st.info(
        "Sex: no Census 2021 table of sex by ward is loaded, so members' sex is not compared with the ward. "
        "If one is loaded (ward population dimension \"sex\"), the comparison appears here."
    )

# The significant local groups each board expects on its panel, and whether a member comes from their sector.
expected = av.expected_groups(state.table("ward_groups"), wards)
expected_safe = av.safe.expected_groups(state.table("ward_groups"), wards)
expected_shown = expected if exact else expected_safe
GROUPS_HOW = ("Expected local groups are those the board lists for the ward (ward groups: a business estate, a school or "
              "college, a hospital, a housing provider, a faith group). A group counts as on the panel when a member comes "
              "from its sector: business, school, agency (for a hospital), housing, faith, other.")

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
        st.caption(f"Ward shares: {dim.base}. " + shown.chance_sentence(dim))
        ui.table_with_protected_download(av.profile(dim), av.safe.profile(dim), file_name=f"diversity_{dim.key}_{slug}.csv", key=f"profile_{dim.key}")
    st.markdown("#### Sector mix")
    st.write(shown.panel_sentence(day))
    ui.table_with_protected_download(av.sector_totals, av.safe.sector_totals, file_name=f"sectors_{slug}.csv", key="sectors")
    st.markdown("#### Expected local groups")
    if expected.height:
        st.write(groups.panel_sentence(expected_shown))
        ui.table_with_protected_download(expected, expected_safe, file_name=f"expected_groups_{slug}.csv", key="expected_groups")
    else:
        st.caption(GROUPS_HOW)
else:
    st.markdown("#### Members of each group against the wards' profiles, largest shortfall first")
    st.plotly_chart(shown.rollup_chart(shown.rollup_finding(area.name)), key="rollup_chart")
    st.caption(
        "Shortfall: members a group would have if every panel matched its ward (members who stated x ward "
        "share), less the members it has. Chance of a difference this large: if every panel's members were drawn "
        "at random from its own ward, how often the group's total over all these panels would be at least this far "
        "from expected (exact, or by the normal curve past 2,000 members); the groups are corrected together "
        f"(Benjamini-Hochberg, {dv.LEVEL:.0%}). One panel is too small to show a shortfall; many together are not."
    )
    ui.table_with_protected_download(av.rollup_table, av.safe.rollup_table, file_name=f"diversity_groups_{slug}.csv", key="rollup")

    st.markdown("#### Panels, largest gap beyond chance first")
    st.caption(shown.differing_finding(area.name) + ".")
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
    st.metric("Panels missing an expected local group", f"{groups.panels_missing(expected_shown)} of {groups.panels_with_groups(expected_shown):,}",
              help="Of the open panels whose board lists significant local groups (ward groups), those with no member from "
                   "the sector of at least one of them.")
    ui.table_with_protected_download(av.sector_totals, av.safe.sector_totals, file_name=f"sectors_{slug}.csv", key="sectors")
    with st.expander("Members by sector for each panel"):
        ui.table_with_protected_download(av.sector_table, av.safe.sector_table, file_name=f"sectors_by_panel_{slug}.csv", key="sectors_by_panel")
    with st.expander("Expected local groups of each panel, those missing first"):
        st.caption(GROUPS_HOW)
        ui.table_with_protected_download(expected, expected_safe, file_name=f"expected_groups_{slug}.csv", key="expected_groups")

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
