"""The interview: progress, the question (read aloud on request), a typed or spoken answer, feedback."""

import streamlit as st

from interview_core.errors import InterviewError
from interview_core.models import MAX_ANSWER_CHARS
from interview_core.safe_text import escape_markdown
from ui import layout, state, voice, widgets

layout.page_setup()

session_id = state.active_session_id()
session = layout.require_session(session_id, "answer questions")
engine = state.engine()

st.title(escape_markdown(f"{session.field} interview"))
st.caption(
    escape_markdown(f"{session.interview_type} · {session.persona} interviewer · {session.total_rounds} questions")
)

if session.is_complete:
    widgets.latest_feedback(session)
    st.success(
        f"Interview complete: average score {session.average_score:.1f}/10 over {session.total_rounds} questions."
    )
    if st.button("See your full report", type="primary", icon=":material/insights:"):
        st.switch_page(layout.REPORT_PAGE, query_params={state.QUERY_SESSION: session.session_id})
    st.stop()

if not session.current_question:
    # The first question never arrived (the model failed while starting): ask for it again.
    try:
        with st.spinner("Preparing your question…"):
            engine.ensure_question(session.session_id)
    except InterviewError as exc:
        widgets.show_error(exc)
        st.button("Try again", icon=":material/refresh:")
        st.stop()
    session = engine.get_session(session.session_id)

round_number = session.current_round
answer_key = f"answer:{session.session_id}:{round_number}"
speech_key = f"speech:{session.session_id}:{round_number}"

st.progress(
    session.completed_rounds / session.total_rounds,
    text=f"Question {round_number} of {session.total_rounds} · difficulty {session.difficulty}/10",
)
widgets.latest_feedback(session)
with st.container(border=True):
    st.markdown(f"**Question {round_number}**")
    widgets.show_text(session.current_question)
    widgets.read_aloud_button(session.current_question or "")

pending = session.pending_answer
if pending is not None and pending.round == round_number:
    if f"restored:{answer_key}" not in st.session_state:
        # Nothing typed is lost, even after a restart: the saved answer comes back once per tab.
        st.session_state[f"restored:{answer_key}"] = True
        st.session_state[answer_key] = st.session_state.get(answer_key) or pending.answer
    if pending.last_error:
        st.warning(
            escape_markdown(
                f"Your answer was saved but could not be scored yet: {pending.last_error} "
                "It is in the box below; submit it again to retry."
            ),
            icon=":material/save:",
        )

voice.voice_input(session, answer_key=answer_key, speech_key=speech_key, mic_key=f"mic:{answer_key}")
st.text_area(
    "Your answer",
    key=answer_key,
    height=220,
    max_chars=MAX_ANSWER_CHARS,
    placeholder="Type your answer here, or record it above and correct the transcript.",
    on_change="ignore",
    persist_state="session",
)
st.caption(f"Up to {MAX_ANSWER_CHARS:,} characters (about 15 minutes of speech); the count shows while you type.")
# The button's key names the round, so a second click after the round moved on does nothing.
if st.button("Submit answer", type="primary", icon=":material/send:", key=f"submit:{answer_key}"):
    speech = voice.spoken_metrics(speech_key) or (pending.speech if pending else None)
    try:
        with widgets.streaming_feedback("The interviewer is reading your answer…") as on_text:
            engine.submit_answer(
                session.session_id,
                st.session_state.get(answer_key) or "",
                round=round_number,
                speech=speech,
                on_text=on_text,
            )
    except InterviewError as exc:
        widgets.show_error(exc)
    else:
        st.session_state.pop(speech_key, None)
        st.rerun()
