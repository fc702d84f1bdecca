"""Past interviews: progress across them, open a report, resume an unfinished one, delete."""

import streamlit as st

from interview_core import charts, export
from interview_core.errors import InterviewError
from ui import layout, state, widgets

layout.page_setup()

st.title("Your interviews")
if notice := st.session_state.pop("history_notice", None):
    st.success(notice, icon=":material/delete:")

try:
    interviews = state.engine().list_sessions()
except InterviewError as exc:
    widgets.show_error(exc)
    st.stop()

if not interviews:
    st.info("No interviews yet. Your finished and unfinished interviews will be listed here.")
    st.page_link(layout.SETUP_PAGE, label="Start your first interview", icon=":material/edit_note:")
    st.stop()

if any(info.completed_rounds for info in interviews):
    st.plotly_chart(charts.progress_figure(interviews), config={"displayModeBar": False})

st.dataframe(
    export.history_frame(interviews),
    hide_index=True,
    column_config={
        "Date": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
        "Average": st.column_config.NumberColumn(format="%.1f"),
    },
)

by_id = {info.session_id: info for info in interviews}
chosen_id = st.selectbox(
    "Choose an interview",
    list(by_id),
    format_func=lambda sid: (
        by_id[sid].title
        + (" · in progress" if by_id[sid].status != "complete" else f" · average {by_id[sid].average_score:.1f}")
    ),
    key="history_choice",
)
chosen = by_id[chosen_id]
target = {state.QUERY_SESSION: chosen.session_id}
confirm_key = f"confirm_delete:{chosen.session_id}"

with st.container(horizontal=True):
    if chosen.completed_rounds and st.button("Open report", icon=":material/insights:", type="primary"):
        state.set_active_session(chosen.session_id)
        st.switch_page(layout.REPORT_PAGE, query_params=target)
    if chosen.status != "complete" and st.button("Resume interview", icon=":material/play_arrow:"):
        state.set_active_session(chosen.session_id)
        st.switch_page(layout.INTERVIEW_PAGE, query_params=target)
    if st.button("Delete…", icon=":material/delete:"):
        st.session_state[confirm_key] = True

if chosen.status != "complete":
    st.caption(f"You can also resume it from its link: /interview?session={chosen.session_id}")

if st.session_state.get(confirm_key):
    st.warning("Delete this interview and all its answers for good? This cannot be undone.")
    with st.container(horizontal=True):
        if st.button("Yes, delete it", type="primary"):
            try:
                state.engine().delete_session(chosen.session_id)
            except InterviewError as exc:
                widgets.show_error(exc)
            else:
                st.session_state.pop(confirm_key, None)
                if st.session_state.get(state.SESSION_KEY) == chosen.session_id:
                    state.set_active_session(None)
                st.session_state["history_notice"] = "The interview was deleted."
                st.rerun()
        if st.button("Cancel"):
            st.session_state.pop(confirm_key, None)
            st.rerun()
