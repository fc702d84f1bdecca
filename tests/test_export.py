import json

import pytest
from markdown_it import MarkdownIt

from interview_core.export import export_filename, history_frame, rounds_frame, to_json, to_markdown
from interview_core.models import InterviewConfig, SpeechMetrics
from tests.contract import FEEDBACK_KEYS
from tests.fakes import evaluation

HOSTILE = '<img src="http://evil.example/p.png"> ![x](http://evil.example/t.png) [site](http://evil.example)'


@pytest.fixture
def finished(engine, provider):
    """A complete 3-round interview: one spoken answer, hostile model text in round 2."""
    provider.enqueue(8, evaluation(4, strengths=HOSTILE, weaknesses="Missed **caching**"), 6)
    started = engine.start(
        InterviewConfig(field="Backend / APIs", interview_type="Technical", total_rounds=3, resume="Jane, 5 yrs")
    )
    speech = SpeechMetrics(duration_seconds=30, words=70, words_per_minute=140, filler_words={"um": 2})
    engine.submit_answer(started.session_id, "First answer about REST.", round=1, speech=speech)
    engine.submit_answer(started.session_id, "Second answer <b>bold</b>.", round=2)
    engine.submit_answer(started.session_id, "Third answer.", round=3)
    return engine.get_session(started.session_id)


def test_markdown_holds_every_question_answer_score_and_the_report(finished):
    text = to_markdown(finished)
    for turn in finished.history:
        assert f"### Round {turn.round} (difficulty {turn.difficulty} → {turn.next_difficulty})" in text
        assert f"overall {turn.evaluation.score}/10" in text
    assert "First answer about REST." in text
    assert "Scripted report after 2 rounds." in text
    assert "**Recommendation:** Hire" in text
    assert "| Communication | 6.0/10 |" in text
    assert "um ×2" in text and "140 words per minute" in text


def test_markdown_export_renders_without_images_links_or_html(finished):
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(to_markdown(finished))
    assert "<img" not in rendered and "<a " not in rendered and "<b>" not in rendered
    assert "&lt;img src=&quot;http:\u2060//evil.example/p.png&quot;&gt;" in rendered  # shown, not fetched


def test_json_has_every_round_with_the_original_feedback_keys_and_the_report(finished):
    data = json.loads(to_json(finished))
    assert [r["round"] for r in data["rounds"]] == [1, 2, 3]
    assert set(data["rounds"][0]["feedback"]) == set(FEEDBACK_KEYS)
    assert data["rounds"][1]["feedback"]["strengths"] == HOSTILE  # JSON keeps the raw text; it is data
    assert data["rounds"][0]["speech"]["filler_words"] == {"um": 2}
    assert data["score_history"] == [8, 4, 6] and data["average_score"] == 6.0
    assert data["final_report"]["recommendation"] == "Hire"
    assert data["final_report_text"].startswith("Scripted report after 2 rounds.")
    assert data["resume"] == "Jane, 5 yrs"


def test_exports_never_contain_the_api_key(finished, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "AIzaSy-export-test-key-123")
    assert "AIzaSy-export-test-key-123" not in to_json(finished) + to_markdown(finished)


def test_file_names_carry_the_date_and_a_safe_slug_of_the_field(finished):
    assert export_filename(finished, "md") == f"interview-{finished.created_at:%Y-%m-%d}-backend-apis.md"


def test_rounds_table_has_one_row_per_round_with_scores_and_pace(finished):
    frame = rounds_frame(finished)
    assert frame["Score"].tolist() == [8, 4, 6]
    assert frame["Difficulty"].tolist() == [5, 7, 6]
    assert frame["Words/min"].tolist()[0] == 140
    assert frame["Scored by"].iloc[0] == "scripted test interviewer"


def test_history_table_lists_newest_first_with_status(engine, provider, finished):
    engine.start(InterviewConfig(field="Data Science", total_rounds=5))
    frame = history_frame(engine.list_sessions())
    assert frame["Field"].tolist() == ["Data Science", "Backend / APIs"]
    assert frame["Status"].tolist() == ["In progress", "Complete"]
    assert frame["Rounds"].tolist() == ["0/5", "3/3"]


def test_rounds_table_leaves_out_pace_when_no_answer_was_spoken(engine, provider):
    provider.enqueue(7)
    started = engine.start(InterviewConfig(field="x", total_rounds=2))
    engine.submit_answer(started.session_id, "typed", round=1)
    assert "Words/min" not in rounds_frame(engine.get_session(started.session_id)).columns
