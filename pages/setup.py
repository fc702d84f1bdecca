"""New interview: field, type, difficulty, rounds, persona, resume and job description."""

import streamlit as st
from pydantic import ValidationError

from interview_core.errors import InterviewError
from interview_core.models import (
    INTERVIEW_TYPES,
    MAX_FIELD_CHARS,
    MAX_JOB_DESCRIPTION_CHARS,
    MAX_RESUME_CHARS,
    MAX_ROUNDS,
    PERSONAS,
    InterviewConfig,
    describe_validation_error,
)
from ui import forms, layout, state, widgets

layout.page_setup()

st.title("Practise a job interview")
st.markdown(
    "Answer each question by typing or speaking. After every answer you get scores and feedback, "
    "and the next question gets harder or easier depending on how you did."
)
layout.brain_panel(compact=True)

st.text_input(
    "Field or role",
    key="setup_field",
    max_chars=MAX_FIELD_CHARS,
    placeholder="e.g. Backend Development, Data Science, Product Management",
    persist_state="session",
)
forms.field_suggestion_pills("setup_field")
left, right = st.columns(2)
left.selectbox("Interview type", INTERVIEW_TYPES, key="setup_type", persist_state="session")
right.radio(
    "Interviewer",
    PERSONAS,
    index=PERSONAS.index("neutral"),
    format_func=str.title,
    horizontal=True,
    key="setup_persona",
    persist_state="session",
    help="Friendly encourages you, neutral is a standard interview, tough pushes back and probes harder.",
)
left.slider(
    "Starting difficulty",
    1,
    10,
    5,
    key="setup_difficulty",
    persist_state="session",
    help="1 is an intern screen, 10 a principal-level deep dive. It adapts after every answer.",
)
right.number_input("Number of questions", 1, MAX_ROUNDS, 5, key="setup_rounds", persist_state="session")

with st.expander("Resume and job description (optional, makes questions specific to you)"):
    forms.document_input("resume", "Resume", MAX_RESUME_CHARS)
    forms.document_input("job_description", "Job description", MAX_JOB_DESCRIPTION_CHARS)

if st.button("Start interview", type="primary", icon=":material/play_arrow:"):
    try:
        config = InterviewConfig(
            field=st.session_state.get("setup_field") or "",
            interview_type=st.session_state["setup_type"],
            difficulty=st.session_state["setup_difficulty"],
            total_rounds=st.session_state["setup_rounds"],
            persona=st.session_state["setup_persona"],
            resume=st.session_state.get("setup_resume", ""),
            job_description=st.session_state.get("setup_job_description", ""),
        )
    except ValidationError as exc:
        widgets.show_error(describe_validation_error(exc))
    else:
        try:
            with st.spinner("Preparing your first question…"):
                started = state.engine().start(config)
        except InterviewError as exc:
            widgets.show_error(exc)
        else:
            state.set_active_session(started.session_id)
            st.switch_page(layout.INTERVIEW_PAGE, query_params={state.QUERY_SESSION: started.session_id})
