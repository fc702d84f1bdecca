"""The setup page, driven through Streamlit's AppTest (no browser)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interview_core.engine import InterviewEngine
from interview_core.errors import LLMUnavailable
from interview_core.store import MemoryStore
from tests.app_support import page_text
from tests.fakes import ScriptedProvider
from tests.test_documents import docx_bytes
from ui.state import ENGINE_KEY

pytestmark = pytest.mark.usefixtures("app_navigation")

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FAKE_KEY = "AIzaSy-FAKE-test-key-0123456789"


def open_setup(engine: InterviewEngine | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if engine is not None:
        at.session_state[ENGINE_KEY] = engine
    return at.run()


def start_button(at: AppTest):
    return next(button for button in at.button if button.label == "Start interview")


@pytest.fixture
def scripted_engine() -> InterviewEngine:
    return InterviewEngine(ScriptedProvider(), MemoryStore())


def test_setup_runs_with_no_secrets_file_and_shows_offline_mode_and_how_to_add_a_key():
    at = open_setup()
    assert not at.exception
    text = page_text(at)
    assert "Offline practice mode (rubric scoring, no AI)" in text
    assert 'GEMINI_API_KEY = \\"your-key\\"' in text and ".streamlit/secrets.toml" in text


def test_a_key_in_secrets_selects_gemini_and_never_shows_the_key(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "")  # restored afterwards, whatever the app sets
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["GEMINI_API_KEY"] = FAKE_KEY
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "Gemini (gemini-3-flash-preview)" in text
    assert "Key read from .streamlit/secrets.toml" in text
    assert FAKE_KEY not in text and FAKE_KEY[-10:] not in text


def test_the_form_offers_every_choice_the_brief_names(scripted_engine):
    at = open_setup(scripted_engine)
    assert at.selectbox(key="setup_type").options == ["Technical", "Behavioral", "HR/General", "System Design", "Case"]
    assert at.radio(key="setup_persona").options == ["Friendly", "Neutral", "Tough"]
    assert (at.slider(key="setup_difficulty").min, at.slider(key="setup_difficulty").max) == (1, 10)
    assert (at.number_input(key="setup_rounds").min, at.number_input(key="setup_rounds").max) == (1, 20)
    assert "Backend Development" in at.pills(key="setup_field_pick").options
    assert "Scripted test interviewer" in page_text(at)


def test_starting_opens_the_interview_with_its_id_in_the_url(scripted_engine):
    at = open_setup(scripted_engine)
    at.text_input(key="setup_field").input("Site Reliability")
    at.selectbox(key="setup_type").set_value("System Design")
    at.radio(key="setup_persona").set_value("tough")
    at.slider(key="setup_difficulty").set_value(7)
    at.number_input(key="setup_rounds").set_value(4)
    at.text_area(key="setup_job_description").input("Run Kubernetes at scale.")
    start_button(at).click().run()
    assert not at.exception and not at.error
    session_id = at.query_params["session"]
    session = scripted_engine.get_session(session_id)
    assert (session.field, session.interview_type, session.persona) == ("Site Reliability", "System Design", "tough")
    assert (session.difficulty, session.total_rounds) == (7, 4)
    assert session.job_description == "Run Kubernetes at scale."
    assert "Q1 at difficulty 7?" in [t.value for t in at.text]


def test_clicking_a_suggested_field_fills_the_field_box(scripted_engine):
    at = open_setup(scripted_engine)
    at.pills(key="setup_field_pick").set_value("Data Science").run()
    assert at.text_input(key="setup_field").value == "Data Science"
    assert at.pills(key="setup_field_pick").value is None


def test_starting_without_a_field_explains_what_is_missing(scripted_engine):
    at = open_setup(scripted_engine)
    start_button(at).click().run()
    assert [e.value for e in at.error] == ["Please name the field you are interviewing for (e.g. 'Data Science')."]
    assert scripted_engine.list_sessions() == []


def test_a_blank_field_name_is_refused_like_a_missing_one(scripted_engine):
    at = open_setup(scripted_engine)
    at.text_input(key="setup_field").input("    ")
    start_button(at).click().run()
    assert at.error[0].value.startswith("Please name the field you are interviewing for")
    assert scripted_engine.list_sessions() == []


def test_a_failed_start_shows_the_models_message_and_stays_on_setup(scripted_engine):
    scripted_engine.provider.start_error = LLMUnavailable("The AI interviewer is busy; try again in a minute.")
    at = open_setup(scripted_engine)
    at.text_input(key="setup_field").input("Backend Development")
    start_button(at).click().run()
    assert [e.value for e in at.error] == ["The AI interviewer is busy; try again in a minute."]
    assert not at.exception and "session" not in at.query_params
    assert start_button(at) is not None


def test_an_uploaded_resume_fills_the_resume_box_and_reaches_the_interview(scripted_engine):
    at = open_setup(scripted_engine)
    at.file_uploader(key="setup_resume_file").set_value(("cv.docx", docx_bytes(), "application/octet-stream"))
    at.run()
    assert "Built payment APIs with FastAPI and PostgreSQL." in at.text_area(key="setup_resume").value
    assert any("Read" in s.value and "cv.docx" in s.value for s in at.success)
    at.text_input(key="setup_field").input("Backend Development")
    start_button(at).click().run()
    session = scripted_engine.get_session(at.query_params["session"])
    assert "FastAPI" in session.resume


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("cv.txt", bytes(range(256)) * 10, "binary file"),
        ("cv.pdf", b"", "is empty"),
        ("cv.pdf", b"just some words", "named .pdf but it is plain text"),
        ("cv.txt", b"x" * 20_001, "the limit is 20,000"),
    ],
    ids=["binary", "empty", "mislabelled", "too-long"],
)
def test_an_unreadable_upload_says_why_and_keeps_the_pasted_text(scripted_engine, filename, data, expected):
    at = open_setup(scripted_engine)
    at.text_area(key="setup_resume").input("My pasted resume")
    at.file_uploader(key="setup_resume_file").set_value((filename, data, "application/octet-stream"))
    at.run()
    assert not at.exception
    assert expected in at.error[0].value and "was kept" in at.error[0].value
    assert at.text_area(key="setup_resume").value == "My pasted resume"


def test_a_file_name_with_markup_is_quoted_as_text_in_the_message(scripted_engine):
    at = open_setup(scripted_engine)
    at.file_uploader(key="setup_resume_file").set_value(("![cv](javascript:alert(1)).pdf", b"words", "text/plain"))
    at.run()
    shown = at.error[0].value
    assert "is named .pdf but it is plain text" in shown
    assert shown.startswith("\\!\\[cv\\](javascript:alert(1)).pdf is named")  # the literal name, no image/link
