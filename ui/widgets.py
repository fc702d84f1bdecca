"""Widgets the pages share: safe text, read-aloud, the microphone, feedback and speech cards."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from interview_core.models import SCORE_LABELS, FinalReport, InterviewSession, SpeechMetrics, Turn, scored_by_text
from interview_core.parsing import partial_feedback
from interview_core.safe_text import escape_markdown, markdown_list, plain_text

RECORD_PROMPT = "● Record answer"
STOP_PROMPT = "■ Stop recording"


def show_error(message: object) -> None:
    """An error box whose text (which may quote a file name or a model reply) is shown as written."""
    st.error(escape_markdown(message))


def show_text(text: object) -> None:
    """Show model or candidate text exactly as written: st.text parses no Markdown or HTML at all."""
    st.text(plain_text(text), width="stretch")


def live_feedback_lines(reply_so_far: str) -> str:
    """What the candidate can already read of a reply that is still streaming in."""
    fields = partial_feedback(reply_so_far)
    scores = " · ".join(f"{label} {fields[key]}/10" for key, label in SCORE_LABELS.items() if key in fields)
    lines = [scores] if scores else []
    lines += [f"{name.title()}: {fields[name]}" for name in ("strengths", "weaknesses") if fields.get(name)]
    return "\n".join(lines) or f"Receiving the interviewer's reply… {len(reply_so_far):,} characters"


@contextmanager
def streaming_feedback(label: str) -> Iterator[Callable[[str], None]]:
    """A spinner while the interviewer works, plus the feedback as it streams in; yields the callback to feed it.

    The preview is a plain placeholder drawn on the first piece of text (st.status would cost a fixed
    50 ms per answer, and the offline interviewer has nothing to stream).
    """
    preview = st.empty()
    received: list[str] = []

    def on_text(piece: str) -> None:
        received.append(piece)
        preview.text(plain_text(live_feedback_lines("".join(received))))

    with st.spinner(label, show_time=True):
        yield on_text
    preview.empty()


_SPEAKER_SVG = (
    '<svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" '
    'd="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 7.97v8.05A4.48 4.48 0 0 0 16.5 12zM14 3.23v2.06'
    'a7 7 0 0 1 0 13.42v2.06A9 9 0 0 0 14 3.23z"/></svg>'
)


def _script_string(value: str) -> str:
    """A JavaScript string literal of `value` that cannot end the surrounding <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def read_aloud_button(text: str, *, label: str = "Read aloud") -> None:
    """A button that reads `text` with the browser's speech synthesis (nothing leaves the browser)."""
    st.iframe(
        f"""<!doctype html><html><head><style>
body {{ margin: 0; font-family: "Source Sans Pro", "Source Sans 3", system-ui, sans-serif; }}
button {{ display: inline-flex; align-items: center; gap: 6px; font: inherit; font-size: 14px;
  padding: 5px 14px; border-radius: 8px; cursor: pointer; border: 1px solid rgba(49, 51, 63, 0.25);
  background: #fff; color: #1f2937; }}
button:hover {{ border-color: #3b5bdb; color: #3b5bdb; }}
button:disabled {{ opacity: .5; cursor: not-allowed; }}
</style></head><body>
<button id="say" type="button">{_SPEAKER_SVG}<span></span></button>
<script>
const text = {_script_string(text)};
const label = {_script_string(label)};
const button = document.getElementById("say");
const caption = button.querySelector("span");
const synth = window.speechSynthesis;
caption.textContent = label;
if (!synth) {{ button.disabled = true; button.title = "This browser cannot read text aloud."; }}
button.addEventListener("click", () => {{
  if (synth.speaking) {{ synth.cancel(); caption.textContent = label; return; }}
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = "en-US";
  utterance.rate = 0.95;
  utterance.onend = utterance.onerror = () => {{ caption.textContent = label; }};
  caption.textContent = "Stop reading";
  synth.speak(utterance);
}});
</script></body></html>""",
        height=44,
    )


def record_audio(key: str) -> dict[str, Any] | None:
    """A new microphone recording as {"bytes": wav, "sample_rate", "id", ...}, or None (tests patch this)."""
    from streamlit_mic_recorder import mic_recorder

    return mic_recorder(start_prompt=RECORD_PROMPT, stop_prompt=STOP_PROMPT, format="wav", just_once=True, key=key)


def scored_by_badge(scored_by: str) -> None:
    color = {"offline-fallback": "orange", "offline": "gray"}.get(scored_by, "blue")
    icon = {"offline-fallback": ":material/warning:", "offline": ":material/menu_book:"}.get(
        scored_by, ":material/psychology:"
    )
    st.badge(escape_markdown(scored_by_text(scored_by)), icon=icon, color=color)


