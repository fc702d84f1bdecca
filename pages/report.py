"""The report: final assessment, charts per round, the round-by-round table and downloads."""

import streamlit as st

from interview_core import charts, export
from interview_core.safe_text import escape_markdown
from ui import layout, state, widgets

layout.page_setup()

session = layout.require_session(state.active_session_id(), "report on")

st.title("Interview report")
st.caption(
    escape_markdown(
        f"{session.field} · {session.interview_type} · {session.persona} interviewer · "
        f"{session.created_at:%d %b %Y, %H:%M} UTC"
    )
)


def resume_button() -> None:
    if st.button("Continue this interview", icon=":material/play_arrow:", type="primary"):
        st.switch_page(layout.INTERVIEW_PAGE, query_params={state.QUERY_SESSION: session.session_id})


if not session.history:
    st.info("No question has been answered yet, so there is nothing to report.")
    resume_button()
    st.stop()
if not session.is_complete:
    st.info(
        f"This interview is in progress: {session.completed_rounds} of {session.total_rounds} questions answered. "
        "The final report appears after the last question; here is how it is going so far."
    )
    resume_button()

best = session.best_turn
first, second, third, fourth = st.columns(4)
first.metric("Average score", f"{session.average_score:.1f}/10")
second.metric("Questions answered", f"{session.completed_rounds}/{session.total_rounds}")
third.metric("Difficulty", f"{session.starting_difficulty} → {session.difficulty}")
fourth.metric("Best round", f"{best.round} ({best.evaluation.score}/10)")

if session.final_report:
    st.subheader("Final assessment")
    widgets.final_report_view(session.final_report)

st.subheader("Scores and difficulty")
st.plotly_chart(charts.scores_figure(session), config={"displayModeBar": False})
left, right = st.columns(2)
left.plotly_chart(charts.difficulty_figure(session), config={"displayModeBar": False})
right.plotly_chart(charts.radar_figure(session), config={"displayModeBar": False})

st.subheader("Round by round")
st.dataframe(export.rounds_frame(session), hide_index=True)
for turn in session.history:
    widgets.round_details(turn)

st.subheader("Download")
with st.container(horizontal=True):
    st.download_button(
        "Markdown report",
        export.to_markdown(session),
        file_name=export.export_filename(session, "md"),
        mime="text/markdown",
        icon=":material/description:",
        on_click="ignore",
    )
    st.download_button(
        "JSON data",
        export.to_json(session),
        file_name=export.export_filename(session, "json"),
        mime="application/json",
        icon=":material/data_object:",
        on_click="ignore",
    )
