"""Spoken answers: record, transcribe into the answer box, measure the delivery."""

from __future__ import annotations

import streamlit as st

from interview_core.errors import InterviewError
from interview_core.models import MAX_ANSWER_CHARS, InterviewSession, SpeechMetrics
from interview_core.speech import Transcript, speech_metrics, transcribe

from . import layout, state, widgets


def voice_input(session: InterviewSession, *, answer_key: str, speech_key: str, mic_key: str) -> None:
    """The record button; a new recording's transcript is appended to the answer box for editing."""
    recording = widgets.record_audio(mic_key)
    if recording and recording.get("bytes"):
        backend, whisper_model = layout.voice_choice()
        try:
            with st.spinner("Transcribing your answer…"):
                transcript = transcribe(
                    recording["bytes"],
                    backend=backend,
                    context=_context(session),
                    settings=state.settings(),
                    whisper_model=whisper_model,
                )
        except InterviewError as exc:
            widgets.show_error(f"{exc} Your typed text is unchanged.")
        else:
            _add_transcript(transcript, answer_key=answer_key, speech_key=speech_key)
    metrics = spoken_metrics(speech_key)
    if metrics is not None:
        widgets.speech_summary(metrics)


def _context(session: InterviewSession) -> str:
    """What the transcriber may use to spell technical words right: the question and the job."""
    return "\n".join(part for part in (session.current_question or "", session.field, session.job_description) if part)


def _add_transcript(transcript: Transcript, *, answer_key: str, speech_key: str) -> None:
    text = transcript.text  # never empty: transcribe() says so with an error instead
    existing = (st.session_state.get(answer_key) or "").rstrip()
    combined = f"{existing} {text}" if existing else text
    if len(combined) > MAX_ANSWER_CHARS:
        st.warning(f"The answer box holds {MAX_ANSWER_CHARS:,} characters; the end of the transcript was cut.")
        combined = combined[:MAX_ANSWER_CHARS]
    st.session_state[answer_key] = combined
    spoken = st.session_state.get(speech_key) or {"texts": [], "seconds": 0.0, "backend": ""}
    st.session_state[speech_key] = {
        "texts": [*spoken["texts"], text],
        "seconds": spoken["seconds"] + float(transcript.duration_seconds or 0.0),
        "backend": transcript.backend,
    }
    st.success("Transcribed. Check the text in the box below and correct it before you submit.", icon=":material/mic:")


def spoken_metrics(speech_key: str) -> SpeechMetrics | None:
    """Delivery metrics of everything recorded for this answer, or None when nothing was spoken."""
    spoken = st.session_state.get(speech_key)
    if not spoken or not spoken["texts"]:
        return None
    return speech_metrics(" ".join(spoken["texts"]), spoken["seconds"], transcriber=spoken["backend"])