def difficulty_change(before: int, after: int) -> str:
    """e.g. "Difficulty 5 → 7 (harder)"."""
    if after > before:
        trend = "harder next"
    elif after < before:
        trend = "easier next"
    else:
        trend = "same level next"
    return f"Difficulty {before} → {after} ({trend})"


def _trend_icon(before: int, after: int) -> str:
    if after > before:
        return ":material/trending_up:"
    return ":material/trending_down:" if after < before else ":material/trending_flat:"


def feedback_card(turn: Turn, *, previous_score: int | None = None) -> None:
    """The four scores, strengths, weaknesses and difficulty change of one answered round."""
    evaluation = turn.evaluation
    with st.container(border=True):
        st.markdown(f"##### Feedback on round {turn.round}")
        overall, communication, technical, confidence = st.columns(4)
        delta = None if previous_score is None else evaluation.score - previous_score
        overall.metric("Overall", f"{evaluation.score}/10", delta=delta)
        communication.metric("Communication", f"{evaluation.communication_score}/10")
        technical.metric("Technical", f"{evaluation.technical_score}/10")
        confidence.metric("Confidence", f"{evaluation.confidence_score}/10")
        strengths, weaknesses = st.columns(2)
        with strengths:
            st.markdown(":material/thumb_up: **Strengths**")
            show_text(evaluation.strengths or "—")
        with weaknesses:
            st.markdown(":material/build: **To improve**")
            show_text(evaluation.weaknesses or "—")
        with st.container(horizontal=True, vertical_alignment="center"):
            before, after = turn.difficulty, turn.next_difficulty
            st.markdown(f"{_trend_icon(before, after)} {difficulty_change(before, after)}")
            scored_by_badge(turn.scored_by)
        if turn.speech:
            speech_summary(turn.speech)


def latest_feedback(session: InterviewSession) -> None:
    """The feedback card of the most recently answered round, if any."""
    if session.history:
        previous = session.history[-2].evaluation.score if len(session.history) > 1 else None
        feedback_card(session.history[-1], previous_score=previous)


def speech_summary(metrics: SpeechMetrics) -> None:
    """Duration, pace and filler words of a spoken answer."""
    fillers = ", ".join(f"“{word}” ×{count}" for word, count in sorted(metrics.filler_words.items()))
    pace = metrics.words_per_minute
    pace_note = "a comfortable pace" if 110 <= pace <= 170 else ("slow" if pace < 110 else "fast")
    st.caption(
        ":material/mic: "
        + escape_markdown(
            f"Spoken answer: {metrics.duration_seconds:.0f} s · {pace:.0f} words per minute ({pace_note}) · "
            f"filler words: {fillers or 'none'}"
        )
    )


def final_report_view(report: FinalReport) -> None:
    """The final report: recommendation, summary, dimensions, strengths, areas to improve, practice plan."""
    with st.container(border=True):
        st.markdown(f"#### Recommendation: {escape_markdown(report.recommendation)}")
        show_text(report.summary)
        if report.dimensions:
            for column, dimension in zip(st.columns(len(report.dimensions)), report.dimensions, strict=True):
                with column:
                    st.metric(dimension.dimension.title(), f"{dimension.average:.1f}/10")
                    if dimension.comment:
                        st.caption(escape_markdown(dimension.comment))
        sections = [
            (":material/thumb_up: Strengths to keep", report.strengths),
            (":material/build: Areas to improve", report.areas_to_improve),
            (":material/event_note: Practice plan", report.practice_plan),
        ]
        for column, (title, items) in zip(st.columns(3), sections, strict=True):
            with column:
                st.markdown(f"**{title}**")
                st.markdown(markdown_list(items) if items else "—")


def round_details(turn: Turn) -> None:
    """One round in full: question, answer and feedback, inside a collapsed section."""
    title = plain_text(turn.question, max_chars=70).replace("\n", " ")
    with st.expander(f"Round {turn.round} · {turn.evaluation.score}/10 · {escape_markdown(title)}"):
        st.markdown("**Question**")
        show_text(turn.question)
        st.markdown("**Your answer**")
        show_text(turn.answer)
        st.markdown(
            f"**Scores:** communication {turn.evaluation.communication_score}/10 · "
            f"technical {turn.evaluation.technical_score}/10 · confidence {turn.evaluation.confidence_score}/10"
        )
        st.markdown("**Strengths**")
        show_text(turn.evaluation.strengths or "—")
        st.markdown("**To improve**")
        show_text(turn.evaluation.weaknesses or "—")
        st.caption(f"{difficulty_change(turn.difficulty, turn.next_difficulty)} · {scored_by_text(turn.scored_by)}")
        if turn.speech:
            speech_summary(turn.speech)
