import json
from datetime import UTC, datetime, timedelta

import pytest

from interview_core.charts import (
    difficulty_figure,
    dimension_averages,
    progress_figure,
    radar_figure,
    scores_figure,
)
from interview_core.models import InterviewConfig
from interview_core.results import SessionInfo
from tests.fakes import evaluation


@pytest.fixture
def half_done(engine, provider):
    """Two of four rounds answered: scores 9 then 3, so difficulty goes 5 → 7 → 6."""
    provider.enqueue(evaluation(9, communication_score=7, technical_score=10, confidence_score=8), 3)
    started = engine.start(InterviewConfig(field="Backend", total_rounds=4))
    engine.submit_answer(started.session_id, "a", round=1)
    engine.submit_answer(started.session_id, "b", round=2)
    return engine.get_session(started.session_id)


def test_score_chart_has_overall_and_each_dimension_per_round(half_done):
    figure = scores_figure(half_done)
    series = {trace.name: list(trace.y) for trace in figure.data}
    assert series == {
        "Overall": [9, 3],
        "Communication": [7, 3],
        "Technical": [10, 3],
        "Confidence": [8, 3],
    }
    assert all(list(trace.x) == [1, 2] for trace in figure.data)
    assert list(figure.layout.yaxis.range) == [0, 10.5]


def test_difficulty_chart_is_a_step_line_including_the_open_question(half_done):
    trace = difficulty_figure(half_done).data[0]
    assert trace.line.shape == "hv"
    assert list(trace.x) == [1, 2, 3]
    assert list(trace.y) == [5, 7, 6]


def test_radar_closes_its_loop_over_the_average_of_each_dimension(half_done):
    trace = radar_figure(half_done).data[0]
    assert list(trace.theta) == ["Overall", "Communication", "Technical", "Confidence", "Overall"]
    assert list(trace.r) == [6.0, 5.0, 6.5, 5.5, 6.0]
    assert dimension_averages(half_done)["Technical"] == 6.5


def test_progress_chart_skips_unanswered_interviews_and_orders_by_date():
    now = datetime(2025, 5, 1, tzinfo=UTC)

    def info(days: int, field: str, done: int, average: float) -> SessionInfo:
        return SessionInfo(
            session_id=field,
            created_at=now + timedelta(days=days),
            updated_at=now,
            field=field,
            interview_type="Technical",
            total_rounds=5,
            completed_rounds=done,
            average_score=average,
            status="complete" if done == 5 else "active",
        )

    figure = progress_figure([info(2, "later", 5, 7.5), info(0, "<b>first</b>", 5, 5.0), info(1, "empty", 0, 0)])
    trace = figure.data[0]
    assert list(trace.x) == [1, 2] and list(trace.y) == [5.0, 7.5]
    assert trace.text[0].startswith(
        "01 May 2025 00:00 · &lt;b&gt;first&lt;/b&gt;"
    )  # Plotly renders some HTML in labels: escape it


def test_figures_serialise_for_the_browser(half_done):
    for figure in (scores_figure(half_done), difficulty_figure(half_done), radar_figure(half_done)):
        assert json.loads(figure.to_json())["data"]
