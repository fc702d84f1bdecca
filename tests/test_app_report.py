"""The report page through AppTest: final report, charts, table, downloads."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from interview_core.engine import InterviewEngine
from interview_core.models import FinalReport, InterviewConfig
from interview_core.store import MemoryStore
from tests.app_support import open_page
from tests.fakes import ScriptedProvider, evaluation

pytestmark = pytest.mark.usefixtures("app_navigation")

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_report(engine: InterviewEngine | None, session_id: str | None = None) -> AppTest:
    return open_page("pages/report.py", engine, session_id, timeout=30)


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def numbers(values) -> list[float]:
    """Plotly may ship numeric arrays base64-encoded ({"dtype", "bdata"})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


class ReportingProvider(ScriptedProvider):
    def final_report(self, session):
        return FinalReport(
            summary="Solid fundamentals; <script>x</script> answers need numbers.",
            strengths=["Clear structure"],
            areas_to_improve=["Quantify impact"],
            practice_plan=["Rehearse two STAR stories with metrics"],
            recommendation="Lean hire",
        )


@pytest.fixture
def engine() -> InterviewEngine:
    return InterviewEngine(ReportingProvider(), MemoryStore())


@pytest.fixture
def finished_id(engine) -> str:
    engine.provider.enqueue(evaluation(8, communication_score=6, technical_score=9, confidence_score=7), 4, 6)
    session_id = engine.start(InterviewConfig(field="Backend", total_rounds=3, difficulty=5)).session_id
    for round_number, text in enumerate(["one", "two", "three"], start=1):
        engine.submit_answer(session_id, f"answer {text}", round=round_number)
    return session_id


def test_opened_with_empty_state_it_explains_and_links_onward():
    at = open_report(None)
    assert not at.exception
    assert "There is no interview open in this tab" in at.info[0].value


def test_the_final_report_is_shown_with_recommendation_and_plan(engine, finished_id):
    at = open_report(engine, finished_id)
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "#### Recommendation: Lean hire" in text
    assert "Rehearse two STAR stories with metrics" in text and "Quantify impact" in text
    # the model's markup is shown as text, never run
    assert "Solid fundamentals; <script>x</script> answers need numbers." in [t.value for t in at.text]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Average score"] == "6.0/10" and shown["Questions answered"] == "3/3"
    assert shown["Communication"] == "5.3/10"


def test_the_report_draws_scores_difficulty_and_radar_charts(engine, finished_id):
    scores, difficulty, radar = chart_specs(open_report(engine, finished_id))
    overall = next(trace for trace in scores["data"] if trace["name"] == "Overall")
    assert numbers(overall["y"]) == [8, 4, 6]
    assert {trace["name"] for trace in scores["data"]} == {"Overall", "Communication", "Technical", "Confidence"}
    assert difficulty["data"][0]["line"]["shape"] == "hv"
    assert numbers(difficulty["data"][0]["y"]) == [5, 7, 6]
    assert radar["data"][0]["type"] == "scatterpolar"
    assert numbers(radar["data"][0]["r"])[:4] == [6.0, 5.3, 6.3, 5.7]


def test_the_round_table_has_a_row_per_round_and_both_downloads_are_offered(engine, finished_id):
    at = open_report(engine, finished_id)
    table = at.dataframe[0].value
    assert table["Round"].tolist() == [1, 2, 3] and table["Score"].tolist() == [8, 4, 6]
    assert {button.label for button in at.get("download_button")} == {"Markdown report", "JSON data"}
    rounds = [e.label for e in at.main.expander]  # every round's question, answer and feedback
    assert rounds == [
        "Round 1 · 8/10 · Q1 at difficulty 5?",
        "Round 2 · 4/10 · Q2 at difficulty 7?",
        "Round 3 · 6/10 · Q3 at difficulty 6?",
    ]


def test_an_interview_in_progress_shows_its_charts_so_far_and_can_be_continued(engine):
    engine.provider.enqueue(7)
    session_id = engine.start(InterviewConfig(field="Backend", total_rounds=3)).session_id
    engine.submit_answer(session_id, "first", round=1)
    at = open_report(engine, session_id)
    assert "1 of 3 questions answered" in at.info[0].value
    assert len(chart_specs(at)) == 3
    next(b for b in at.button if b.label == "Continue this interview").click().run()
    assert "Q2 at difficulty 6?" in [t.value for t in at.text]


def test_an_interview_with_no_answers_yet_has_nothing_to_chart(engine):
    session_id = engine.start(InterviewConfig(field="Backend", total_rounds=3)).session_id
    at = open_report(engine, session_id)
    assert not at.exception and not at.get("plotly_chart")
    assert "nothing to report" in at.info[0].value
