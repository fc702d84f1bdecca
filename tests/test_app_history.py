"""The history page through AppTest: list, progress chart, open, resume, delete."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interview_core.engine import InterviewEngine
from interview_core.errors import SessionNotFound
from interview_core.models import InterviewConfig
from interview_core.store import SqlStore
from tests.fakes import ScriptedProvider
from ui.state import ENGINE_KEY

pytestmark = pytest.mark.usefixtures("app_navigation")

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_history(engine: InterviewEngine | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if engine is not None:
        at.session_state[ENGINE_KEY] = engine
    at.run()
    return at.switch_page("pages/history.py").run()


def click(at: AppTest, label: str) -> AppTest:
    next(button for button in at.button if button.label == label).click()
    return at.run()


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


@pytest.fixture
def engine(db_url) -> InterviewEngine:
    return InterviewEngine(ScriptedProvider(), SqlStore(db_url))


@pytest.fixture
def two_interviews(engine) -> tuple[str, str]:
    """A finished Backend interview (scores 8, 6) and a Data Science one stopped after one of three rounds."""
    engine.provider.enqueue(8, 6, 5)
    done = engine.start(InterviewConfig(field="Backend", total_rounds=2)).session_id
    engine.submit_answer(done, "a", round=1)
    engine.submit_answer(done, "b", round=2)
    open_ = engine.start(InterviewConfig(field="Data Science", interview_type="Behavioral", total_rounds=3)).session_id
    engine.submit_answer(open_, "c", round=1)
    return done, open_


def test_opened_with_empty_state_and_an_empty_store_it_invites_a_first_interview():
    at = open_history(None)  # the app's own engine on this test's empty database
    assert not at.exception
    assert at.info[0].value.startswith("No interviews yet")


def test_the_list_shows_date_field_type_rounds_average_and_status(engine, two_interviews):
    at = open_history(engine)
    table = at.dataframe[0].value
    assert table["Field"].tolist() == ["Data Science", "Backend"]
    assert table["Type"].tolist() == ["Behavioral", "Technical"]
    assert table["Rounds"].tolist() == ["1/3", "2/2"]
    assert table["Average"].tolist() == [5.0, 7.0]
    assert table["Status"].tolist() == ["In progress", "Complete"]
    progress = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert progress["layout"]["title"]["text"] == "Your progress across interviews"


def test_an_unfinished_interview_resumes_at_its_open_question(engine, two_interviews):
    _, open_id = two_interviews
    at = open_history(engine)
    at.selectbox(key="history_choice").set_value(open_id).run()
    assert "Open report" in [b.label for b in at.button]
    at = click(at, "Resume interview")
    assert not at.exception
    assert at.query_params["session"] == open_id
    assert "Q2 at difficulty 6?" in [t.value for t in at.text]


def test_a_finished_interview_opens_its_report(engine, two_interviews):
    done_id, _ = two_interviews
    at = open_history(engine)
    at.selectbox(key="history_choice").set_value(done_id).run()
    assert "Resume interview" not in [b.label for b in at.button]
    at = click(at, "Open report")
    assert at.title[0].value == "Interview report"
    assert at.query_params["session"] == done_id


def test_delete_asks_first_and_cancel_keeps_the_interview(engine, two_interviews):
    at = click(open_history(engine), "Delete…")
    assert "cannot be undone" in at.warning[0].value
    at = click(at, "Cancel")
    assert not at.warning and len(engine.list_sessions()) == 2


def test_confirmed_delete_removes_the_interview_from_the_store_and_the_list(engine, two_interviews):
    done_id, _ = two_interviews
    at = open_history(engine)
    at.selectbox(key="history_choice").set_value(done_id).run()
    at = click(click(at, "Delete…"), "Yes, delete it")
    assert at.success[0].value == "The interview was deleted."
    assert at.dataframe[0].value["Field"].tolist() == ["Data Science"]
    with pytest.raises(SessionNotFound):
        engine.get_session(done_id)


def test_an_interview_resumes_from_its_link_after_a_restart(db_url, two_interviews):
    _, open_id = two_interviews
    restarted = InterviewEngine(ScriptedProvider(), SqlStore(db_url))  # a new process on the same database
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[ENGINE_KEY] = restarted
    at.run()
    at.query_params["session"] = open_id
    at.switch_page("pages/interview.py").run()
    assert not at.exception
    assert at.get("progress")[0].proto.text == "Question 2 of 3 · difficulty 6/10"
    assert any("Feedback on round 1" in m.value for m in at.markdown)
