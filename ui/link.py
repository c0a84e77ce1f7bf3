"""The page's link and its range: notes about the link's values, the range sliders' state.

The link's values are checked by `mapviz.urlstate` (its table of parameters); this module says
what was ignored, removes what must go, and keeps the sliders' range in the session and the
link.
"""

from __future__ import annotations

import streamlit as st

from mapviz.mapcomponent import Range, pressed_range
from mapviz.reference import range_presets
from mapviz.urlstate import MAX_KM, MIN_KM, check_link, link_km, range_in_link

MAP_KEY = "map"
"""The map component's key: its value is the last press of its range sliders."""
NOTES_KEY = "url_notes"
CUSTOM_FROM_LINK_TOO_LONG = "custom_from_link_too_long"
"""Set when the link's custom launch points were too long (their box is emptied)."""
RANGE_KEY = "range"


def url_notes() -> list[str]:
    """Check the link's parameters once per session; remove unknown ones; say what is ignored.

    Streamlit itself ignores bound values it cannot use; this says so to the person, as text.
    """
    if NOTES_KEY not in st.session_state:
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        checked = check_link(query)
        for key in checked.removed:
            del st.query_params[key]
        if "custom" in checked.removed:  # its box would show (and use) the first characters
            st.session_state[CUSTOM_FROM_LINK_TOO_LONG] = True
        st.session_state[NOTES_KEY] = list(checked.notes)
    return list(st.session_state[NOTES_KEY])


def page_range() -> Range:
    """Return the range sliders' range: from the link when the session starts, then as set."""
    if RANGE_KEY not in st.session_state:
        query = {key: st.query_params.get(key, "") for key in (MIN_KM.name, MAX_KM.name)}
        st.session_state[RANGE_KEY] = Range(link_km(query, MIN_KM), link_km(query, MAX_KM))
    range_: Range = st.session_state[RANGE_KEY]
    return range_


def set_range(range_: Range, *, in_link: bool = True) -> None:
    """Keep `range_` as the page's range and, with `in_link`, in the link (where not default).

    A slider press is put in the link by the map itself, in place, as Streamlit's URL-bound
    widgets do: written here, each press would add a history entry (Streamlit pushes the
    address it is sent), and a reply to an earlier press could overwrite a later one.
    """
    st.session_state[RANGE_KEY] = range_
    if not in_link:
        return
    changed = range_in_link(range_.min_km, range_.max_km)
    if changed:
        st.query_params.update(changed)  # one message: one history entry
    for key in ({MIN_KM.name, MAX_KM.name} - changed.keys()) & st.query_params.keys():
        del st.query_params[key]


def apply_preset() -> None:
    """Set both range sliders from the chosen published preset (a widget callback)."""
    preset = {p.id: p for p in range_presets()}.get(st.session_state.get("preset", ""))
    if preset is not None:
        seq = page_range().seq + 1  # a new seq: the map takes the range from the page
        set_range(Range(int(preset.min_km), int(preset.max_km), seq))


def pressed() -> Range:
    """Take a press of the map's range sliders into the page; return the page's range."""
    range_ = page_range()
    news = pressed_range(st.session_state.get(MAP_KEY), range_)
    if news is None:
        return range_
    set_range(news, in_link=False)  # the map has put it in the link
    return news
